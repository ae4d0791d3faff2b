using AgentOps.Tools.Hosting;
using AgentOps.Tools.Kubectl;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

var arguments = KubectlSwitches.Normalise(args);
var builder = ToolServerHost.CreateBuilder(arguments, "spiffe://agentops.local/tool/kubectl");
builder.Configuration.AddCommandLine(arguments, KubectlSwitches.Map);

await ToolServerHost.UseSharedStateAsync(builder);
builder.Services.AddKubectlBackend(builder.Configuration);
var serializer = ToolServerHost.ToolSerializerOptions(KubectlJson.Default);
builder.Services
    .AddAgentOpsToolServer<KubectlScopes>(builder.Configuration, "agentops-kubectl", "0.1.0")
    .WithTools<ClusterReadTools>(serializer)
    .WithTools<DeploymentTools>(serializer)
    .WithTools<DeploymentWriteTools>(serializer)
    .WithTools<ResourceTools>(serializer);

await ToolServerHost.RunAsync(builder);
