using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace AgentOps.Guardrails.Policy;

/// <summary>Policy as data: injection and secret patterns, and resource limits, from <c>guardrails/*.yaml</c>.</summary>
public sealed record GuardrailPolicy(
    IReadOnlyList<PatternRule> InjectionPatterns,
    IReadOnlyList<PatternRule> SecretPatterns,
    ResourceLimits Limits)
{
    private static readonly TimeSpan s_regexTimeout = TimeSpan.FromMilliseconds(200);

    public static GuardrailPolicy Load(string directory) => new(
        LoadPatterns(Path.Combine(directory, "injection.yaml"), "patterns"),
        LoadPatterns(Path.Combine(directory, "secrets.yaml"), "patterns"),
        ResourceLimits.Load(Path.Combine(directory, "limits.yaml")));

    /// <summary>
    /// The secret patterns and limits only, for redacting output (the tool servers). Injection screening is the
    /// orchestrator's job, and building its patterns for the non-backtracking engine was most of a server's start-up.
    /// </summary>
    public static GuardrailPolicy LoadForRedaction(string directory) => new(
        [],
        LoadPatterns(Path.Combine(directory, "secrets.yaml"), "patterns"),
        ResourceLimits.Load(Path.Combine(directory, "limits.yaml")));

    private static List<PatternRule> LoadPatterns(string file, string key)
    {
        var root = LoadRoot(file);
        if (!root.Children.TryGetValue(new YamlScalarNode(key), out var node) || node is not YamlSequenceNode list)
        {
            throw new InvalidDataException($"{file}: '{key}' must be a list.");
        }
        var rules = new List<PatternRule>();
        foreach (var item in list.Children.OfType<YamlMappingNode>())
        {
            var id = Scalar(item, "id") ?? throw new InvalidDataException($"{file}: every pattern needs an id.");
            var pattern = Scalar(item, "regex") ?? throw new InvalidDataException($"{file}: pattern '{id}' needs a regex.");
            try
            {
                // A timeout bounds the cost of hostile input against a careless pattern.
                rules.Add(new PatternRule(id, Compile(pattern), Scalar(item, "description") ?? id));
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException($"{file}: pattern '{id}' is not a valid regex: {ex.Message}", ex);
            }
        }
        return rules;
    }

    // Screening runs over every argument, including whole pull-request descriptions, so its cost must not depend on
    // how a pattern backtracks: the non-backtracking engine is linear in the input. Patterns it cannot run
    // (lookarounds) fall back to the backtracking engine, still bounded by the timeout, which fails closed. That
    // fallback is interpreted, not RegexOptions.Compiled: a compiled pattern is JIT-compiled during its first match,
    // inside the timeout, and on a loaded machine that alone took over 300 ms and refused valid input.
    private static Regex Compile(string pattern)
    {
        const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;
        try
        {
            return new Regex(pattern, Options | RegexOptions.NonBacktracking, s_regexTimeout);
        }
        catch (NotSupportedException)
        {
            return new Regex(pattern, Options, s_regexTimeout);
        }
    }

    internal static YamlMappingNode LoadRoot(string file)
    {
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"Guardrail policy file '{file}' is missing.", file);
        }
        var yaml = new YamlStream();
        using var reader = File.OpenText(file);
        yaml.Load(reader);
        return yaml.Documents.Count > 0 && yaml.Documents[0].RootNode is YamlMappingNode map
            ? map
            : throw new InvalidDataException($"{file}: expected a mapping at the top.");
    }

    internal static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode scalar ? scalar.Value : null;
}
