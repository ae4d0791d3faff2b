using AgentOps.Tools.ArgoCD;
using AgentOps.Tools.Hosting;
using Microsoft.Extensions.DependencyInjection;

var builder = ToolServerHost.CreateBuilder(args, "spiffe://agentops.local/tool/argocd");
await ToolServerHost.UseSharedStateAsync(builder);
builder.Services.AddArgoCdClient(builder.Configuration);
// Registered before the MCP transport, so it has finished before the first call is read.
builder.Services
    .AddAgentOpsToolServer<ArgoCdScopes>(builder.Configuration, "agentops-argocd", "0.1.0")
    .WithTools<ArgoCdTools>();

await ToolServerHost.RunAsync(builder);
