using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Identity;
using AgentOps.Storage;

namespace AgentOps.Cli.Commands;

/// <summary>Signed checkpoints and inclusion proofs: <c>audit checkpoint</c>, <c>audit prove</c>, <c>audit verify-proof</c>.</summary>
internal static partial class AuditCommands
{
    private static Command Checkpoint(CommandContext context)
    {
        var checkpoint = new Command("checkpoint", "Sign a checkpoint of the audit log now, with any that are due at the interval");
        checkpoint.SetAction((parse, ct) => context.ExecuteAsync(parse, ct, async (runtime, reply) =>
        {
            using var setup = AuditCheckpointSetup.Create(runtime, context.Configuration);
            IReadOnlyList<SignedAuditCheckpoint> added;
            try
            {
                added = await runtime.Audit.SignCheckpointsAsync(setup.Checkpointing, atHead: true, ct).ConfigureAwait(false);
            }
            catch (AuditCheckpointException ex)
            {
                return CheckpointRefused(reply, ex);
            }
            var latest = setup.Checkpointing.Store.Latest();
            reply.Data(new { signed = added.Select(c => c.ToJson()).ToArray(), latest = latest?.ToJson(), interval = setup.Checkpointing.Interval, path = setup.Checkpointing.Store.Path });
            if (latest is null)
            {
                reply.Line("The audit log is empty: there is nothing to sign.");
                return ExitCodes.Ok;
            }
            reply.Line(added.Count == 0
                ? $"Records 1 to {latest.TreeSize} are already covered by the newest signed checkpoint."
                : $"Signed {added.Count} checkpoint(s); the newest covers records 1 to {latest.TreeSize}.");
            reply.Line($"root {latest.RootHash}  head {latest.HeadHash}  key '{latest.KeyId}'  at {latest.Time:O}");
            return ExitCodes.Ok;
        }));
        return checkpoint;
    }

    private static Command Prove(CommandContext context)
    {
        var sequence = new Argument<long>("seq") { Description = "Sequence number of the audit record" };
        var prove = new Command("prove",
            "Print the RFC 6962 inclusion proof of one record against the newest signed checkpoint (signing one first if none covers it yet)") { sequence };
        prove.SetAction((parse, ct) => context.ExecuteAsync(parse, ct, async (runtime, reply) =>
        {
            var wanted = parse.GetValue(sequence);
            if (wanted < 1)
            {
                throw new ArgumentException($"'{wanted}' is not an audit record: sequence numbers start at 1.");
            }
            using var setup = AuditCheckpointSetup.Create(runtime, context.Configuration);
            var latest = setup.Checkpointing.Store.Latest();
            try
            {
                if (latest is null || latest.TreeSize < wanted)
                {
                    var head = await runtime.Audit.CheckpointAsync(ct).ConfigureAwait(false);
                    if (wanted > head.Sequence)
                    {
                        return reply.Fail(ExitCodes.Failed, "not-found", $"There is no audit record {wanted}: the log ends at record {head.Sequence}.");
                    }
                    await runtime.Audit.SignCheckpointsAsync(setup.Checkpointing, atHead: true, ct).ConfigureAwait(false);
                    latest = setup.Checkpointing.Store.Latest()!;
                }
                var proof = await runtime.Audit.ProveAsync(wanted, latest, ct).ConfigureAwait(false);
                // Never hand out a proof that would not verify: it is checked here exactly as verify-proof will check it.
                if (proof.Problem(setup.Checkpointing.TrustedKeys) is { } problem)
                {
                    return reply.Fail(ExitCodes.Failed, "proof-invalid", problem, "audit.proof");
                }
                reply.Data(proof.ToJson());
                reply.Line($"Record {proof.Sequence} is leaf {proof.LeafIndex} of the {proof.TreeSize}-record tree signed by key '{latest.KeyId}' at {latest.Time:O}.");
                reply.Line($"root  {latest.RootHash}");
                reply.Line($"leaf  {proof.LeafHash}  = {proof.LeafDescription}");
                for (var i = 0; i < proof.AuditPath.Count; i++)
                {
                    reply.Line($"{(i == 0 ? "path" : string.Empty),-5} {proof.AuditPath[i]}");
                }
                reply.Line($"Check it offline: agentops audit prove {wanted} --json > proof.json && agentops audit verify-proof proof.json --jwks {AuditCheckpointSetup.JwksPath(runtime.Paths)}");
                return ExitCodes.Ok;
            }
            catch (AuditCheckpointException ex)
            {
                return CheckpointRefused(reply, ex);
            }
        }));
        return prove;
    }

    private static Command VerifyProof(CommandContext context)
    {
        var file = new Argument<string>("proof") { Description = "A proof written by 'agentops audit prove <seq> --json'" };
        var jwks = new Option<string?>("--jwks") { Description = "The trusted key set (JWKS); default: the broker's keys/jwks.json in the data directory" };
        var verifyProof = new Command("verify-proof", "Check an inclusion proof offline: the checkpoint's signature, the record's hash, and the path to the signed root") { file, jwks };
        verifyProof.SetAction(async (parse, ct) =>
        {
            var reply = context.ReplyFor(parse);
            var jwksPath = parse.GetValue(jwks) is { Length: > 0 } given ? Path.GetFullPath(given) : AuditCheckpointSetup.JwksPath(RuntimePaths.From(context.Configuration));
            AuditInclusionProof proof;
            JsonWebKeySet keys;
            try
            {
                proof = AuditInclusionProof.FromJson(JsonNode.Parse(await File.ReadAllTextAsync(parse.GetValue(file)!, ct).ConfigureAwait(false)));
                keys = JsonWebKeySet.Load(jwksPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or InvalidDataException or FormatException)
            {
                return reply.Fail(ExitCodes.Usage, "unreadable", ex.Message);
            }
            using (keys)
            {
                if (proof.Problem(keys) is { } problem)
                {
                    reply.Data(new
                    {
                        valid = false,
                        sequence = proof.Sequence,
                        problem,
                        error = new { code = "proof-invalid", rule = "audit.proof", message = problem, exitCode = ExitCodes.Failed },
                    });
                    if (!reply.Json)
                    {
                        reply.Line($"Proof REFUSED for record {proof.Sequence}: {problem}");
                    }
                    return ExitCodes.Failed;
                }
            }
            var checkpoint = proof.Checkpoint;
            reply.Data(new { valid = true, sequence = proof.Sequence, treeSize = checkpoint.TreeSize, rootHash = checkpoint.RootHash, keyId = checkpoint.KeyId, time = checkpoint.Time, jwks = jwksPath });
            reply.Line($"Proof verifies: record {proof.Sequence} is in the {checkpoint.TreeSize}-record tree with root {checkpoint.RootHash}, signed by key '{checkpoint.KeyId}' at {checkpoint.Time:O}.");
            return ExitCodes.Ok;
        });
        return verifyProof;
    }
}
