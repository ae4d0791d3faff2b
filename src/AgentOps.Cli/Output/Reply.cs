using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace AgentOps.Cli.Output;

/// <summary>Writes either human text or one JSON document to stdout; errors go to stderr (or as an error object under --json).</summary>
internal sealed class Reply(TextWriter output, TextWriter error, bool json)
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public bool Json => json;

    public void Line(string text = "")
    {
        if (!json)
        {
            output.WriteLine(text);
        }
    }

    /// <summary>A line of data that is its own format (JSON lines), written in both modes.</summary>
    public void Raw(string line) => output.WriteLine(line);

    public void Data(JsonNode node)
    {
        if (json)
        {
            output.WriteLine(node.ToJsonString(JsonOptions));
        }
    }

    public void Data<T>(T value)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(value, JsonOptions));
        }
    }

    /// <summary>A failure or refusal: a clear message, an error object under --json, and the exit code to return.</summary>
    public int Fail(int exitCode, string code, string message, string? rule = null)
    {
        if (json)
        {
            output.WriteLine(new JsonObject
            {
                ["error"] = new JsonObject { ["code"] = code, ["rule"] = rule, ["message"] = message, ["exitCode"] = exitCode },
            }.ToJsonString(JsonOptions));
        }
        else
        {
            error.WriteLine($"error: {message}" + (rule is null ? string.Empty : $" [rule: {rule}]"));
        }
        return exitCode;
    }
}
