using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static AgentOps.Testing.FakeKubernetesApi;

namespace AgentOps.Cli.Tests;

/// <summary>
/// Issue 3, point 6b, through the real CLI: a third-party MCP server (the Go <c>kubernetes-mcp-server</c>) configured
/// under <c>AgentOps:ThirdPartyTools</c> is routable from a skill step, its calls are checked against the configured
/// scope map and audited by the orchestrator, and without that configuration nothing changes.
/// </summary>
public sealed class ThirdPartyToolsEndToEndTests
{
    private const string PodsList = "pods_list_in_namespace";
    private const string TrustNote = "(trust: unverified-token)";

    // (a) A call through the CLI to the third-party server succeeds and is audited with its trust level.
    [Fact]
    public async Task Chat_StepOnConfiguredThirdPartyServer_ReachesItAndIsAuditedWithItsTrustLevel()
    {
        using var setup = new ThirdPartyCliSetup(PodsList, "k8s:read:ns/${param.namespace}", "{ namespace: \"${param.namespace}\" }");

        var chat = await setup.Cli.RunAsync("chat", "list the pods in namespace payments", "--json");

        Assert.True(chat.ExitCode == 0, chat.ToString());
        Assert.Equal("Completed", chat.Json["status"]!.GetValue<string>());
        var runId = chat.Json["runId"]!.GetValue<string>();
        var step = Assert.Single(chat.Json["plan"]!["steps"]!.AsArray())!;
        Assert.Equal((ThirdPartyCliSetup.Server, PodsList), (step["server"]!.GetValue<string>(), step["tool"]!.GetValue<string>()));
        // The Go server really asked the (fake) cluster, and its answer was stored screened and marked untrusted.
        Assert.NotEmpty(setup.Api.RequestsTo("GET", "/api/v1/namespaces/payments/pods"));
        var state = setup.Forge.RunState(runId);
        Assert.Contains(Seeded.PaymentsPod, state, StringComparison.Ordinal);
        Assert.Contains("\"trust\":\"untrusted\"", state, StringComparison.Ordinal);
        Assert.DoesNotContain(Seeded.PodEnvPassword, state, StringComparison.Ordinal);

        var records = await AuditAsync(setup, $"{ThirdPartyCliSetup.Server}/{PodsList}");
        Assert.Equal(["allowed", "allowed", "succeeded"], records.Select(r => r["outcome"]!.GetValue<string>()));
        Assert.All(records, r => Assert.Equal(runId, r["run_id"]!.GetValue<string>()));
        // The guardrail pipeline first, as for our own servers; then the orchestrator's check in the server's place.
        Assert.Contains(Decisions(records[0]), d => d["layer"]!.GetValue<string>() == "L1.input" && d["verdict"]!.GetValue<string>() == "Allow");
        var boundary = Assert.Single(Decisions(records[1]));
        Assert.Equal(("L2.scope", "Allow", "third-party.scope-covered"),
            (boundary["layer"]!.GetValue<string>(), boundary["verdict"]!.GetValue<string>(), boundary["rule"]!.GetValue<string>()));
        var reason = boundary["reason"]!.GetValue<string>();
        Assert.Contains(TrustNote, reason, StringComparison.Ordinal);
        Assert.Contains("'k8s:read:ns/payments'", reason, StringComparison.Ordinal);
        Assert.Contains(ThirdPartyCliSetup.ServerId, reason, StringComparison.Ordinal);
        Assert.Equal("spiffe://agentops.local/agent/cluster-reader", records[1]["actor"]!.GetValue<string>());
        Assert.StartsWith("developer@example.com → spiffe://agentops.local/agent/planner", records[1]["delegation_chain"]![0]!.GetValue<string>(), StringComparison.Ordinal);

        // No delegated token was written anywhere: the third party never had one to leak.
        foreach (var file in Directory.EnumerateFiles(setup.DataDirectory, "*", SearchOption.AllDirectories))
        {
            var text = System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(file));
            Assert.False(Regex.IsMatch(text, @"eyJ[A-Za-z0-9_-]{8,}\.eyJ"), $"a JWT was written to {file}");
        }
        var verify = await setup.Cli.RunAsync("audit", "verify", "--json");
        Assert.True(verify.Json["intact"]!.GetValue<bool>(), verify.ToString());
    }

    // (b) A tool the scope map does not name is refused by the orchestrator: the server never receives the call.
    [Fact]
    public async Task Chat_ToolOutsideTheScopeMap_IsRefusedBeforeReachingTheServerAndTheRefusalIsAudited()
    {
        // configuration_view prints the kubeconfig; the agent may call it, the server offers it, the scope map does not name it.
        using var setup = new ThirdPartyCliSetup("configuration_view", "k8s:read:cluster", "{}", capture: true);

        var chat = await setup.Cli.RunAsync("chat", "show the pods config", "--json");

        Assert.True(chat.ExitCode == 1, chat.ToString());
        Assert.Equal("RolledBack", chat.Json["status"]!.GetValue<string>());
        var message = chat.Json["message"]!.GetValue<string>();
        Assert.Contains("refused by the orchestrator before reaching third-party server 'kubernetes'", message, StringComparison.Ordinal);
        Assert.Contains("third-party.unmapped-tool", message, StringComparison.Ordinal);
        // The server was started (the executor read its schemas) but was never sent the call.
        Assert.True(setup.ServerStarted);
        Assert.Contains("\"tools/list\"", setup.SentToServer, StringComparison.Ordinal);
        Assert.DoesNotContain("\"tools/call\"", setup.SentToServer, StringComparison.Ordinal);

        var records = await AuditAsync(setup, $"{ThirdPartyCliSetup.Server}/configuration_view");
        var refusal = Assert.Single(records, r => r["outcome"]!.GetValue<string>() == "denied");
        var decision = Assert.Single(Decisions(refusal));
        Assert.Equal(("L2.scope", "Deny", "third-party.unmapped-tool"),
            (decision["layer"]!.GetValue<string>(), decision["verdict"]!.GetValue<string>(), decision["rule"]!.GetValue<string>()));
        Assert.Contains("deny by default", decision["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(TrustNote, decision["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(chat.Json["runId"]!.GetValue<string>(), refusal["run_id"]!.GetValue<string>());
    }

    // (b) A mapped tool whose arguments resolve to a scope the step token does not hold: refused, the API never asked.
    [Fact]
    public async Task Chat_NamespaceOutsideTheStepsScope_IsRefusedAndTheClusterIsNeverAsked()
    {
        // The step is granted the requester's namespace but its arguments name another one.
        using var setup = new ThirdPartyCliSetup(PodsList, "k8s:read:ns/${param.namespace}", $"{{ namespace: {Seeded.Checkout} }}");

        var chat = await setup.Cli.RunAsync("chat", "list the pods in namespace payments", "--json");

        Assert.True(chat.ExitCode == 1, chat.ToString());
        var message = chat.Json["message"]!.GetValue<string>();
        Assert.Contains("refused by the orchestrator before reaching third-party server 'kubernetes'", message, StringComparison.Ordinal);
        Assert.Contains("token scope 'k8s:read:ns/payments' does not cover 'k8s:read:ns/checkout'", message, StringComparison.Ordinal);
        Assert.Empty(setup.RequestsFor(Seeded.Checkout));
        var records = await AuditAsync(setup, $"{ThirdPartyCliSetup.Server}/{PodsList}");
        var refusal = Assert.Single(records, r => r["outcome"]!.GetValue<string>() == "denied");
        Assert.Equal("third-party.scope", Assert.Single(Decisions(refusal))["rule"]!.GetValue<string>());
    }

    [Fact]
    public async Task ToolsList_ThirdPartyServerConfigured_ShowsItsTrustLevelScopeRulesAndRefusedTools()
    {
        using var setup = new ThirdPartyCliSetup(PodsList, "k8s:read:ns/${param.namespace}", "{ namespace: \"${param.namespace}\" }");

        var result = await setup.Cli.RunAsync("tools", "list", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var servers = result.Json.AsArray().ToDictionary(s => s!["name"]!.GetValue<string>());
        Assert.Equal(["crossplane", "git", "kubernetes"], servers.Keys.Order(StringComparer.Ordinal));
        var kubernetes = servers["kubernetes"]!;
        Assert.Equal("unverified-token", kubernetes["trust"]!.GetValue<string>());
        Assert.Equal("orchestrator", kubernetes["scopeCheckedBy"]!.GetValue<string>());
        Assert.Equal(ThirdPartyCliSetup.ServerId, kubernetes["serverId"]!.GetValue<string>());
        var tools = kubernetes["tools"]!.AsArray().ToDictionary(t => t!["name"]!.GetValue<string>());
        Assert.Equal("k8s:read:ns/{namespace}", tools[PodsList]!["scope"]!.GetValue<string>());
        Assert.False(tools[PodsList]!["refused"]!.GetValue<bool>());
        Assert.True(tools["configuration_view"]!["refused"]!.GetValue<bool>());
        Assert.Null(tools["configuration_view"]!["scope"]);
        Assert.Empty(kubernetes["unmatchedScopeRules"]!.AsArray());
        Assert.Equal("verifies-token", servers["git"]!["trust"]!.GetValue<string>());
        Assert.Contains(servers["git"]!["tools"]!.AsArray(), t => t!["name"]!.GetValue<string>() == "pull_request_open");
        // Listing calls no tool: nothing was asked of the cluster beyond what the server does on start.
        Assert.Empty(setup.RequestsFor(Seeded.Payments));
        Assert.Empty(setup.Forge.AuditRows());

        var human = await setup.Cli.RunAsync("tools", "list");
        Assert.Contains("trust: unverified-token", human.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"configuration_view\s+read-only\s+refused: no scope rule", human.Stdout);
    }

    // (c) Without AgentOps:ThirdPartyTools the CLI hosts exactly our own servers, as before.
    [Fact]
    public async Task ToolsList_NoThirdPartyConfiguration_ListsOnlyOurOwnServers()
    {
        using var setup = new ThirdPartyCliSetup(PodsList, "k8s:read:ns/${param.namespace}", "{ namespace: \"${param.namespace}\" }", configure: false);

        var result = await setup.Cli.RunAsync("tools", "list", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var servers = result.Json.AsArray();
        Assert.Equal(["crossplane", "git"], servers.Select(s => s!["name"]!.GetValue<string>()));
        Assert.All(servers, s =>
        {
            Assert.Equal("verifies-token", s!["trust"]!.GetValue<string>());
            Assert.Equal("server", s["scopeCheckedBy"]!.GetValue<string>());
            Assert.True(s["available"]!.GetValue<bool>());
            Assert.All(s["tools"]!.AsArray(), t => Assert.False(t!["refused"]!.GetValue<bool>()));
        });
    }

    // (c) The same skill without the configuration: the step's server is unknown, nothing is started or asked.
    [Fact]
    public async Task Chat_StepOnThirdPartyServerThatIsNotConfigured_FailsNamingTheKnownServers()
    {
        using var setup = new ThirdPartyCliSetup(PodsList, "k8s:read:ns/${param.namespace}", "{ namespace: \"${param.namespace}\" }", configure: false);

        var chat = await setup.Cli.RunAsync("chat", "list the pods in namespace payments", "--json");

        Assert.True(chat.ExitCode == 1, chat.ToString());
        Assert.Equal("Failed", chat.Json["status"]!.GetValue<string>());
        Assert.Contains("No tool server named 'kubernetes' is configured (known: git, crossplane)", chat.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(setup.Api.Requests);
        Assert.DoesNotContain(setup.Forge.AuditRows(), r => r.Action.StartsWith("kubernetes/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnyCommand_ThirdPartyServerWithoutTrust_FailsNamingTheSettingInsteadOfSkippingTheServer()
    {
        using var setup = new ThirdPartyCliSetup(PodsList, "k8s:read:ns/${param.namespace}", "{ namespace: \"${param.namespace}\" }");
        var environment = setup.Environment.Where(e => e.Key != "AgentOps__ThirdPartyTools__kubernetes__Trust").ToDictionary();
        var cli = new CliProcess(setup.DataDirectory, environment);

        var result = await cli.RunAsync("runs", "list", "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("AgentOps:ThirdPartyTools:kubernetes:Trust must be 'unverified-token'", result.Json["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static async Task<IReadOnlyList<JsonNode>> AuditAsync(ThirdPartyCliSetup setup, string action)
    {
        var export = await setup.Cli.RunAsync("audit", "export");
        Assert.True(export.ExitCode == 0, export.ToString());
        return export.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!)
            .Where(r => r["action"]!.GetValue<string>() == action)
            .ToArray();
    }

    private static JsonNode[] Decisions(JsonNode record) => record["decisions"]!.AsArray().Select(d => d!).ToArray();
}
