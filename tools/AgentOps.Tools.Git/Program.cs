using AgentOps.Core;
using AgentOps.GitOps;
using AgentOps.GitOps.GitHub;
using AgentOps.Storage;
using AgentOps.Tools.Git;
using AgentOps.Tools.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

var builder = ToolServerHost.CreateBuilder(args, "spiffe://agentops.local/tool/git");
var dataDirectory = builder.Configuration["AgentOps:DataDirectory"]
    ?? throw new InvalidOperationException("Set --data-dir (or AgentOps__DataDirectory): the Git tool server keeps its forge and workspaces there.");
var allowedPaths = builder.Configuration.GetSection("AgentOps:Git:AllowedPaths").Get<string[]>() is { Length: > 0 } paths ? paths : ["teams/**"];
var allowedRemotes = new RemoteAllowList(builder.Configuration.GetSection("AgentOps:Git:AllowedRemotes").Get<string[]>() ?? []);
var provider = (builder.Configuration["AgentOps:Git:Provider"] ?? "local").Trim().ToLowerInvariant();
var gitHub = builder.Configuration.GetSection(GitHubOptions.SectionName).Get<GitHubOptions>() ?? new GitHubOptions();
// The token is read from the environment only, never from a file or a command-line switch someone could see in ps.
var gitHubToken = Environment.GetEnvironmentVariable("GITHUB_TOKEN");
if (provider == "github")
{
    // Refuse to start rather than fail every later call: a misconfigured provider is an operator's mistake.
    gitHub.Validate();
    if (string.IsNullOrWhiteSpace(gitHubToken))
    {
        throw new InvalidOperationException("AgentOps:Git:Provider is github but the GITHUB_TOKEN environment variable is not set.");
    }
}

var database = await ToolServerHost.UseSharedStateAsync(builder);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(sp => new LocalForge(Path.Combine(dataDirectory, "forge"), new SqlitePullRequestStore(database), sp.GetRequiredService<TimeProvider>()));
builder.Services.AddSingleton(sp => new ForgeUpstream(sp.GetRequiredService<LocalForge>(), allowedRemotes, new RemoteCredentials(gitHubToken, gitHub.WebHost)));
// A push is scanned with the same secret patterns (allow-list included) that redact this server's output; a refused
// push is written to the shared audit log.
builder.Services.AddSingleton(sp => new GitWorkspace(
    Path.Combine(dataDirectory, "workspaces"), sp.GetRequiredService<LocalForge>(), new PathAllowList(allowedPaths), sp.GetRequiredService<ForgeUpstream>(),
    sp.GetRequiredService<OutputHygiene>().FindSecretRule));
builder.Services.AddSingleton<IAuditLog>(sp => new SqliteAuditLog(database, sp.GetRequiredService<TimeProvider>()));
builder.Services.AddSingleton<IPullRequestProvider>(provider switch
{
    "local" => sp => sp.GetRequiredService<LocalForge>(),
    "github" => sp => new GitHubPullRequestProvider(gitHub, gitHubToken, sp.GetRequiredService<TimeProvider>()),
    _ => throw new InvalidOperationException($"AgentOps:Git:Provider '{provider}' is not a provider; use local or github."),
});
builder.Services
    .AddAgentOpsToolServer<GitScopes>(builder.Configuration, "agentops-git", "0.1.0")
    .WithTools<GitTools>();

await ToolServerHost.RunAsync(builder);
