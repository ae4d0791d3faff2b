using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Orchestration.Investigation;
using AgentOps.Orchestration.Tools;
using Microsoft.SemanticKernel;

namespace AgentOps.Orchestration.Tests.Investigation;

public sealed class ToolScopesTests
{
    private static readonly JsonElement s_schema = JsonSerializer.Deserialize<JsonElement>("""{"type":"object"}""");

    private static ToolDescriptor Tool(string name, string? description) => new("kubectl", name, s_schema, true, false, description);

    [Theory]
    [InlineData("List the pods of a namespace. Scope: k8s:read:ns/<namespace>.", """{"namespace":"payments"}""", "k8s:read:ns/payments")]
    [InlineData("Get a deployment. Scope: k8s:restart:ns/<namespace>/deployment/<name>.", """{"namespace":"payments","name":"api"}""", "k8s:restart:ns/payments/deployment/api")]
    // Alternatives: the first whose arguments the call carries decides.
    [InlineData("Get one object. Scope: k8s:read:ns/<namespace>, or k8s:read:cluster without a namespace.", """{"namespace":"payments","name":"x"}""", "k8s:read:ns/payments")]
    [InlineData("Get one object. Scope: k8s:read:ns/<namespace>, or k8s:read:cluster without a namespace.", """{"name":"x"}""", "k8s:read:cluster")]
    [InlineData("Get one object. Scope: k8s:read:ns/<namespace>, or k8s:read:cluster without a namespace.", """{"namespace":"","name":"x"}""", "k8s:read:cluster")]
    public void TheScopeSentenceOfTheDescription_ResolvedAgainstTheArguments_IsTheCallsScope(string description, string arguments, string expected)
    {
        Assert.True(ToolScopes.TryResolve(Tool("t", description), JsonNode.Parse(arguments)!.AsObject(), null, out var scope, out var reason), reason);
        Assert.Equal(expected, scope.ToString());
    }

    [Theory]
    [InlineData("List pods.", """{"namespace":"payments"}""", "does not say which scope")]
    [InlineData(null, """{"namespace":"payments"}""", "does not say which scope")]
    [InlineData("List pods. Scope: k8s:read:ns/<namespace>.", """{}""", "fit none of its scopes")]
    [InlineData("List pods. Scope: k8s:read:ns/<namespace>.", """{"namespace":"a/b"}""", "plain name")]
    [InlineData("List pods. Scope: k8s:read:ns/*.", """{"namespace":"payments"}""", "wildcard")]
    public void AScopeThatCannotBeDecided_IsNoScope(string? description, string arguments, string why)
    {
        Assert.False(ToolScopes.TryResolve(Tool("t", description), JsonNode.Parse(arguments)!.AsObject(), null, out var scope, out var reason));
        Assert.Null(scope);
        Assert.Contains(why, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AThirdPartyServersScope_ComesFromTheOrchestratorsMap_NotFromItsDescription()
    {
        var tool = Tool("pods_list", "Lists pods. Scope: k8s:read:cluster.");
        var rules = new Dictionary<string, string> { ["pods_list"] = "k8s:read:ns/{namespace}" };

        Assert.True(ToolScopes.TryResolve(tool, new JsonObject { ["namespace"] = "payments" }, rules, out var scope, out _));
        Assert.Equal("k8s:read:ns/payments", scope.ToString());
        Assert.False(ToolScopes.TryResolve(Tool("pod_delete", "Scope: k8s:read:cluster."), new JsonObject(), rules, out _, out var reason));
        Assert.Contains("no rule for pod_delete", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AToolFunctionInvokedWithoutTheFiltersApproval_FailsAndCallsNothing()
    {
        var tools = new ScriptedClusterTools();
        var plugin = ToolFunctions.CreatePlugin(tools, ScriptedClusterTools.Server, await tools.ListToolsAsync(ScriptedClusterTools.Server));
        var kernel = new Kernel();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            plugin["pods_list"].InvokeAsync(kernel, new KernelArguments { ["namespace"] = "payments" }));

        Assert.Contains("without the guardrails' approval", error.Message, StringComparison.Ordinal);
        Assert.Empty(tools.Calls);
        // The model sees the tool's own description and its schema's parameters.
        Assert.Contains("Scope: k8s:read:ns/<namespace>.", plugin["pods_list"].Description, StringComparison.Ordinal);
        Assert.True(Assert.Single(plugin["pods_list"].Metadata.Parameters).IsRequired);
    }
}
