using AgentOps.Orchestration.Tools;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentOps.Orchestration.Tests.Tools;

public sealed class McpToolGatewayTests
{
    [Fact]
    public async Task ServerIdOf_ConfiguredServer_ReturnsItsIdentityWithoutStartingIt()
    {
        await using var sut = CreateSut();

        Assert.Equal("spiffe://agentops.local/tool/git", sut.ServerIdOf("git"));
    }

    [Fact]
    public async Task ServerIdOf_UnknownServer_ThrowsNamingTheKnownOnes()
    {
        await using var sut = CreateSut();

        var error = Assert.Throws<InvalidOperationException>(() => sut.ServerIdOf("k8s"));

        Assert.Contains("'k8s'", error.Message, StringComparison.Ordinal);
        Assert.Contains("git", error.Message.Split("known:")[1], StringComparison.Ordinal);
        Assert.Contains("crossplane", error.Message.Split("known:")[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task DescribeAsync_UnknownServer_ThrowsBeforeStartingAnything()
    {
        await using var sut = CreateSut();

        await Assert.ThrowsAsync<InvalidOperationException>(() => sut.DescribeAsync("k8s", "pods_list"));
    }

    private static McpToolGateway CreateSut() => new(
        new Dictionary<string, ToolServerEndpoint>(StringComparer.Ordinal)
        {
            ["git"] = new("git", "spiffe://agentops.local/tool/git", "does-not-exist", []),
            ["crossplane"] = new("crossplane", "spiffe://agentops.local/tool/crossplane", "does-not-exist", []),
        },
        NullLoggerFactory.Instance);
}
