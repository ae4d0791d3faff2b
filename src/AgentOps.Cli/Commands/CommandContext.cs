using System.CommandLine;
using AgentOps.Cli.Output;
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
}
