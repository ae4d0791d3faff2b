using System.CommandLine;

namespace AgentOps.Cli.Commands;

/// <summary><c>agentops audit verify|export</c>.</summary>
internal static class AuditCommands
{
    public static Command Create(CommandContext context)
    {
        var command = new Command("audit", "Check and export the tamper-evident audit log");
        var verify = new Command("verify", "Re-compute the hash chain; name the first record that was changed, deleted or moved");
        verify.SetAction((parse, ct) => context.ExecuteAsync(parse, ct, async (runtime, reply) =>
        {
            var checkpoint = runtime.Checkpoint.Read();
            var result = checkpoint is null
                ? await runtime.Audit.VerifyAsync(ct).ConfigureAwait(false)
                : await runtime.Audit.VerifyAsync(checkpoint, ct).ConfigureAwait(false);
            if (!result.Intact)
            {
                reply.Data(new
                {
                    intact = false,
                    recordsChecked = result.RecordsChecked,
                    firstBadSequence = result.FirstBadSequence,
                    problem = result.Problem,
                    error = new { code = "audit-broken", rule = "audit.chain", message = $"audit chain broken at record {result.FirstBadSequence}: {result.Problem}", exitCode = ExitCodes.Failed },
                });
                if (!reply.Json)
                {
                    reply.Line($"Audit chain BROKEN at record {result.FirstBadSequence}: {result.Problem}");
                }
                return ExitCodes.Failed;
            }
            reply.Data(new { intact = true, recordsChecked = result.RecordsChecked, firstBadSequence = (long?)null, problem = (string?)null, checkpoint });
            reply.Line($"Audit chain intact: {result.RecordsChecked} records verified" + (checkpoint is null ? "." : $", up to and beyond checkpoint #{checkpoint.Sequence}."));
            return ExitCodes.Ok;
        }));

        var export = new Command("export", "Write the audit log as JSON lines (for SIEM tools)");
        export.SetAction((parse, ct) => context.ExecuteAsync(parse, ct, async (runtime, reply) =>
        {
            await foreach (var line in runtime.Audit.ExportJsonLinesAsync(1, ct).ConfigureAwait(false))
            {
                reply.Raw(line);
            }
            return ExitCodes.Ok;
        }));
        command.Subcommands.Add(verify);
        command.Subcommands.Add(export);
        return command;
    }
}
