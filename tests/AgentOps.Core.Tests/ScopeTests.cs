
namespace AgentOps.Core.Tests;

public sealed class ScopeTests
{
    [Theory]
    [InlineData("k8s:read:ns/payments", "k8s:read:ns/payments", true)]
    [InlineData("k8s:read:ns/payments", "k8s:read:ns/*", true)]
    [InlineData("k8s:read:ns/payments", "k8s:read", true)]
    [InlineData("k8s:read:ns/payments", "k8s:*:ns/payments", true)]
    [InlineData("k8s:read:ns/payments", "*:read", true)]
    [InlineData("k8s:read:ns/*", "k8s:read:ns/payments", false)]
    [InlineData("k8s:read", "k8s:read:ns/payments", false)]
    [InlineData("k8s:write:ns/payments", "k8s:read:ns/payments", false)]
    [InlineData("git:read:repo/x", "k8s:read", false)]
    [InlineData("k8s:read:ns/payments-prod", "k8s:read:ns/payments", false)]
    [InlineData("git:write:repo/platform-gitops", "git:write:repo/platform-*", true)]
    public void IsSubsetOf_Pairs_MatchExpected(string inner, string outer, bool expected)
    {
        var sut = Scope.Parse(inner);

        Assert.Equal(expected, sut.IsSubsetOf(Scope.Parse(outer)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("k8s")]
    [InlineData("k8s::ns/x")]
    [InlineData("k8s:read:ns/pay*ments")]
    [InlineData("k*s:read")]
    [InlineData("k8s:read:ns/a b")]
    public void TryParse_Malformed_ReturnsFalse(string text)
    {
        Assert.False(Scope.TryParse(text, out _));
        // Parsed texts are remembered: the second answer comes from the cache and must be the same.
        Assert.False(Scope.TryParse(text, out var again));
        Assert.Null(again);
    }

    [Fact]
    public void TryParse_SameTextTwice_GivesEqualScopes()
    {
        Assert.True(Scope.TryParse("git:write:repo/platform-gitops", out var first));
        Assert.True(Scope.TryParse("git:write:repo/platform-gitops", out var second));
        Assert.Equal(new Scope("git", "write", "repo/platform-gitops"), first);
        Assert.Equal(first, second);
        Assert.False(Scope.TryParse(null, out _));
    }

    [Fact]
    public void Within_Ceiling_DropsWhatCeilingDoesNotCover()
    {
        var requested = ScopeSet.Parse("git:write:repo/platform-gitops k8s:write:ns/payments crossplane:render:skill/database");
        var ceiling = ScopeSet.Parse("git:write:repo/* crossplane:render");

        var sut = requested.Within(ceiling);

        Assert.Equal("crossplane:render:skill/database git:write:repo/platform-gitops", sut.ToString());
        Assert.True(sut.IsSubsetOf(requested));
        Assert.False(requested.IsSubsetOf(sut));
    }
}
