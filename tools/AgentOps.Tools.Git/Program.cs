using AgentOps.GitOps;
using AgentOps.Storage;
using AgentOps.Tools.Git;
using AgentOps.Tools.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

var builder = ToolServerHost.CreateBuilder(args, "spiffe://agentops.local/tool/git");
var dataDirectory = builder.Configuration["AgentOps:DataDirectory"]
    ?? throw new InvalidOperationException("Set --data-dir (or AgentOps__DataDirectory): the Git tool server keeps its forge and workspaces there.");
var allowedPaths = builder.Configuration.GetSection("AgentOps:Git:AllowedPaths").Get<string[]>() is { Length: > 0 } paths ? paths : ["teams/**"];

var database = await ToolServerHost.UseSharedStateAsync(builder);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(sp => new LocalForge(Path.Combine(dataDirectory, "forge"), new SqlitePullRequestStore(database), sp.GetRequiredService<TimeProvider>()));
builder.Services.AddSingleton(sp => new GitWorkspace(Path.Combine(dataDirectory, "workspaces"), sp.GetRequiredService<LocalForge>(), new PathAllowList(allowedPaths)));
builder.Services
    .AddAgentOpsToolServer<GitScopes>(builder.Configuration, "agentops-git", "0.1.0")
    .WithTools<GitTools>();

await ToolServerHost.RunAsync(builder);
