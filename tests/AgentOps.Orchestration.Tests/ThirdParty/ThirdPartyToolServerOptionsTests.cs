using AgentOps.Orchestration.Tools;

namespace AgentOps.Orchestration.Tests.ThirdParty;

public sealed class ThirdPartyToolServerOptionsTests
{
    [Fact]
    public void Validate_CompleteOptions_CompilesEveryScopeRule()
    {
        var sut = Options();

        var scopes = sut.Validate("kubernetes");

        Assert.Equal(["namespaces_list", "pods_list_in_namespace"], scopes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["namespace"], scopes["pods_list_in_namespace"].Placeholders);
    }

    [Theory]
    [InlineData("")]
    [InlineData("verifies-token")]
    [InlineData("Unverified-Token")]
    public void Validate_TrustNotStatedAsUnverifiedToken_Throws(string trust)
    {
        var sut = Options();
        sut.Trust = trust;

        var error = Assert.Throws<InvalidOperationException>(() => sut.Validate("kubernetes"));

        Assert.Contains("AgentOps:ThirdPartyTools:kubernetes:Trust", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MalformedScopeRule_ThrowsNamingTheTool()
    {
        var sut = Options();
        sut.Scopes["pods_list"] = "k8s:read:ns/*";

        var error = Assert.Throws<InvalidOperationException>(() => sut.Validate("kubernetes"));

        Assert.Contains("AgentOps:ThirdPartyTools:kubernetes:Scopes:pods_list", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoServerId_Throws()
    {
        var sut = Options();
        sut.ServerId = " ";

        Assert.Throws<InvalidOperationException>(() => sut.Validate("kubernetes"));
    }

    internal static ThirdPartyToolServerOptions Options() => new()
    {
        ServerId = "spiffe://agentops.local/tool/third-party/kubernetes",
        Command = "kubernetes-mcp-server",
        Arguments = ["--read-only"],
        Trust = ThirdPartyToolServerOptions.UnverifiedToken,
        Scopes = new(StringComparer.Ordinal)
        {
            ["namespaces_list"] = "k8s:read:cluster",
            ["pods_list_in_namespace"] = "k8s:read:ns/{namespace}",
        },
    };
}
