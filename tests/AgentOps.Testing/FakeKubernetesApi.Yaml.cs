using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AgentOps.Testing;

public sealed partial class FakeKubernetesApi
{
    /// <summary>
    /// Where the captured Kubernetes objects are: <c>fixtures/kubernetes</c> beside the test binaries when the test
    /// project copies them, else <c>tests/fixtures/kubernetes</c> found by walking up from the binaries (benchmarks,
    /// interop runs). The environment variable <c>AGENTOPS_KUBERNETES_FIXTURES</c> overrides both.
    /// </summary>
    public static string FixtureDirectory()
    {
        if (Environment.GetEnvironmentVariable("AGENTOPS_KUBERNETES_FIXTURES") is { Length: > 0 } configured)
        {
            return configured;
        }
        var copied = Path.Combine(AppContext.BaseDirectory, "fixtures", "kubernetes");
        if (Directory.Exists(copied))
        {
            return copied;
        }
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "fixtures", "kubernetes");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException($"No fixtures/kubernetes beside {AppContext.BaseDirectory} and no tests/fixtures/kubernetes above it.");
    }

    /// <summary>Reads a fixture (<c>.yaml</c> or <c>.json</c>) as JSON, typing plain YAML scalars as the API server would.</summary>
    public static JsonObject LoadFixture(string fileName)
    {
        var text = File.ReadAllText(Path.Combine(FixtureDirectory(), fileName));
        if (fileName.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return JsonNode.Parse(text)!.AsObject();
        }
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return YamlToJson(stream.Documents[0].RootNode) as JsonObject ?? throw new InvalidDataException($"{fileName} is not a YAML mapping.");
    }

    private static JsonNode? YamlToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? string.Empty, YamlToJson(c.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(YamlToJson).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain } plain => PlainScalar(plain.Value ?? string.Empty),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? string.Empty),
        _ => throw new InvalidDataException($"Unsupported YAML node {node.NodeType}."),
    };

    // The YAML 1.1 core types sigs.k8s.io/yaml gives unquoted scalars; timestamps stay strings.
    private static JsonNode? PlainScalar(string value) => value switch
    {
        "" or "~" or "null" or "Null" or "NULL" => null,
        "true" or "True" or "TRUE" => JsonValue.Create(true),
        "false" or "False" or "FALSE" => JsonValue.Create(false),
        _ when IntegerPattern().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) => JsonValue.Create(integer),
        _ when FloatPattern().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
        _ => JsonValue.Create(value),
    };

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
