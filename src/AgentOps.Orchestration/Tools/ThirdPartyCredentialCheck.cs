using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Identity;

namespace AgentOps.Orchestration.Tools;

/// <summary>
/// What our tool servers' credential filter checks, checked by the orchestrator for a server that cannot: the step token
/// is genuine, meant for this server, unexpired, unused, with a sound delegation chain, and its scope covers the exact
/// call, as the server's scope map resolves it from the arguments. A tool the map does not name is refused.
/// </summary>
internal sealed class ThirdPartyCredentialCheck(DelegatedTokenVerifier verifier)
{
    public const string LayerName = "L2.scope";

    /// <summary>
    /// Ends the reason of every decision on a third-party call, so that its audit record says which trust level the
    /// server was hosted under: the orchestrator, not the server, checked this token.
    /// </summary>
    public const string TrustNote = $"(trust: {ThirdPartyToolServerOptions.UnverifiedToken})";

    public ThirdPartyDecision Evaluate(ThirdPartyServer server, string tool, JsonObject arguments, string credential)
    {
        // The scope is checked below rather than by the verifier, so that a refused call is still audited with the
        // chain and run of the token that asked for it.
        var verification = verifier.Verify(credential, server.ServerId);
        if (!verification.IsValid || verification.Credential is not { } caller)
        {
            return Deny(null, null, "third-party.credential", $"the step token was refused: {verification.Error}");
        }
        if (!server.Scopes.TryGetValue(tool, out var template))
        {
            return Deny(caller, null, "third-party.unmapped-tool",
                $"'{server.Name}/{tool}' has no scope rule; a third-party tool without one is refused (deny by default)");
        }
        if (!template.TryResolve(arguments, out var required, out var reason))
        {
            return Deny(caller, null, "third-party.arguments", reason);
        }
        if (!caller.Scope.Covers(required))
        {
            return Deny(caller, required, "third-party.scope", $"token scope '{caller.Scope}' does not cover '{required}'");
        }
        return new ThirdPartyDecision(
            new LayerDecision(LayerName, Verdict.Allow, "third-party.scope-covered",
                $"the orchestrator verified the step token for '{required}' at {server.ServerId}; the token is not forwarded, as '{server.Name}' cannot verify it {TrustNote}"),
            caller, required);
    }

    /// <summary>The delegation chain as the executor writes it into audit records, so both records of one call read alike.</summary>
    public static IReadOnlyList<string> Describe(VerifiedCredential? credential) =>
        credential is null
            ? []
            : credential.Chain.Select(l => $"{l.Subject} → {l.Audience} [{l.Scope}]")
                .Append($"{credential.Subject} → {credential.Audience} (token expires {credential.ExpiresAt:O})").ToList();

    private static ThirdPartyDecision Deny(VerifiedCredential? caller, Scope? required, string rule, string reason) =>
        new(new LayerDecision(LayerName, Verdict.Deny, rule, $"{reason} {TrustNote}"), caller, required);
}
