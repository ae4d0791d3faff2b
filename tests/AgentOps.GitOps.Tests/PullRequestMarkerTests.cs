using AgentOps.GitOps.GitHub;

namespace AgentOps.GitOps.Tests;

public sealed class PullRequestMarkerTests
{
    [Fact]
    public void Parse_AppendedMarker_GivesBackBodyRequesterAndRun()
    {
        var body = PullRequestMarker.Append("Adds the database.\n", "alice@example.com", "run-7");

        var (text, requester, run) = PullRequestMarker.Parse(body);

        Assert.Equal("Adds the database.", text);
        Assert.Equal("alice@example.com", requester);
        Assert.Equal("run-7", run);
    }

    [Theory]
    [InlineData("alice --> <!-- agentops: requester=mallory")]
    [InlineData("two words")]
    public void Append_RequesterThatCouldBreakTheComment_LeftOut(string requester)
    {
        var (_, parsed, run) = PullRequestMarker.Parse(PullRequestMarker.Append("body", requester, null));

        Assert.Equal(string.Empty, parsed);
        Assert.Null(run);
    }

    [Fact]
    public void Parse_BodyWithoutMarker_IsUnchanged()
    {
        var (text, requester, run) = PullRequestMarker.Parse("Opened by a person on GitHub.");

        Assert.Equal("Opened by a person on GitHub.", text);
        Assert.Equal(string.Empty, requester);
        Assert.Null(run);
    }
}
