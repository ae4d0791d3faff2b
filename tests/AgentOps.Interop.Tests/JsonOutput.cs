using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentOps.Interop.Tests;

/// <summary>Reads the one JSON document a client printed, failing the test with everything it printed when it cannot.</summary>
internal static class JsonOutput
{
    /// <param name="serverLog">The server's own log when the client did not launch it (HTTP), shown on failure.</param>
    public static JsonNode Parse(ProcessResult run, int expectedExitCode = 0, string? serverLog = null)
    {
        Assert.True(run.ExitCode == expectedExitCode, $"expected exit {expectedExitCode}; {run.Describe()}{(serverLog is null ? "" : "\n--- server log ---\n" + serverLog)}");
        try
        {
            return JsonNode.Parse(run.Stdout) ?? throw new JsonException("empty document");
        }
        catch (JsonException ex)
        {
            Assert.Fail($"stdout is not one JSON document ({ex.Message}).\n{run.Describe()}");
            throw;
        }
    }

    /// <summary>The tools of a <c>tools/list</c> result, by name.</summary>
    public static Dictionary<string, JsonNode> ToolsByName(JsonNode listResult) =>
        listResult["tools"]!.AsArray().ToDictionary(t => t!["name"]!.GetValue<string>(), t => t!);

    public static bool? Hint(JsonNode tool, string hint) => tool["annotations"]?[hint]?.GetValue<bool>();

    /// <summary>All text blocks of a <c>tools/call</c> result, joined.</summary>
    public static string Text(JsonNode callResult) =>
        string.Join("\n", callResult["content"]?.AsArray().Where(c => c?["type"]?.GetValue<string>() == "text").Select(c => c!["text"]!.GetValue<string>()) ?? []);

    public static bool IsError(JsonNode callResult) => callResult["isError"]?.GetValue<bool>() == true;
}
