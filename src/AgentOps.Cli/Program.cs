using System.CommandLine;
using AgentOps.Cli;
using AgentOps.Cli.Commands;
using Microsoft.Extensions.Configuration;

// Configuration: appsettings.json next to the binary (a copy of the repository's), then .NET user secrets (where a
// model's API key may live: `dotnet user-secrets set AgentOps:Llm:ApiKey … --project src/AgentOps.Cli`), then
// AgentOps__* environment variables.
var configuration = new ConfigurationBuilder()
    .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
    .AddUserSecrets(typeof(AgentOpsRuntime).Assembly, optional: true)
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
root.Subcommands.Add(RunCommands.CreateRollback(context));
root.Subcommands.Add(AuditCommands.Create(context));
root.Subcommands.Add(AgentsCommand.Create(context));
root.Subcommands.Add(ToolsCommand.Create(context));
root.Subcommands.Add(TokenCommands.Create(context, Console.In));
root.Subcommands.Add(IdentitiesCommand.Create(context));
root.Subcommands.Add(GuardCommands.Create(context, Console.In));
root.Subcommands.Add(PolicyCommands.Create(context));

var parse = root.Parse(args);
if (parse.Errors.Count > 0 && !args.Contains("--help") && !args.Contains("-h"))
{
    // Usage errors get the documented exit code 2, and an error object under --json, like every other failure.
    var message = string.Join("; ", parse.Errors.Select(e => e.Message));
    var reply = new AgentOps.Cli.Output.Reply(Console.Out, Console.Error, args.Contains("--json"));
    if (!reply.Json)
    {
        Console.Error.WriteLine("Run 'agentops --help' (or add --help after a verb) for usage.");
    }
    return reply.Fail(ExitCodes.Usage, "usage", message);
}
return await parse.InvokeAsync();
