using System.Security.Cryptography;
using System.Text;
using AgentOps.Core;

namespace AgentOps.Guardrails.Layers;

/// <summary>
/// L4: writes every decision to the hash-chained audit log before anything runs. If the record cannot be
/// written, the call is denied: an action we cannot account for does not happen.
/// </summary>
public sealed class AuditLayer(IAuditLog auditLog)
{
    public const string LayerName = "L4.audit";

    public async Task<(LayerDecision Decision, long? Sequence)> RecordAsync(GuardrailContext context, IReadOnlyList<LayerDecision> decisions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var verdict = decisions.FirstOrDefault(d => d.Verdict != Verdict.Allow)?.Verdict ?? Verdict.Allow;
        try
        {
            var record = await auditLog.AppendAsync(new AuditEntry(
                context.RunId,
                context.Agent.Id,
                context.DelegationChain,
                $"{context.Step.Server}/{context.Step.Tool}",
                Digest(context.Arguments.ToJsonString()),
                decisions,
                verdict switch { Verdict.Allow => "allowed", Verdict.Pause => "paused", _ => "denied" }),
                cancellationToken).ConfigureAwait(false);
            return (new LayerDecision(LayerName, Verdict.Allow, "audit.recorded", $"audit record #{record.Sequence}"), record.Sequence);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (new LayerDecision(LayerName, Verdict.Deny, "audit.unavailable", $"the audit log could not record this call: {ex.Message}"), null);
        }
    }

    public static string Digest(string text) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
