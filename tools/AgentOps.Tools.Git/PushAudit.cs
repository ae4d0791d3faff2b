using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.GitOps;
using AgentOps.Identity;

namespace AgentOps.Tools.Git;

/// <summary>
/// Writes a refused push into the orchestrator's audit log (the shared SQLite file under <c>--data-dir</c>): the Git
/// server is the only one that knows why, and the refusal must be on the record even when the caller is not the
/// orchestrator. The record names files, lines and rules, never the secret.
/// </summary>
internal static class PushAudit
{
    public const string Action = "git/push";
    public const string Layer = "L1.secrets";
    private const int MaxDecisions = 10;

    /// <summary>
    /// Appends the refusal. Returns text to add to the error: empty when it was recorded, otherwise why not (the push
    /// stays refused either way).
    /// </summary>
    public static async Task<string> RecordRefusalAsync(
        IAuditLog audit, VerifiedCredential caller, string repo, string branch, IReadOnlyList<SecretFinding> findings, string message,
        CancellationToken cancellationToken)
    {
        var decisions = findings.Take(MaxDecisions)
            .Select(f => new LayerDecision(Layer, Verdict.Deny, "secrets.diff." + f.Rule, $"{f.Path}:{f.Line} matches {f.Rule}; nothing was pushed"))
            .ToList();
        if (findings.Count > MaxDecisions)
        {
            decisions.Add(new LayerDecision(Layer, Verdict.Deny, "secrets.diff.more", $"{findings.Count - MaxDecisions} more findings; nothing was pushed"));
        }
        var arguments = new JsonObject { ["repo"] = repo, ["branch"] = branch }.ToJsonString();
        try
        {
            await audit.AppendAsync(new AuditEntry(
                caller.ContextId ?? "-",
                caller.Subject,
                Chain(caller),
                Action,
                Digest(arguments),
                decisions,
                "refused",
                Digest(message)), cancellationToken).ConfigureAwait(false);
            return string.Empty;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return $" (the refusal could not be written to the audit log: {ex.Message})";
        }
    }

    // The same wording the orchestrator records for a step's delegation chain.
    private static List<string> Chain(VerifiedCredential credential) =>
        credential.Chain.Select(l => $"{l.Subject} → {l.Audience} [{l.Scope}]")
            .Append($"{credential.Subject} → {credential.Audience} (token expires {credential.ExpiresAt:O})").ToList();

    private static string Digest(string text) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
