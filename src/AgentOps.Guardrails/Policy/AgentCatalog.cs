using AgentOps.Core;
using YamlDotNet.RepresentationModel;

namespace AgentOps.Guardrails.Policy;

/// <summary>Loads <c>AIAgent</c> resources from <c>agents/*.yaml</c>. A malformed file fails loudly, naming the file.</summary>
public sealed class AgentCatalog
{
    public const string ApiVersion = "platform.example.io/v1";
    public const string TrustDomain = "spiffe://agentops.local/agent/";

    private readonly Dictionary<string, AgentSpec> _agents;

    private AgentCatalog(Dictionary<string, AgentSpec> agents) => _agents = agents;

    public IReadOnlyCollection<AgentSpec> Agents => _agents.Values;

    public AgentSpec Get(string name) =>
        _agents.TryGetValue(name, out var spec) ? spec : throw new KeyNotFoundException($"No AIAgent named '{name}' in the agent catalogue.");

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
        using (var reader = File.OpenText(file))
        {
            yaml.Load(reader);
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new InvalidDataException($"{file}: expected one AIAgent resource (a YAML mapping), found {(yaml.Documents.Count == 0 ? "an empty file" : "something else")}.");
        }
        Require(file, Scalar(root, "apiVersion") == ApiVersion, $"apiVersion must be {ApiVersion}");
        Require(file, Scalar(root, "kind") == "AIAgent", "kind must be AIAgent");
        var name = Scalar(Map(root, "metadata", file), "name") ?? throw new InvalidDataException($"{file}: metadata.name is required.");
        var spec = Map(root, "spec", file);
        var endpoints = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        if (spec.Children.TryGetValue(new YamlScalarNode("mcpEndpoints"), out var endpointNode) && endpointNode is YamlSequenceNode endpointList)
        {
            foreach (var item in endpointList.Children.OfType<YamlMappingNode>())
            {
                var server = Scalar(item, "name") ?? throw new InvalidDataException($"{file}: every mcpEndpoints entry needs a name.");
                endpoints[server] = Sequence(item, "tools").ToHashSet(StringComparer.Ordinal);
            }
        }
        var rbac = new ScopeSet(Sequence(spec, "rbacScope").Select(s => Scope.TryParse(s, out var scope)
            ? scope
            : throw new InvalidDataException($"{file}: '{s}' in rbacScope is not a scope.")));
        var perMinute = 30;
        if (spec.Children.TryGetValue(new YamlScalarNode("rateLimits"), out var limits) && limits is YamlMappingNode limitMap &&
            Scalar(limitMap, "toolCallsPerMinute") is { } perMinuteText)
        {
            perMinute = int.TryParse(perMinuteText, out var parsed) && parsed > 0
                ? parsed
                : throw new InvalidDataException($"{file}: rateLimits.toolCallsPerMinute must be a positive integer.");
        }
        return new AgentSpec(
            name,
            TrustDomain + name,
            Scalar(spec, "agentType") ?? "domain_specific",
            Scalar(spec, "provider") ?? throw new InvalidDataException($"{file}: spec.provider is required."),
            Scalar(spec, "model") ?? throw new InvalidDataException($"{file}: spec.model is required."),
            endpoints,
            rbac,
            perMinute);
    }

    private static void Require(string file, bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidDataException($"{file}: {message}.");
        }
    }

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode scalar ? scalar.Value : null;

    private static YamlMappingNode Map(YamlMappingNode map, string key, string file) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlMappingNode child
            ? child
            : throw new InvalidDataException($"{file}: '{key}' must be a mapping.");

    private static IEnumerable<string> Sequence(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlSequenceNode seq
            ? seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? string.Empty)
            : [];
}
