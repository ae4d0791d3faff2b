using System.Globalization;
using AgentOps.Core;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AgentOps.Guardrails.Policy;

/// <summary>
/// Loads <c>AIAgent</c> resources from <c>agents/*.yaml</c>. A spec sets an agent's ceiling, so a wrong one must never
/// load as "fewer rights than meant" or "more": every problem fails the load with the file and the field named
/// (<c>spec.rbacScope[2]</c>), and what was found instead.
/// </summary>
public sealed class AgentCatalog
{
    public const string ApiVersion = "platform.example.io/v1";
    public const string TrustDomain = "spiffe://agentops.local/agent/";

    /// <summary>
    /// The verbs each of our tool servers checks. A ceiling naming another verb for these servers grants nothing a
    /// server would ever ask for — almost always a typo (<c>git:write</c> for <c>git:commit</c>) — so it is refused.
    /// Servers not listed here (third-party ones mapped onto our vocabulary, future ones) are not checked.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> ScopeVerbs { get; } = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
    {
        ["git"] = new HashSet<string>(
            ["branch_create", "files_write", "file_read", "commit", "push", "branch_delete", "pull_request_open", "pull_request_close", "diff", "revert",
             "repository_clone", "pull_request_get", "pull_request_list", "pull_request_merge"], StringComparer.Ordinal),
        ["crossplane"] = new HashSet<string>(["render", "validate", "read"], StringComparer.Ordinal),
        ["k8s"] = new HashSet<string>(["read", "scale", "restart"], StringComparer.Ordinal),
        ["argocd"] = new HashSet<string>(["read", "sync", "rollback"], StringComparer.Ordinal),
        ["prometheus"] = new HashSet<string>(["query", "read"], StringComparer.Ordinal),
    };

    /// <summary>OIDC-A <c>agent_type</c> values; <c>vendor:type</c> is allowed as well.</summary>
    private static readonly HashSet<string> s_agentTypes = ["assistant", "retrieval", "coding", "domain_specific", "autonomous", "supervised"];

    private static readonly HashSet<string> s_specFields = ["provider", "model", "agentType", "mcpEndpoints", "rbacScope", "rateLimits", "tokenLifetime"];

    private readonly Dictionary<string, AgentSpec> _agents;

    private AgentCatalog(Dictionary<string, AgentSpec> agents) => _agents = agents;

    public IReadOnlyCollection<AgentSpec> Agents => _agents.Values;

