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
            var result = await runtime.Audit.VerifyAsync(ct).ConfigureAwait(false);
            if (!result.Intact)
            {
                reply.Data(new { intact = false, recordsChecked = result.RecordsChecked, firstBadSequence = result.FirstBadSequence, problem = result.Problem });
                reply.Line($"Audit chain BROKEN at record {result.FirstBadSequence}: {result.Problem}");
                return reply.Json ? ExitCodes.Failed : Fail(result.FirstBadSequence, result.Problem);
            }
            reply.Data(new { intact = true, recordsChecked = result.RecordsChecked, firstBadSequence = (long?)null, problem = (string?)null });
            reply.Line($"Audit chain intact: {result.RecordsChecked} records verified.");
            return ExitCodes.Ok;
        }));

        var export = new Command("export", "Write the audit log as JSON lines (for SIEM tools)");
        export.SetAction((parse, ct) => context.ExecuteAsync(parse, ct, async (runtime, reply) =>
        {
            await foreach (var line in runtime.Audit.ExportJsonLinesAsync(1, ct).ConfigureAwait(false))
            {
                Console.Out.WriteLine(line);
            }
            return ExitCodes.Ok;
        }));
        command.Subcommands.Add(verify);
        command.Subcommands.Add(export);
        return command;
    }

    private static int Fail(long? sequence, string? problem)
    {
        Console.Error.WriteLine($"error: audit chain broken at record {sequence}: {problem}");
        return ExitCodes.Failed;
    }
}
