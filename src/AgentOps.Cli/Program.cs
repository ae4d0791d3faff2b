using System.CommandLine;
using AgentOps.Cli.Commands;
using Microsoft.Extensions.Configuration;

// Configuration: appsettings.json next to the binary (a copy of the repository's), then AgentOps__* environment variables.
var configuration = new ConfigurationBuilder()
    .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
    .AddEnvironmentVariables()
    .Build();

var context = new CommandContext(configuration, Console.Out, Console.Error);
var root = new RootCommand("agentops: agentic DevOps with guardrails, delegated credentials and pull requests")
{
    CommonOptions.Json,
    CommonOptions.As,
};
root.Subcommands.Add(ChatCommand.Create(context));
root.Subcommands.Add(PullRequestCommands.Create(context));
root.Subcommands.Add(RunCommands.CreateRuns(context));
root.Subcommands.Add(RunCommands.CreateApprove(context));
root.Subcommands.Add(AuditCommands.Create(context));
root.Subcommands.Add(AgentsCommand.Create(context));

return await root.Parse(args).InvokeAsync();
