using System.Text.Json;
using AgentOps.Core;
using AgentOps.Tools.Hosting;

namespace AgentOps.Tools.ArgoCD;

/// <summary>
/// Listing needs <c>argocd:read:apps</c>; reading one application needs <c>argocd:read:app/&lt;name&gt;</c>; changing it
/// needs <c>argocd:sync:app/&lt;name&gt;</c> or <c>argocd:rollback:app/&lt;name&gt;</c>. A token for one application
/// therefore cannot touch another, and a token to sync cannot roll back.
/// </summary>
internal sealed class ArgoCdScopes : IToolScopeResolver
{
    public Scope? RequiredScope(string toolName, IReadOnlyDictionary<string, JsonElement> arguments) => toolName switch
    {
        "applications_list" => new Scope("argocd", "read", "apps"),
        "application_get" or "application_history" or "application_resources_diff" => ForApplication("read", arguments),
        "application_sync" => ForApplication("sync", arguments),
        "application_rollback" => ForApplication("rollback", arguments),
        _ => null,
    };

    // A missing or malformed name still yields a scope, for a resource no real token names: deny, never widen.
    // "<invalid>" rather than the raw text, so "a/../b" cannot ride on a token for "app/a*".
    private static Scope ForApplication(string verb, IReadOnlyDictionary<string, JsonElement> arguments)
    {
        var name = arguments.TryGetValue("name", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        var resource = string.IsNullOrEmpty(name) ? "<missing>" : ApplicationName.IsValid(name) ? name : "<invalid>";
        return new Scope("argocd", verb, "app/" + resource);
    }
}
