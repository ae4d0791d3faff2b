using AgentOps.Tools.Hosting;
using AgentOps.Tools.Prometheus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

var builder = ToolServerHost.CreateBuilder(args, "spiffe://agentops.local/tool/prometheus");
// Added last, so these switches win over AgentOps__Prometheus__* environment variables, as command lines do.
builder.Configuration.AddInMemoryCollection(PrometheusSwitches.Read(args));

await ToolServerHost.UseSharedStateAsync(builder);
builder.Services.AddPrometheusApi(builder.Configuration);
builder.Services.AddSingleton<PrometheusReader>();
builder.Services
    .AddAgentOpsToolServer<PrometheusScopes>(builder.Configuration, "agentops-prometheus", "0.1.0")
    .WithTools<PrometheusTools>();

await ToolServerHost.RunAsync(builder);
