using System.Text.Json;

namespace AgentOps.Tools.ArgoCD.Tests;

public sealed class ArgoCdScopesTests
{
    private readonly ArgoCdScopes _sut = new();

    [Theory]
    [InlineData("applications_list", null, "argocd:read:apps")]
    [InlineData("application_get", "guestbook", "argocd:read:app/guestbook")]
    [InlineData("application_history", "guestbook", "argocd:read:app/guestbook")]
    [InlineData("application_resources_diff", "guestbook", "argocd:read:app/guestbook")]
    [InlineData("application_sync", "guestbook", "argocd:sync:app/guestbook")]
    [InlineData("application_rollback", "payments-api", "argocd:rollback:app/payments-api")]
    [InlineData("application_sync", "guestbook/../payments-api", "argocd:sync:app/<invalid>")]
    [InlineData("application_sync", "Guestbook", "argocd:sync:app/<invalid>")]
    [InlineData("application_get", null, "argocd:read:app/<missing>")]
    public void RequiredScope_Call_ExactScope(string tool, string? name, string expected)
    {
        var arguments = name is null ? new Dictionary<string, JsonElement>() : new() { ["name"] = JsonSerializer.SerializeToElement(name) };

        Assert.Equal(expected, _sut.RequiredScope(tool, arguments)?.ToString());
    }

    [Fact]
    public void RequiredScope_UnknownTool_Null()
    {
        Assert.Null(_sut.RequiredScope("application_delete", new Dictionary<string, JsonElement> { ["name"] = JsonSerializer.SerializeToElement("guestbook") }));
    }
}
