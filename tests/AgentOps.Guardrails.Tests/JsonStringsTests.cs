using System.Text.Json.Nodes;

namespace AgentOps.Guardrails.Tests;

public sealed class JsonStringsTests
{
    [Fact]
    public void Walk_VisitsEachNameBeforeItsValue_CarriesTheNameIntoArrays_AndSkipsNonStrings()
    {
        var arguments = new JsonObject
        {
            ["repo"] = "payments",
            ["replicas"] = 3,
            ["files"] = new JsonArray(new JsonObject { ["path"] = "a.yaml", ["content"] = "x" }, "loose"),
            ["labels"] = new JsonObject { ["team"] = "core" },
            ["nothing"] = null,
        };
        var seen = new List<string>();

        var stopped = JsonStrings.Walk(arguments, ref seen, static (ref List<string> list, string? key, string text, bool isName) =>
        {
            list.Add(isName ? $"name {text}" : $"{key}={text}");
            return false;
        });

        Assert.False(stopped);
        Assert.Equal(
            ["name repo", "repo=payments", "name replicas", "name files", "name path", "path=a.yaml", "name content", "content=x", "files=loose",
             "name labels", "name team", "team=core", "name nothing"],
            seen);
    }

    [Fact]
    public void Walk_VisitorSaysStop_NothingAfterItIsVisited()
    {
        var arguments = new JsonObject { ["a"] = "1", ["b"] = new JsonArray("2", "3"), ["c"] = "4" };
        var count = 0;

        var stopped = JsonStrings.Walk(arguments, ref count, static (ref int n, string? _, string text, bool _) => ++n > 0 && text == "2");

        Assert.True(stopped);
        Assert.Equal(4, count);
    }

    [Fact]
    public void Walk_TopLevelString_HasNoKey()
    {
        string? key = "unset";
        JsonStrings.Walk<string?>(JsonValue.Create("alone"), ref key, static (ref string? k, string? name, string _, bool _) =>
        {
            k = name;
            return true;
        });
        Assert.Null(key);
    }
}
