using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace AgentOps.Planning.Yaml;

/// <summary>
/// Reads YAML files strictly: unknown keys and duplicate keys are errors, because a misspelt key in a
/// skill or a policy would otherwise be ignored silently and weaken what it was meant to say.
/// Every error is an <see cref="InvalidDataException"/> that names the file.
/// </summary>
internal static class StrictYaml
{
    // Unquoted scalars under untyped nodes (step arguments) keep their YAML type, so `remote: true` stays a boolean.
    private static readonly IDeserializer s_deserializer = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .WithDuplicateKeyChecking()
        .WithAttemptingUnquotedStringTypeDeserialization()
        .Build();

    public static T Load<T>(string path)
        where T : class
    {
        var text = File.ReadAllText(path);
        T? document;
        try
        {
            document = s_deserializer.Deserialize<T>(text);
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"{path}: {Describe(ex)}", ex);
        }
        return document ?? throw new InvalidDataException($"{path}: the file is empty.");
    }

    private static string Describe(YamlException ex)
    {
        // YamlDotNet wraps type conversion failures; the inner message says what was wrong.
        var detail = ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message;
        return $"line {ex.Start.Line}, column {ex.Start.Column}: {detail}";
    }
}
