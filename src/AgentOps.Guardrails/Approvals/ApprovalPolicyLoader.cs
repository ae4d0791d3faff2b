using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AgentOps.Guardrails.Approvals;

/// <summary>Strict reader of <c>approvals.yaml</c>: an unknown key, a bad number or a duration without a unit is an error.</summary>
internal static class ApprovalPolicyLoader
{
    private static readonly string[] s_topKeys = ["required", "expiresAfter", "production", "breakGlass", "codeowners", "teams"];

    public static ApprovalPolicy Load(string guardrailsDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(guardrailsDirectory);
        var file = Path.Combine(guardrailsDirectory, ApprovalPolicy.FileName);
        if (!File.Exists(file))
        {
            return ApprovalPolicy.Default;
        }
        var yaml = new YamlStream();
        try
        {
            using var reader = File.OpenText(file);
            yaml.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"{file}:{ex.Start.Line}: malformed YAML: {ex.Message}", ex);
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new InvalidDataException($"{file}:1: the file must be a mapping of {string.Join(", ", s_topKeys)}.");
        }
        CheckKeys(file, root, s_topKeys, "");
        var required = Integer(file, root, "required", 1, min: 1);
        var expires = Duration(file, root, "expiresAfter", TimeSpan.FromHours(24));
        var production = ProductionRule.None;
        if (Child(root, "production") is { } productionNode)
        {
            var map = Mapping(file, productionNode, "production");
            CheckKeys(file, map, ["namespaces", "paths", "required"], "production.");
            production = new ProductionRule(Strings(file, map, "namespaces", "production.namespaces"), Strings(file, map, "paths", "production.paths"),
                Integer(file, map, "required", required, min: 1, field: "production.required"));
        }
        var breakGlass = 2;
        if (Child(root, "breakGlass") is { } breakGlassNode)
        {
            var map = Mapping(file, breakGlassNode, "breakGlass");
            CheckKeys(file, map, ["approvers"], "breakGlass.");
            breakGlass = Integer(file, map, "approvers", 2, min: 2, field: "breakGlass.approvers");
        }
        var teams = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        if (Child(root, "teams") is { } teamsNode)
        {
            foreach (var (key, _) in Mapping(file, teamsNode, "teams").Children)
            {
                var name = ((YamlScalarNode)key).Value ?? string.Empty;
                if (!name.StartsWith('@') || !name.Contains('/', StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"{file}:{key.Start.Line}: teams: '{name}' must be written @org/team.");
                }
                teams[name] = Strings(file, (YamlMappingNode)teamsNode, name, $"teams.{name}");
            }
        }
        var owners = CodeOwners.Empty;
        if (Child(root, "codeowners") is YamlScalarNode { Value: { Length: > 0 } ownersPath } ownersNode)
        {
            var ownersFile = Path.GetFullPath(Path.Combine(guardrailsDirectory, ownersPath));
            if (!File.Exists(ownersFile))
            {
                throw new InvalidDataException($"{file}:{ownersNode.Start.Line}: codeowners: '{ownersPath}' does not exist.");
            }
            owners = CodeOwners.Parse(File.ReadAllText(ownersFile), ownersFile, teams);
        }
        return new ApprovalPolicy(required, expires, production, breakGlass, owners);
    }

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    private static YamlMappingNode Mapping(string file, YamlNode node, string field) => node as YamlMappingNode
        ?? throw new InvalidDataException($"{file}:{node.Start.Line}: {field} must be a mapping.");

    private static void CheckKeys(string file, YamlMappingNode map, string[] known, string prefix)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value;
            if (name is null || !known.Contains(name, StringComparer.Ordinal))
            {
                throw new InvalidDataException($"{file}:{key.Start.Line}: unknown field '{prefix}{name}' (known: {string.Join(", ", known)}).");
            }
        }
    }

    private static int Integer(string file, YamlMappingNode map, string key, int fallback, int min, string? field = null)
    {
        if (Child(map, key) is not { } node)
        {
            return fallback;
        }
        if (node is not YamlScalarNode { Value: { } text } || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min)
        {
            throw new InvalidDataException($"{file}:{node.Start.Line}: {field ?? key} must be a whole number of at least {min}.");
        }
        return value;
    }

    private static TimeSpan Duration(string file, YamlMappingNode map, string key, TimeSpan fallback)
    {
        if (Child(map, key) is not { } node)
        {
            return fallback;
        }
        var text = (node as YamlScalarNode)?.Value?.Trim() ?? string.Empty;
        var unit = text.Length > 0 ? text[^1] : ' ';
        if (!long.TryParse(text.AsSpan(0, Math.Max(0, text.Length - 1)), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0
            || unit is not ('s' or 'm' or 'h' or 'd'))
        {
            throw new InvalidDataException($"{file}:{node.Start.Line}: {key} must be a positive duration with a unit s, m, h or d (e.g. 4h), not '{text}'.");
        }
        return unit switch
        {
            's' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMinutes(amount),
            'h' => TimeSpan.FromHours(amount),
            _ => TimeSpan.FromDays(amount),
        };
    }

    private static string[] Strings(string file, YamlMappingNode map, string key, string field)
    {
        if (Child(map, key) is not { } node)
        {
            return [];
        }
        if (node is not YamlSequenceNode list || list.Children.Any(c => c is not YamlScalarNode { Value.Length: > 0 }))
        {
            throw new InvalidDataException($"{file}:{node.Start.Line}: {field} must be a list of names.");
        }
        return list.Children.Select(c => ((YamlScalarNode)c).Value!).ToArray();
    }
}
