using AgentOps.Guardrails;
using AgentOps.Identity;
using AgentOps.Orchestration.Tools;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentOps.Orchestration.Tests.ThirdParty;

public sealed class ThirdPartyToolGatewayConfigurationTests
{
    private static readonly Dictionary<string, ToolServerEndpoint> s_ours = new(StringComparer.Ordinal)
    {
        ["git"] = new("git", "spiffe://agentops.local/tool/git", "does-not-exist", []),
    };

    [Fact]
    public void McpToolGateway_EndpointThatCannotVerifyTokens_IsRefusedBecauseNothingWouldCheckItsCalls()
    {
        var endpoints = new Dictionary<string, ToolServerEndpoint>(s_ours, StringComparer.Ordinal)
        {
            ["kubernetes"] = new("kubernetes", "spiffe://agentops.local/tool/third-party/kubernetes", "kubernetes-mcp-server", [], Trust: ToolServerTrust.UnverifiedToken),
        };

        var error = Assert.Throws<ArgumentException>(() => new McpToolGateway(endpoints, NullLoggerFactory.Instance));

        Assert.Contains("'kubernetes'", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ThirdPartyToolGateway), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Constructor_ThirdPartyServer_IsKnownByItsOwnServerIdAlongsideOurs()
    {
        using var harness = await ExecutorHarness.CreateAsync();

        await using var sut = Create(harness, new() { ["kubernetes"] = ThirdPartyToolServerOptionsTests.Options() });

        Assert.Equal("spiffe://agentops.local/tool/third-party/kubernetes", sut.ServerIdOf("kubernetes"));
        Assert.Equal("spiffe://agentops.local/tool/git", sut.ServerIdOf("git"));
    }

    [Fact]
    public async Task Servers_OursAndThirdParty_InNameOrderWithTrustAndTheOrchestratorsScopeRules()
    {
        using var harness = await ExecutorHarness.CreateAsync();

        await using var sut = Create(harness, new() { ["kubernetes"] = ThirdPartyToolServerOptionsTests.Options() });

        Assert.Equal(["git", "kubernetes"], sut.Servers.Select(s => s.Name));
        var git = sut.Servers[0];
        Assert.Equal((ToolServerTrust.VerifiesToken, "spiffe://agentops.local/tool/git"), (git.Trust, git.ServerId));
        Assert.Null(git.ScopeRules);
        var kubernetes = sut.Servers[1];
        Assert.Equal(ToolServerTrust.UnverifiedToken, kubernetes.Trust);
        Assert.Equal("k8s:read:ns/{namespace}", kubernetes.ScopeRules!["pods_list_in_namespace"]);
        Assert.Equal(["namespaces_list", "pods_list_in_namespace"], kubernetes.ScopeRules.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Constructor_ThirdPartyNameOfOneOfOurServers_Throws()
    {
        using var harness = await ExecutorHarness.CreateAsync();

        var error = Assert.Throws<InvalidOperationException>(() => Create(harness, new() { ["git"] = ThirdPartyToolServerOptionsTests.Options() }));

        Assert.Contains("already one of our tool servers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Constructor_ThirdPartyServerIdOfOneOfOurServers_ThrowsSoOurTokensNeverPassThere()
    {
        using var harness = await ExecutorHarness.CreateAsync();
        var options = ThirdPartyToolServerOptionsTests.Options();
        options.ServerId = "spiffe://agentops.local/tool/git";

        var error = Assert.Throws<InvalidOperationException>(() => Create(harness, new() { ["kubernetes"] = options }));

        Assert.Contains("already another tool server's id", error.Message, StringComparison.Ordinal);
    }

    private static ThirdPartyToolGateway Create(ExecutorHarness harness, Dictionary<string, ThirdPartyToolServerOptions> thirdParty)
    {
        var verifier = new DelegatedTokenVerifier(JsonWebKeySet.Parse(harness.Keys.JwksJson), new VerifierOptions(), harness.Time, new InMemoryReplayCache(harness.Time));
        return new ThirdPartyToolGateway(s_ours, thirdParty, verifier, harness.Audit, new TextScreen(harness.Policy), NullLoggerFactory.Instance);
    }
}
