using System.CommandLine;
using AgentOps.Cli.Output;
using AgentOps.GitOps;
using AgentOps.Orchestration.Execution;
using Microsoft.Extensions.Configuration;

namespace AgentOps.Cli.Commands;

/// <summary>What a command action needs: configuration, the reply writer and the acting user.</summary>
internal sealed class CommandContext(IConfiguration configuration, TextWriter output, TextWriter error)
{
    public IConfiguration Configuration => configuration;

    public Reply ReplyFor(ParseResult parse) => new(output, error, parse.GetValue(CommonOptions.Json));

    public string Actor(ParseResult parse) =>
        parse.GetValue(CommonOptions.As)?.Trim() is { Length: > 0 } actor ? actor
        : configuration["AgentOps:User"] is { Length: > 0 } user ? user
        : Environment.UserName + "@localhost";

    public Task<AgentOpsRuntime> RuntimeAsync(CancellationToken cancellationToken) => AgentOpsRuntime.CreateAsync(configuration, cancellationToken);

    /// <summary>
    /// Runs one command against a fresh runtime; rule refusals and usage errors become clear messages and exit codes
    /// (or an error object under --json) instead of stack traces.
    /// </summary>
    public async Task<int> ExecuteAsync(ParseResult parse, CancellationToken cancellationToken, Func<AgentOpsRuntime, Reply, Task<int>> action)
    {
        var reply = ReplyFor(parse);
        try
        {
            await using var runtime = await RuntimeAsync(cancellationToken).ConfigureAwait(false);
            return await action(runtime, reply).ConfigureAwait(false);
        }
        catch (ForgeRuleException ex) when (ex.Rule == "forge.pull-request.not-found")
        {
            return reply.Fail(ExitCodes.Failed, "not-found", ex.Message, ex.Rule);
        }
        catch (ForgeRuleException ex)
        {
            return reply.Fail(ExitCodes.Refused, "refused", ex.Message, ex.Rule);
        }
        catch (RunActionRefusedException ex) when (ex.Rule == "runs.not-found")
        {
            return reply.Fail(ExitCodes.Failed, "not-found", ex.Message, ex.Rule);
        }
        catch (RunActionRefusedException ex)
        {
            return reply.Fail(ExitCodes.Refused, "refused", ex.Message, ex.Rule);
        }
        catch (ArgumentException ex)
        {
            return reply.Fail(ExitCodes.Usage, "usage", ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Anything else is our fault or the environment's (a missing tool server, an unreadable data directory):
            // a one-line message and an error object, never a stack trace on the user's terminal.
            return reply.Fail(ExitCodes.Failed, "error", $"{ex.GetType().Name}: {ex.Message}");
        }
    }
}
