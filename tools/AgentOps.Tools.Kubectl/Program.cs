using AgentOps.Tools.Hosting;
using AgentOps.Tools.Kubectl;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

var arguments = KubectlSwitches.Normalise(args);
var builder = ToolServerHost.CreateBuilder(arguments, "spiffe://agentops.local/tool/kubectl");
builder.Configuration.AddCommandLine(arguments, KubectlSwitches.Map);

await ToolServerHost.UseSharedStateAsync(builder);
builder.Services.AddKubectlBackend(builder.Configuration);
builder.Services
    .AddAgentOpsToolServer<KubectlScopes>(builder.Configuration, "agentops-kubectl", "0.1.0")
    .WithTools<ClusterReadTools>()
    .WithTools<DeploymentTools>()
    .WithTools<DeploymentWriteTools>()
    .WithTools<ResourceTools>();

await ToolServerHost.RunAsync(builder);
