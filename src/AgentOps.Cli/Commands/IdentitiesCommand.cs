using System.CommandLine;
using AgentOps.Core;
using AgentOps.Guardrails.Layers;
using AgentOps.Identity;
using AgentOps.Storage;

namespace AgentOps.Cli.Commands;

/// <summary>
/// <c>agentops identities list|revoke</c>: the non-human-identity inventory from the issued-credential ledger — every
/// agent identity, its active tokens, its last use and every scope it was ever granted — and revocation by token,
/// agent or run, honoured at the next verification in every process that shares the data directory.
/// </summary>
internal static class IdentitiesCommand
{
    public static Command Create(CommandContext context)
    {
        var command = new Command("identities", "Agent identities: what they hold, what they were granted, and revocation");
        command.Subcommands.Add(CreateList(context));
        command.Subcommands.Add(CreateRevoke(context));
        return command;
    }

    private static Command CreateList(CommandContext context)
    {
        var list = new Command("list", "Every agent identity: active tokens, last use, every scope ever granted");
        list.SetAction((parse, ct) => context.ExecuteAsync(parse, ct, (runtime, reply) =>
        {
            var summaries = runtime.Ledger.ListIdentities().ToDictionary(s => s.Subject, StringComparer.Ordinal);
            // The catalogue's agents appear even before their first token; the ledger's subjects even if no longer catalogued.
            var catalogued = runtime.Agents.Agents.ToDictionary(a => a.Id, a => a.Name, StringComparer.Ordinal);
            var subjects = summaries.Keys.Union(catalogued.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            var agentRevocations = runtime.Revocations.List().Where(r => r.Kind == RevocationKind.Agent).ToDictionary(r => r.Value, StringComparer.Ordinal);
            var rows = subjects.Select(subject => new Row(
                subject,
                catalogued.GetValueOrDefault(subject),
                summaries.GetValueOrDefault(subject),
                agentRevocations.GetValueOrDefault(subject))).ToArray();
            reply.Data(rows.Select(ToJson).ToArray());
            if (rows.Length == 0)
            {
                reply.Line("No agent identities: the catalogue is empty and no token was ever issued.");
            }
            foreach (var row in rows)
            {
                Print(reply, row);
            }
            return Task.FromResult(ExitCodes.Ok);
        }));
        return list;
    }

    private static Command CreateRevoke(CommandContext context)
    {
        var jti = new Option<string?>("--jti") { Description = "Revoke one token (and every token exchanged from it) by its jti" };
        var agent = new Option<string?>("--agent") { Description = "Revoke every token held by, or delegated through, an agent (catalogue name or SPIFFE ID)" };
        var run = new Option<string?>("--run") { Description = "Revoke every token issued for a run (its agent_context_id)" };
        var reason = new Option<string?>("--reason") { Description = "Why; recorded with the revocation, shown in every refusal, and audited" };
        var revoke = new Command("revoke", "Revoke by exactly one of --jti, --agent or --run; the next verification anywhere refuses the tokens")
        {
            jti, agent, run, reason,
        };
        revoke.SetAction((parse, ct) => context.ExecuteAsync(parse, ct, async (runtime, reply) =>
        {
            (RevocationKind Kind, string? Value)[] options = [(RevocationKind.Jti, parse.GetValue(jti)), (RevocationKind.Agent, parse.GetValue(agent)), (RevocationKind.Run, parse.GetValue(run))];
            var given = options.Where(g => !string.IsNullOrWhiteSpace(g.Value)).ToArray();
            if (given.Length != 1)
            {
                throw new ArgumentException("Say what to revoke with exactly one of --jti <id>, --agent <name or SPIFFE ID>, or --run <run id>.");
            }
            var (kind, raw) = given[0];
            var value = raw!.Trim();
            if (kind == RevocationKind.Agent)
            {
                value = runtime.Agents.TryGet(value, out var spec) ? spec.Id
                    : Subjects.IsValidSpiffeId(value) ? value
                    : throw new ArgumentException($"--agent '{value}' is neither an agent in the catalogue ({string.Join(", ", runtime.Agents.Agents.Select(a => a.Name).Order(StringComparer.Ordinal))}) nor a SPIFFE ID.");
            }
            if (kind == RevocationKind.Jti && runtime.Ledger.Find(value) is null)
            {
                return reply.Fail(ExitCodes.Failed, "not-found", $"No token with jti '{value}' was issued here; check the id with 'agentops identities list' or 'agentops token inspect'.");
            }
            var actor = context.Actor(parse);
            var why = $"{(parse.GetValue(reason) is { Length: > 0 } text ? text.Trim() : "no reason given")} (by {actor})";
            var activeBefore = ActiveCount(runtime.Ledger);
            var added = kind switch
            {
                RevocationKind.Jti => runtime.Revocations.RevokeJti(value, why),
                RevocationKind.Agent => runtime.Revocations.RevokeAgent(value, why),
                _ => runtime.Revocations.RevokeRun(value, why),
            };
            var withdrawn = activeBefore - ActiveCount(runtime.Ledger);
            var revocation = runtime.Revocations.List().First(r => r.Kind == kind && r.Value == value);
            await runtime.Audit.AppendAsync(new AuditEntry(kind == RevocationKind.Run ? value : "identity", actor, [], "identity/revoke",
                AuditLayer.Digest($"{kind}:{value}"),
                [new LayerDecision("identity", Verdict.Allow, added ? "identity.revoked" : "identity.already-revoked", revocation.Describe())],
                added ? "revoked" : "unchanged"), ct).ConfigureAwait(false);
            reply.Data(new
            {
                kind = kind.ToString().ToLowerInvariant(),
                value,
                reason = revocation.Reason,
                revokedAt = revocation.RevokedAt,
                alreadyRevoked = !added,
                activeTokensWithdrawn = withdrawn,
            });
            reply.Line(added
                ? $"Revoked: {revocation.Describe()}. {withdrawn} active token(s) withdrawn; tool servers refuse them at their next call."
                : $"Already revoked: {revocation.Describe()}. Nothing changed.");
            return ExitCodes.Ok;
        }));
        return revoke;
    }

    private static int ActiveCount(SqliteCredentialLedger ledger) => ledger.ListIdentities().Sum(s => s.ActiveTokens.Count);

    private static object ToJson(Row row) => new
    {
        subject = row.Subject,
        agent = row.AgentName,
        catalogued = row.AgentName is not null,
        revoked = row.Revoked?.Describe(),
        tokensIssued = row.Summary?.TokensIssued ?? 0,
        lastUsedAt = row.Summary?.LastUsedAt,
        firstIssuedAt = row.Summary?.FirstIssuedAt,
        lastIssuedAt = row.Summary?.LastIssuedAt,
        scopesEverGranted = row.Summary?.ScopesEverGranted ?? [],
        activeTokens = (row.Summary?.ActiveTokens ?? []).Select(t => new
        {
            jti = t.Credential.Jti,
            audience = t.Credential.Audience,
            scope = t.Credential.Scope,
            delegator = t.Credential.Delegator,
            run = t.Credential.RunId,
            issuedAt = t.Credential.IssuedAt,
            expiresAt = t.Credential.ExpiresAt,
            lastUsedAt = t.LastUsedAt,
        }).ToArray(),
    };

    private static void Print(Output.Reply reply, Row row)
    {
        var summary = row.Summary;
        reply.Line($"{row.Subject}{(row.AgentName is null ? "  (not in the agent catalogue)" : string.Empty)}{(row.Revoked is null ? string.Empty : "  REVOKED")}");
        reply.Line($"  tokens issued {summary?.TokensIssued ?? 0}, active {summary?.ActiveTokens.Count ?? 0}, last used {summary?.LastUsedAt?.ToString("O") ?? "never"}");
        reply.Line($"  scopes ever granted: {(summary is { ScopesEverGranted.Count: > 0 } ? string.Join(' ', summary.ScopesEverGranted) : "none")}");
        foreach (var token in summary?.ActiveTokens ?? [])
        {
            reply.Line($"  active {token.Credential.Jti}  at {token.Credential.Audience}  until {token.Credential.ExpiresAt:O}  run {token.Credential.RunId ?? "-"}  scope '{token.Credential.Scope}'");
        }
        if (row.Revoked is { } revoked)
        {
            reply.Line($"  {revoked.Describe()}");
        }
    }

    private sealed record Row(string Subject, string? AgentName, AgentIdentitySummary? Summary, Revocation? Revoked);
}
