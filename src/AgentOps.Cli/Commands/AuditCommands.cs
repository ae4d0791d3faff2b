using System.CommandLine;
using AgentOps.Cli.Output;
using AgentOps.Core;
using AgentOps.Identity;
using AgentOps.Storage;

namespace AgentOps.Cli.Commands;

/// <summary><c>agentops audit verify|export|checkpoint|prove|verify-proof</c>.</summary>
internal static partial class AuditCommands
{
    public static Command Create(CommandContext context)
    {
        var command = new Command("audit", "Check, prove and export the tamper-evident audit log");
        command.Subcommands.Add(Verify(context));
        command.Subcommands.Add(Export(context));
        command.Subcommands.Add(Checkpoint(context));
        command.Subcommands.Add(Prove(context));
        command.Subcommands.Add(VerifyProof(context));
        return command;
    }

    private static Command Verify(CommandContext context)
    {
        var verify = new Command("verify",
            "Re-compute the hash chain and check it against the signed checkpoints; name the first record that was changed, deleted or moved");
        verify.SetAction((parse, ct) => context.ExecuteAsync(parse, ct, async (runtime, reply) =>
        {
            var checkpoint = runtime.Checkpoint.Read();
            var signed = AuditCheckpointSetup.Store(runtime.Paths).ReadAll();
            AuditVerification result;
            if (signed.Count == 0)
            {
                result = checkpoint is null
                    ? await runtime.Audit.VerifyAsync(ct).ConfigureAwait(false)
                    : await runtime.Audit.VerifyAsync(checkpoint, ct).ConfigureAwait(false);
            }
            else
            {
                using var trusted = JsonWebKeySet.Parse(runtime.Keys.JwksJson);
                try
                {
                    result = await runtime.Audit.VerifyAsync(checkpoint, signed, trusted, ct).ConfigureAwait(false);
                }
                catch (AuditCheckpointException ex)
                {
                    return CheckpointRefused(reply, ex);
                }
            }
            if (!result.Intact)
            {
                reply.Data(new
                {
                    intact = false,
                    recordsChecked = result.RecordsChecked,
                    firstBadSequence = result.FirstBadSequence,
                    problem = result.Problem,
                    signedCheckpointsChecked = signed.Count,
                    error = new { code = "audit-broken", rule = "audit.chain", message = $"audit chain broken at record {result.FirstBadSequence}: {result.Problem}", exitCode = ExitCodes.Failed },
                });
                if (!reply.Json)
                {
                    reply.Line($"Audit chain BROKEN at record {result.FirstBadSequence}: {result.Problem}");
                }
                return ExitCodes.Failed;
            }

            // The chain holds up to the newest record, so this is the moment to sign the checkpoints that are due.
            using var setup = AuditCheckpointSetup.Create(runtime, context.Configuration);
            var added = await runtime.Audit.SignCheckpointsAsync(setup.Checkpointing, atHead: false, ct).ConfigureAwait(false);
            var latest = setup.Checkpointing.Store.Latest();
            reply.Data(new
            {
                intact = true,
                recordsChecked = result.RecordsChecked,
                firstBadSequence = (long?)null,
                problem = (string?)null,
                checkpoint,
                signedCheckpointsChecked = signed.Count,
                signedCheckpointsAdded = added.Count,
                signedCheckpoint = latest?.ToJson(),
            });
            reply.Line($"Audit chain intact: {result.RecordsChecked} records verified" + (checkpoint is null ? "." : $", up to and beyond checkpoint #{checkpoint.Sequence}."));
            if (signed.Count > 0)
            {
                reply.Line($"Matches {signed.Count} signed checkpoint(s); the newest covers records 1 to {signed[^1].TreeSize}, signed by key '{signed[^1].KeyId}'.");
            }
            if (added.Count > 0)
            {
                reply.Line($"Signed {added.Count} checkpoint(s) now due (every {setup.Checkpointing.Interval} records), up to record {added[^1].TreeSize}.");
            }
            return ExitCodes.Ok;
        }));
        return verify;
    }

    private static Command Export(CommandContext context)
    {
        var format = new Option<string>("--format") { Description = "jsonl: one record a line; otlp-json: OTLP/JSON ExportLogsServiceRequest lines", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl", "otlp-json");
        var output = new Option<string?>("--out") { Description = "Write to this file (replaced atomically) instead of standard output" };
        var export = new Command("export", "Write the audit log as JSON lines (for SIEM tools) or as OpenTelemetry log records") { format, output };
        export.SetAction((parse, ct) => context.ExecuteAsync(parse, ct, async (runtime, reply) =>
        {
            var otlp = parse.GetValue(format) == "otlp-json";
            var lines = otlp ? runtime.Audit.ExportOtlpJsonAsync(cancellationToken: ct) : runtime.Audit.ExportJsonLinesAsync(1, ct);
            if (parse.GetValue(output) is not { Length: > 0 } path)
            {
                await foreach (var line in lines.ConfigureAwait(false))
                {
                    reply.Raw(line);
                }
                return ExitCodes.Ok;
            }
            var full = Path.GetFullPath(path);
            var count = await WriteAtomicallyAsync(full, lines, ct).ConfigureAwait(false);
            reply.Data(new { format = parse.GetValue(format), path = full, lines = count });
            reply.Line($"Wrote {count} line(s) of {parse.GetValue(format)} to {full}.");
            return ExitCodes.Ok;
        }));
        return export;
    }

    private static async Task<int> WriteAtomicallyAsync(string path, IAsyncEnumerable<string> lines, CancellationToken cancellationToken)
    {
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var count = 0;
        try
        {
            var writer = new StreamWriter(temporary);
            await using (writer.ConfigureAwait(false))
            {
                await foreach (var line in lines.ConfigureAwait(false))
                {
                    await writer.WriteAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
                    await writer.WriteAsync("\n".AsMemory(), cancellationToken).ConfigureAwait(false);
                    count++;
                }
            }
            File.Move(temporary, path, overwrite: true);
            return count;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static int CheckpointRefused(Reply reply, AuditCheckpointException ex)
    {
        reply.Data(new
        {
            intact = false,
            firstBadSequence = ex.Sequence,
            problem = ex.Message,
            error = new { code = "audit-checkpoint-refused", rule = "audit.checkpoint", message = ex.Message, exitCode = ExitCodes.Failed },
        });
        if (!reply.Json)
        {
            reply.Line($"Audit checkpoint REFUSED: {ex.Message}");
        }
        return ExitCodes.Failed;
    }
}
