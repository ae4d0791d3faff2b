using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Orchestration.Tools;

namespace AgentOps.Orchestration.Tests.ThirdParty;

public sealed class ScopeTemplateTests
{
    [Fact]
    public void TryResolve_NamespaceArgument_GivesTheExactScopeOfThatNamespace()
    {
        var sut = ScopeTemplate.Parse("k8s:read:ns/{namespace}");

        var resolved = sut.TryResolve(new JsonObject { ["namespace"] = "payments", ["labelSelector"] = "app=api" }, out var scope, out _);

        Assert.True(resolved);
        Assert.Equal(Scope.Parse("k8s:read:ns/payments"), scope);
    }

    [Fact]
    public void TryResolve_NoPlaceholders_GivesTheLiteralScope()
    {
        var sut = ScopeTemplate.Parse("k8s:read:cluster");

        Assert.True(sut.TryResolve([], out var scope, out _));
        Assert.Equal(Scope.Parse("k8s:read:cluster"), scope);
    }

    [Fact]
    public void TryResolve_ArgumentMissing_RefusesRatherThanCheckTheServersDefault()
    {
        var sut = ScopeTemplate.Parse("k8s:read:ns/{namespace}");

        var resolved = sut.TryResolve(new JsonObject { ["name"] = "api-1" }, out var scope, out var reason);

        Assert.False(resolved);
        Assert.Null(scope);
        Assert.Contains("'namespace' is required", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("pay*")]
    [InlineData("payments:write")]
    [InlineData("payments/../checkout")]
    [InlineData("payments checkout")]
    [InlineData("")]
    public void TryResolve_ValueThatIsNotAPlainName_Refuses(string value)
    {
        var sut = ScopeTemplate.Parse("k8s:read:ns/{namespace}");

        var resolved = sut.TryResolve(new JsonObject { ["namespace"] = value }, out _, out var reason);

        Assert.False(resolved);
        Assert.Contains("plain name", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryResolve_NonStringValue_Refuses()
    {
        var sut = ScopeTemplate.Parse("k8s:read:ns/{namespace}");

        Assert.False(sut.TryResolve(new JsonObject { ["namespace"] = new JsonArray("payments", "checkout") }, out _, out var reason));
        Assert.Contains("'namespace'", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryResolve_SameArgumentUnderAnotherSpelling_RefusesBecauseTheServerMightReadThatOne()
    {
        var sut = ScopeTemplate.Parse("k8s:read:ns/{namespace}");

        var resolved = sut.TryResolve(new JsonObject { ["namespace"] = "payments", ["Namespace"] = "checkout" }, out _, out var reason);

        Assert.False(resolved);
        Assert.Contains("'Namespace'", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryResolve_TwoPlaceholders_FillsBoth()
    {
        var sut = ScopeTemplate.Parse("k8s:read:ns/{namespace}/pod/{name}");

        Assert.True(sut.TryResolve(new JsonObject { ["namespace"] = "payments", ["name"] = "api-1" }, out var scope, out _));
        Assert.Equal("k8s:read:ns/payments/pod/api-1", scope.ToString());
        Assert.Equal(["namespace", "name"], sut.Placeholders);
    }

    [Theory]
    [InlineData("k8s:{verb}:ns/payments", "resource part only")]
    [InlineData("{server}:read", "resource part only")]
    [InlineData("k8s:read:ns/*", "wildcard")]
    [InlineData("k8s:read:ns/{namespace", "malformed placeholder")]
    [InlineData("k8s:read:ns/{name-space}", "malformed placeholder")]
    [InlineData("k8s", "not a scope template")]
    public void Parse_MalformedRule_ThrowsSayingWhy(string rule, string expected)
    {
        var error = Assert.Throws<FormatException>(() => ScopeTemplate.Parse(rule));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
