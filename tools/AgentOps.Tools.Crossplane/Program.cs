using AgentOps.Manifests;
using AgentOps.Planning;
using AgentOps.Tools.Crossplane;
using AgentOps.Tools.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

var builder = ToolServerHost.CreateBuilder(args, "spiffe://agentops.local/tool/crossplane");
var skillsDirectory = builder.Configuration["AgentOps:Skills:Directory"] ?? Path.Combine(AppContext.BaseDirectory, "prompts", "skills");
var schemaPaths = builder.Configuration.GetSection("AgentOps:Crossplane:Schemas").Get<string[]>() is { Length: > 0 } paths
    ? paths
    : [Path.Combine(AppContext.BaseDirectory, "platform", "xrds")];

await ToolServerHost.UseSharedStateAsync(builder);
var schemas = SchemaCatalog.LoadFrom(schemaPaths);
builder.Services.AddSingleton(SkillCatalog.Load(skillsDirectory));
builder.Services.AddSingleton(schemas);
builder.Services.AddSingleton(new ManifestValidator(schemas));
builder.Services.AddSingleton(sp => new ClaimStatusReader(
    ClusterConnection.FromConfiguration(builder.Configuration),
    schemas,
    sp.GetRequiredService<OutputHygiene>(),
    builder.Configuration.GetValue("AgentOps:Crossplane:TimeoutSeconds", 10) is var seconds and > 0 ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromSeconds(10)));
builder.Services
    .AddAgentOpsToolServer<CrossplaneScopes>(builder.Configuration, "agentops-crossplane", "0.1.0")
    .WithTools<CrossplaneTools>();

await ToolServerHost.RunAsync(builder);
