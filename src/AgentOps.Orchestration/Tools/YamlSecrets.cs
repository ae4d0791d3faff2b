using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AgentOps.Orchestration.Tools;

/// <summary>
/// Replaces, in YAML text, the scalar values that sit under a secret-named key or in a Kubernetes <c>env</c> entry whose
/// name is secret-named. It edits the text where those values are, so everything else stays exactly as the server wrote
/// it; text that is not YAML comes back unchanged.
/// </summary>
internal static class YamlSecrets
{
    // Kubernetes objects nest a dozen levels or so; deeper than this is not an object worth walking, and the
    // patterns still run over the whole text afterwards.
    private const int MaxDepth = 64;

    public static string RedactSecretValues(string text, Func<string, bool> isSecretKey, string marker)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException)
        {
            return text;
        }
        var spans = new List<(int Start, int End)>();
        foreach (var document in stream.Documents)
        {
            Collect(document.RootNode, isSecretKey, spans, 0);
        }
        if (spans.Count == 0)
        {
            return text;
        }
        // From the end backwards, so the positions of the spans still to replace stay valid.
        var builder = new StringBuilder(text);
        foreach (var (start, end) in spans.Distinct().OrderByDescending(s => s.Start))
        {
            // A block scalar's span runs over the line breaks after it; those belong to the document, not the secret.
            var length = text.AsSpan(start, end - start).TrimEnd().Length;
            builder.Remove(start, length).Insert(start, '"' + marker + '"');
        }
        return builder.ToString();
    }

    private static void Collect(YamlNode node, Func<string, bool> isSecretKey, List<(int Start, int End)> spans, int depth)
    {
        if (depth > MaxDepth)
        {
            return;
        }
        switch (node)
        {
            case YamlMappingNode mapping:
                var secretEnvironmentEntry = Scalar(mapping, "name") is { } name && isSecretKey(name);
                foreach (var (key, value) in mapping.Children)
                {
                    if (value is YamlScalarNode { Value.Length: > 0 } scalar && key is YamlScalarNode { Value: { } keyText } &&
                        (isSecretKey(keyText) || secretEnvironmentEntry && keyText == "value"))
                    {
                        spans.Add(((int)scalar.Start.Index, (int)scalar.End.Index));
                    }
                    else
                    {
                        Collect(value, isSecretKey, spans, depth + 1);
                    }
                }
                break;
            case YamlSequenceNode sequence:
                foreach (var child in sequence.Children)
                {
                    Collect(child, isSecretKey, spans, depth + 1);
                }
                break;
        }
    }

    private static string? Scalar(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode scalar ? scalar.Value : null;
}
