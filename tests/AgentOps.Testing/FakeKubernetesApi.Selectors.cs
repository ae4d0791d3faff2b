using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AgentOps.Testing;

public sealed partial class FakeKubernetesApi
{
    /// <summary>Label selectors (<c>a=b</c>, <c>a!=b</c>, <c>a</c>, <c>!a</c>, <c>a in (x,y)</c>, <c>a notin (x)</c>) and field selectors (<c>involvedObject.name=x</c>).</summary>
    private sealed partial class Selector(IReadOnlyList<Func<Func<string, string?>, bool>> requirements)
    {
        private static readonly Selector s_everything = new([]);

        public bool MatchesLabels(JsonObject? labels) =>
            requirements.All(r => r(key => labels?[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null));

        public bool MatchesFields(JsonNode obj) => requirements.All(r => r(path => Resolve(obj, path)));

        public static Selector ParseLabels(string? text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return s_everything;
            }
            var requirements = new List<Func<Func<string, string?>, bool>>();
            foreach (var part in SplitTopLevel(text))
            {
                if (SetRequirement().Match(part) is { Success: true } set)
                {
                    var key = set.Groups["key"].Value;
                    var values = set.Groups["values"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
                    var notIn = set.Groups["op"].Value == "notin";
                    requirements.Add(get => get(key) is { } v ? values.Contains(v) != notIn : notIn);
                }
                else if (EqualityRequirement().Match(part) is { Success: true } equality)
                {
                    var key = equality.Groups["key"].Value;
                    var value = equality.Groups["value"].Value;
                    var negate = equality.Groups["op"].Value == "!=";
                    requirements.Add(get => (get(key) == value) != negate);
                }
                else if (ExistsRequirement().Match(part) is { Success: true } exists)
                {
                    var key = exists.Groups["key"].Value;
                    var negate = exists.Groups["not"].Success;
                    requirements.Add(get => (get(key) is not null) != negate);
                }
                else
                {
                    throw new ApiError(400, "BadRequest", $"unable to parse requirement: found '{part}', expected: in, notin, =, ==, !=, gt, lt");
                }
            }
            return new Selector(requirements);
        }

        public static Selector ParseFields(string? text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return s_everything;
            }
            var requirements = new List<Func<Func<string, string?>, bool>>();
            foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var match = EqualityRequirement().Match(part);
                if (!match.Success)
                {
                    throw new ApiError(400, "BadRequest", $"invalid field selector: '{part}'");
                }
                var path = match.Groups["key"].Value;
                var value = match.Groups["value"].Value;
                var negate = match.Groups["op"].Value == "!=";
                requirements.Add(get => ((get(path) ?? string.Empty) == value) != negate);
            }
            return new Selector(requirements);
        }

        private static string? Resolve(JsonNode obj, string path)
        {
            JsonNode? node = obj;
            foreach (var segment in path.Split('.'))
            {
                node = node is JsonObject o ? o[segment] : null;
            }
            return node is JsonValue value ? value.ToString() : null;
        }

        private static IEnumerable<string> SplitTopLevel(string text)
        {
            var depth = 0;
            var start = 0;
            for (var i = 0; i < text.Length; i++)
            {
                depth += text[i] switch { '(' => 1, ')' => -1, _ => 0 };
                if (text[i] == ',' && depth == 0)
                {
                    yield return text[start..i].Trim();
                    start = i + 1;
                }
            }
            yield return text[start..].Trim();
        }

        [GeneratedRegex(@"^(?<key>[A-Za-z0-9_./-]+)\s+(?<op>in|notin)\s+\((?<values>[^()]*)\)$")]
        private static partial Regex SetRequirement();

        [GeneratedRegex(@"^(?<key>[A-Za-z0-9_./-]+)\s*(?<op>==|=|!=)\s*(?<value>[^,]*)$")]
        private static partial Regex EqualityRequirement();

        [GeneratedRegex(@"^(?<not>!)?\s*(?<key>[A-Za-z0-9_./-]+)$")]
        private static partial Regex ExistsRequirement();
    }
}
