using System.CommandLine;
using AgentOps.Guardrails;
using AgentOps.Guardrails.Injection;
using AgentOps.Guardrails.Policy;

namespace AgentOps.Cli.Commands;

/// <summary>
/// <c>agentops guard scan [--channel request|tool_output] --json</c>: screens the text on standard input with the
/// L1 injection patterns and thresholds of <c>guardrails/injection.yaml</c>, exactly as a request or a tool result is
/// screened in a run. Exit codes: <c>0</c> allow, <see cref="FlaggedExitCode"/> flag, <c>3</c> block (refused),
/// <c>2</c> usage (nothing on stdin, unknown channel), <c>1</c> the policy could not be loaded.
/// </summary>
internal static class GuardCommands
{
    /// <summary>The text was flagged: suspicious, recorded, and in a run it taints what is built from it.</summary>
    public const int FlaggedExitCode = 6;

    public static Command Create(CommandContext context, TextReader input)
    {
        var command = new Command("guard", "The L1 guardrails on their own");
        var channel = new Option<string>("--channel")
        {
            Description = "How the text is judged: request (what a person asks) or tool_output (what a tool returned)",
            DefaultValueFactory = _ => "request",
        };
        channel.AcceptOnlyFromAmong(ScanChannels.Name(ScanChannel.Request), ScanChannels.Name(ScanChannel.ToolOutput));
        var scan = new Command("scan",
            $"Screen standard input for prompt injection: verdict, score and the reasons that matched (patterns and the trained scorer). Exit 0 allow, {FlaggedExitCode} flag, 3 block.")
        {
            channel,
        };
        scan.SetAction(async (parse, ct) =>
        {
            var reply = context.ReplyFor(parse);
            ScanChannels.TryParse(parse.GetValue(channel), out var scanChannel);
            var text = await input.ReadToEndAsync(ct).ConfigureAwait(false);
            if (string.IsNullOrWhiteSpace(text))
            {
                return reply.Fail(ExitCodes.Usage, "usage", "nothing to scan: pipe the text into 'agentops guard scan' on standard input");
            }
            GuardrailPolicy policy;
            var directory = RuntimePaths.From(context.Configuration).Guardrails;
            try
            {
                policy = GuardrailPolicy.Load(directory);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or YamlDotNet.Core.YamlException)
            {
                return reply.Fail(ExitCodes.Failed, "policy", $"the guardrail policy in {directory} cannot be loaded: {ex.Message}");
            }
            var result = new TextScreen(policy).Scan(text, scanChannel);
            var thresholds = policy.Thresholds.For(scanChannel);
            var verdict = result.Verdict.ToString().ToLowerInvariant();
            reply.Data(new
            {
                channel = ScanChannels.Name(scanChannel),
                verdict,
                score = result.Score,
                thresholds = new { flag = thresholds.Flag, block = thresholds.Block },
                rule = result.Rule,
                reasons = result.Reasons.Select(r => new { id = r.Id, description = r.Description, weight = r.Weight, excerpt = r.Excerpt }).ToArray(),
            });
            reply.Line($"{verdict}: score {result.Score:0.##} on channel {ScanChannels.Name(scanChannel)} (flag at {thresholds.Flag:0.##}, block at {thresholds.Block:0.##})");
            foreach (var reason in result.Reasons)
            {
                reply.Line($"  {reason.Id} (+{reason.Weight:0.##}): {reason.Description}; matched \"{reason.Excerpt}\"");
            }
            return result.Verdict switch
            {
                ScanVerdict.Block => ExitCodes.Refused,
                ScanVerdict.Flag => FlaggedExitCode,
                _ => ExitCodes.Ok,
            };
        });
        command.Subcommands.Add(scan);
        command.Subcommands.Add(GuardTrainCommand.Create(context));
        return command;
    }
}