    public AgentSpec Get(string name) =>
        _agents.TryGetValue(name, out var spec) ? spec : throw new KeyNotFoundException($"No AIAgent named '{name}' in the agent catalogue.");

    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AgentSpec? spec) => _agents.TryGetValue(name, out spec);

    public static AgentCatalog Load(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Agent catalogue directory '{directory}' does not exist.");
        }
        var agents = new Dictionary<string, AgentSpec>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            var spec = Parse(file);
            if (!agents.TryAdd(spec.Name, spec))
            {
                throw new InvalidDataException($"{file}: AIAgent '{spec.Name}' is defined twice.");
            }
        }
        return new AgentCatalog(agents);
    }

    private static AgentSpec Parse(string file)
    {
        var yaml = new YamlStream();
        try
        {
            using var reader = File.OpenText(file);
            yaml.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"{file}: not valid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {ex.Message}", ex);
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new InvalidDataException($"{file}: expected one AIAgent resource (a YAML mapping), found {(yaml.Documents.Count == 0 ? "an empty file" : Describe(yaml.Documents[0].RootNode))}.");
        }
        var fields = new FieldReader(file);
        Require(file, fields.OptionalString(root, "apiVersion", "apiVersion") == ApiVersion, $"apiVersion must be {ApiVersion}");
        Require(file, fields.OptionalString(root, "kind", "kind") == "AIAgent", "kind must be AIAgent");
        var metadata = fields.RequiredMap(root, "metadata", "metadata");
        var name = fields.RequiredString(metadata, "name", "metadata.name");
        if (!IsAgentName(name))
        {
            throw fields.Invalid("metadata.name", $"'{name}' cannot form the agent's SPIFFE ID '{TrustDomain}{name}': use a lowercase DNS label " +
                "(a-z, 0-9 and '-', 1 to 63 characters, starting and ending with a letter or digit)");
        }
        var spec = fields.RequiredMap(root, "spec", "spec");
        foreach (var key in spec.Children.Keys)
        {
            if (key is not YamlScalarNode { Value: { } field } || !s_specFields.Contains(field))
            {
                throw fields.Invalid($"spec.{(key as YamlScalarNode)?.Value ?? Describe(key)}",
                    $"is not a field of an AIAgent spec (known: {string.Join(", ", s_specFields.Order(StringComparer.Ordinal))})");
            }
        }
        var agentType = fields.OptionalString(spec, "agentType", "spec.agentType") ?? "domain_specific";
        if (!s_agentTypes.Contains(agentType) && !IsVendorType(agentType))
        {
            throw fields.Invalid("spec.agentType", $"'{agentType}' is not an OIDC-A agent type (one of {string.Join(", ", s_agentTypes.Order(StringComparer.Ordinal))}, or vendor:type)");
        }
        return new AgentSpec(
            name,
            TrustDomain + name,
            agentType,
            fields.RequiredString(spec, "provider", "spec.provider"),
            fields.RequiredString(spec, "model", "spec.model"),
            ReadEndpoints(fields, spec),
            ReadCeiling(fields, spec),
            ReadRate(fields, spec))
        {
            TokenLifetime = ReadLifetime(fields, spec),
        };
    }

    private static Dictionary<string, IReadOnlySet<string>> ReadEndpoints(FieldReader fields, YamlMappingNode spec)
    {
        var endpoints = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        var list = fields.OptionalSequence(spec, "mcpEndpoints", "spec.mcpEndpoints");
        for (var i = 0; i < list.Count; i++)
        {
            var path = $"spec.mcpEndpoints[{i}]";
            if (list[i] is not YamlMappingNode item)
            {
                throw fields.Invalid(path, $"must be a mapping with a name and tools, found {Describe(list[i])}");
            }
            var server = fields.OptionalString(item, "name", path + ".name")
                ?? throw fields.Invalid(path, "every mcpEndpoints entry needs a name");
            var tools = fields.RequiredSequence(item, "tools", $"{path}.tools")
                .Select((node, n) => fields.Text(node, $"{path}.tools[{n}]"))
                .ToHashSet(StringComparer.Ordinal);
            if (!endpoints.TryAdd(server, tools))
            {
                throw fields.Invalid(path + ".name", $"server '{server}' is listed twice");
            }
        }
        return endpoints;
    }

    private static ScopeSet ReadCeiling(FieldReader fields, YamlMappingNode spec)
    {
        var scopes = new List<Scope>();
        var list = fields.RequiredSequence(spec, "rbacScope", "spec.rbacScope");
        for (var i = 0; i < list.Count; i++)
        {
            var path = $"spec.rbacScope[{i}]";
            var text = fields.Text(list[i], path);
            if (!Scope.TryParse(text, out var scope))
            {
                throw fields.Invalid(path, $"'{text}' in rbacScope is not a scope: expected <server>:<verb>[:<resource>], '*' only as a whole server or verb or at the end of the resource");
            }
            if (scope.Verb != Scope.Wildcard && !IsKnownVerb(scope))
            {
                var known = ScopeVerbs.TryGetValue(scope.Server, out var verbs) ? verbs : ScopeVerbs.Values.SelectMany(v => v).ToHashSet(StringComparer.Ordinal);
                throw fields.Invalid(path, $"'{text}' uses verb '{scope.Verb}', which {(scope.Server == Scope.Wildcard ? "no tool server checks" : $"the {scope.Server} server does not check")} " +
                    $"(known: {string.Join(", ", known.Order(StringComparer.Ordinal))}, or *)");
            }
            scopes.Add(scope);
        }
        return new ScopeSet(scopes);
    }

    private static int ReadRate(FieldReader fields, YamlMappingNode spec)
    {
        if (fields.OptionalMap(spec, "rateLimits", "spec.rateLimits") is not { } limits ||
            fields.OptionalString(limits, "toolCallsPerMinute", "spec.rateLimits.toolCallsPerMinute") is not { } text)
        {
            return 30;
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0
            ? parsed
            : throw fields.Invalid("spec.rateLimits.toolCallsPerMinute", $"must be a positive integer, found '{text}'");
    }

    private static TimeSpan? ReadLifetime(FieldReader fields, YamlMappingNode spec)
    {
        if (fields.OptionalString(spec, "tokenLifetime", "spec.tokenLifetime") is not { } text)
        {
            return null;
        }
        var unit = text.Length > 1 ? text[^1] : '\0';
        if (unit is not ('s' or 'm') || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount == 0)
        {
            throw fields.Invalid("spec.tokenLifetime", $"'{text}' is not a duration: write a positive whole number of seconds or minutes, e.g. 90s or 5m");
        }
        var lifetime = unit == 's' ? TimeSpan.FromSeconds(amount) : TimeSpan.FromMinutes(amount);
        return lifetime <= AgentSpec.MaxTokenLifetime
            ? lifetime
            : throw fields.Invalid("spec.tokenLifetime", $"{text} is above the maximum of {AgentSpec.MaxTokenLifetime.TotalMinutes:0}m for a delegated token");
    }

    private static bool IsKnownVerb(Scope scope) => scope.Server == Scope.Wildcard
        ? ScopeVerbs.Values.Any(verbs => verbs.Contains(scope.Verb))
        : !ScopeVerbs.TryGetValue(scope.Server, out var verbs) || verbs.Contains(scope.Verb);

    /// <summary>A DNS-1123 label: a valid SPIFFE path segment, and a valid Kubernetes <c>metadata.name</c>.</summary>
    private static bool IsAgentName(string name) =>
        name.Length is > 0 and <= 63 &&
        name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') &&
        name[0] != '-' && name[^1] != '-';

    private static bool IsVendorType(string agentType) =>
        agentType.Split(':') is [{ Length: > 0 } vendor, { Length: > 0 } type] && !vendor.Any(char.IsWhiteSpace) && !type.Any(char.IsWhiteSpace);

    private static void Require(string file, bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidDataException($"{file}: {message}.");
        }
    }

    private static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode scalar => $"the text '{scalar.Value}'",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => "something else",
    };

    /// <summary>Typed access to one file's fields; every error names the file, the field path, and what was found.</summary>
    private sealed class FieldReader(string file)
    {
        public InvalidDataException Invalid(string path, string problem) => new($"{file}: {path}: {problem}.");

        public string? OptionalString(YamlMappingNode map, string key, string path) => Child(map, key) switch
        {
            null => null,
            YamlScalarNode { Value: null or "" or "~" or "null" } => null,
            YamlScalarNode scalar => scalar.Value,
            var other => throw Invalid(path, $"must be a string, found {Describe(other)}"),
        };

        public string RequiredString(YamlMappingNode map, string key, string path) =>
            OptionalString(map, key, path) ?? throw new InvalidDataException($"{file}: {path} is required.");

        public string Text(YamlNode node, string path) =>
            node is YamlScalarNode { Value: { Length: > 0 } value } ? value : throw Invalid(path, $"must be a non-empty string, found {Describe(node)}");

        public YamlMappingNode? OptionalMap(YamlMappingNode map, string key, string path) => Child(map, key) switch
        {
            null or YamlScalarNode { Value: null or "" or "~" or "null" } => null,
            YamlMappingNode child => child,
            var other => throw Invalid(path, $"must be a mapping, found {Describe(other)}"),
        };

        public YamlMappingNode RequiredMap(YamlMappingNode map, string key, string path) =>
            OptionalMap(map, key, path) ?? throw Invalid(path, $"'{key}' must be a mapping, and is missing");

        public IReadOnlyList<YamlNode> OptionalSequence(YamlMappingNode map, string key, string path) => Child(map, key) switch
        {
            null or YamlScalarNode { Value: null or "" or "~" or "null" } => [],
            YamlSequenceNode sequence => sequence.Children.ToArray(),
            var other => throw Invalid(path, $"must be a list, found {Describe(other)}"),
        };

        public IReadOnlyList<YamlNode> RequiredSequence(YamlMappingNode map, string key, string path) =>
            Child(map, key) is null ? throw new InvalidDataException($"{file}: {path} is required (a list; [] for none).") : OptionalSequence(map, key, path);

        private static YamlNode? Child(YamlMappingNode map, string key) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;
    }
}
