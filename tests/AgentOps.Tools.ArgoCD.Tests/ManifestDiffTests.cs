using System.Text.Json.Nodes;
using AgentOps.Tools.Hosting;

namespace AgentOps.Tools.ArgoCD.Tests;

public sealed class ManifestDiffTests
{
    private static readonly OutputHygiene s_hygiene = OutputHygiene.Load(Path.Combine(AppContext.BaseDirectory, "guardrails"));
    private readonly ManifestDiff _sut = new(s_hygiene);

    // As the server does at start-up: the patterns' first run compiles them inside their match timeout.

    private static ArgoResourceDiff Resource(string kind, JsonNode? target, JsonNode? live, bool modified = true, JsonNode? predicted = null) =>
        new("", kind, "ns", "r", target?.ToJsonString() ?? "null", live?.ToJsonString() ?? "null", live?.ToJsonString() ?? "null", predicted?.ToJsonString() ?? "", modified, false);

    [Fact]
    public void Summarize_Secret_PathsOnlyAndLastAppliedIgnored()
    {
        var live = JsonNode.Parse("""{"kind":"Secret","metadata":{"name":"r","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"data\":{\"token\":\"b2xk\"}}"}},"data":{"token":"b2xk"}}""");
        var target = JsonNode.Parse("""{"kind":"Secret","metadata":{"name":"r"},"data":{"token":"bmV3","extra":"eA=="}}""");

        var summary = _sut.Summarize(Resource("Secret", target, live));

        Assert.True(summary.ValuesWithheld);
        Assert.Equal(["/data/token:changed", "/data/extra:added"], summary.Changes.Select(c => $"{c.Path}:{c.Change}"));
        Assert.All(summary.Changes, c => Assert.True(c.Live is null && c.Target is null));
    }

    [Fact]
    public void Summarize_NoPredictedState_LiveOnlyFieldsAreDefaultsNotDrift()
    {
        var live = JsonNode.Parse("""{"spec":{"replicas":2,"progressDeadlineSeconds":600}}""");
        var target = JsonNode.Parse("""{"spec":{"replicas":3}}""");

        var summary = _sut.Summarize(Resource("Deployment", target, live));

        var change = Assert.Single(summary.Changes);
        Assert.Equal(("/spec/replicas", "changed", "2", "3"), (change.Path, change.Change, change.Live!.Text, change.Target!.Text));
    }

    [Fact]
    public void Summarize_PredictedState_LiveOnlyFieldsAreRemovals()
    {
        var live = JsonNode.Parse("""{"data":{"a":"1","gone":"x"}}""");
        var predicted = JsonNode.Parse("""{"data":{"a":"1"}}""");

        var summary = _sut.Summarize(Resource("ConfigMap", JsonNode.Parse("""{"data":{"a":"1"}}"""), live, predicted: predicted));

        var change = Assert.Single(summary.Changes);
        Assert.Equal(("/data/gone", "removed"), (change.Path, change.Change));
        Assert.Equal("x", change.Live!.Text);
        Assert.Null(change.Target);
    }

    [Fact]
    public void Summarize_KeyWithSlash_EscapedAsJsonPointer()
    {
        var summary = _sut.Summarize(Resource("ConfigMap", JsonNode.Parse("""{"metadata":{"labels":{"app.kubernetes.io/name":"b"}}}"""), JsonNode.Parse("""{"metadata":{"labels":{"app.kubernetes.io/name":"a"}}}""")));

        Assert.Equal("/metadata/labels/app.kubernetes.io~1name", Assert.Single(summary.Changes).Path);
    }

    [Fact]
    public void Summarize_ManyChanges_CappedWithCountOfTheRest()
    {
        var live = new JsonObject();
        var target = new JsonObject();
        for (var i = 0; i < ManifestDiff.MaxChanges + 7; i++)
        {
            live[$"k{i}"] = "old";
            target[$"k{i}"] = "new";
        }

        var summary = _sut.Summarize(Resource("ConfigMap", new JsonObject { ["data"] = target }, new JsonObject { ["data"] = live }));

        Assert.Equal(ManifestDiff.MaxChanges, summary.Changes.Count);
        Assert.Equal(7, summary.ChangesOmitted);
    }

    [Fact]
    public void Summarize_LongValue_CutAfterRedaction()
    {
        var value = "token: " + FakeArgoCdApi.AnnotatedGitHubToken + " " + new string('x', 400);

        var change = Assert.Single(_sut.Summarize(Resource("ConfigMap", new JsonObject { ["data"] = new JsonObject { ["notes"] = value } }, JsonNode.Parse("""{"data":{"notes":"short"}}"""))).Changes);

        Assert.DoesNotContain(FakeArgoCdApi.AnnotatedGitHubToken, change.Target!.Text, StringComparison.Ordinal);
        Assert.EndsWith("…", change.Target.Text, StringComparison.Ordinal);
        Assert.Equal(ManifestDiff.MaxValueLength + 1, change.Target.Text.Length);
    }

    [Theory]
    [InlineData("null", """{"a":1}""", "Extraneous")]
    [InlineData("""{"a":1}""", "null", "Missing")]
    [InlineData("""{"a":1}""", """{"a":1}""", "Synced")]
    public void Summarize_StateFromWhatExists(string target, string live, string expected)
    {
        var summary = _sut.Summarize(new ArgoResourceDiff("", "ConfigMap", "ns", "r", target, live, live, "", expected != "Synced", false));

        Assert.Equal(expected, summary.State);
        Assert.Empty(summary.Changes);
    }
}
