using AgentOps.Core;
using AgentOps.Guardrails.Policy;

namespace AgentOps.Guardrails.Tests.Policy;

public sealed class AgentCatalogTests : IDisposable
{
    private const string ValidAgent = """
        apiVersion: platform.example.io/v1
        kind: AIAgent
        metadata:
          name: reader
        spec:
          provider: agentops
          model: runbook-planner/v1
          mcpEndpoints:
            - name: git
              tools: [file_read]
          rbacScope:
            - git:file_read:repo/platform-gitops
        """;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "agentops-guardrails-tests", Guid.NewGuid().ToString("N"));

    public AgentCatalogTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Load_RepositoryAgents_HasPlannerInfraProvisionerAndInvestigator()
    {
        var sut = AgentCatalog.Load(TestPolicy.AgentsDirectory);

        Assert.Equal(["infra-provisioner", "investigator", "planner"], sut.Agents.Select(a => a.Name).Order(StringComparer.Ordinal));
        Assert.Equal("spiffe://agentops.local/agent/investigator", sut.Get("investigator").Id);
        Assert.Equal("spiffe://agentops.local/agent/planner", sut.Get("planner").Id);
        Assert.Equal("spiffe://agentops.local/agent/infra-provisioner", sut.Get("infra-provisioner").Id);
    }

    [Fact]
    public void Load_InfraProvisioner_ReadsEndpointsScopesAndRate()
    {
        var sut = AgentCatalog.Load(TestPolicy.AgentsDirectory);

        var agent = sut.Get("infra-provisioner");

        Assert.Equal("domain_specific", agent.AgentType);
        Assert.Equal("agentops", agent.Provider);
        Assert.Equal("runbook-planner/v1", agent.Model);
        Assert.Equal(60, agent.ToolCallsPerMinute);
        Assert.True(agent.MayCall("git", "pull_request_open"));
        Assert.True(agent.MayCall("crossplane", "claim_render"));
        Assert.False(agent.MayCall("git", "pull_request_merge"));
        Assert.True(agent.RbacScope.Covers(Scope.Parse("git:commit:repo/platform-gitops/branch/agentops/payments/orders-db")));
        Assert.True(agent.RbacScope.Covers(Scope.Parse("crossplane:validate:ns/payments")));
        Assert.False(agent.RbacScope.Covers(Scope.Parse("git:commit:repo/platform-gitops/branch/main")));
        Assert.False(agent.RbacScope.Covers(Scope.Parse("git:commit:repo/other/branch/agentops/x")));
    }

    [Fact]
    public void Load_Planner_HasNoEndpoints()
    {
        var sut = AgentCatalog.Load(TestPolicy.AgentsDirectory);

        var planner = sut.Get("planner");

        Assert.Empty(planner.Endpoints);
        Assert.Equal("autonomous", planner.AgentType);
    }

    [Fact]
    public void Load_MinimalAgent_DefaultsRateAndType()
    {
        Write("reader.yaml", ValidAgent);

        var sut = AgentCatalog.Load(_directory);

        var agent = sut.Get("reader");
        Assert.Equal(30, agent.ToolCallsPerMinute);
        Assert.Equal("domain_specific", agent.AgentType);
        Assert.Equal("git:file_read:repo/platform-gitops", agent.RbacScope.ToString());
    }

    [Theory]
    [InlineData("apiVersion: platform.example.io/v1", "apiVersion: platform.example.io/v2", "apiVersion must be platform.example.io/v1")]
    [InlineData("kind: AIAgent", "kind: Agent", "kind must be AIAgent")]
    [InlineData("    - git:file_read:repo/platform-gitops", "    - git read", "'git read' in rbacScope is not a scope")]
    [InlineData("  provider: agentops\n", "", "spec.provider is required")]
    [InlineData("  model: runbook-planner/v1\n", "", "spec.model is required")]
    [InlineData("  name: reader\n", "  labels: {}\n", "metadata.name is required")]
    [InlineData("- name: git\n      tools", "- tools", "every mcpEndpoints entry needs a name")]
    public void Load_MalformedAgent_FailsNamingTheFile(string find, string replace, string message)
    {
        var file = Write("broken.yaml", ValidAgent.Replace(find, replace, StringComparison.Ordinal));
        Assert.NotEqual(ValidAgent, File.ReadAllText(file));

        var error = Assert.Throws<InvalidDataException>(() => AgentCatalog.Load(_directory));

        Assert.Contains(file, error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("lots")]
    public void Load_NonPositiveRateLimit_FailsNamingTheFile(string perMinute)
    {
        var file = Write("broken.yaml", ValidAgent + $"\n  rateLimits:\n    toolCallsPerMinute: {perMinute}\n");

        var error = Assert.Throws<InvalidDataException>(() => AgentCatalog.Load(_directory));

        Assert.Contains(file, error.Message, StringComparison.Ordinal);
        Assert.Contains("toolCallsPerMinute", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    // A missing field.
    [InlineData("  rbacScope:\n    - git:file_read:repo/platform-gitops", "", "spec.rbacScope is required")]
    [InlineData("      tools: [file_read]\n", "", "spec.mcpEndpoints[0].tools is required")]
    // A field of the wrong type.
    [InlineData("  rbacScope:\n    - git:file_read:repo/platform-gitops", "  rbacScope: git:file_read:repo/platform-gitops", "spec.rbacScope: must be a list, found the text 'git:file_read:repo/platform-gitops'")]
    [InlineData("  provider: agentops", "  provider: [agentops, other]", "spec.provider: must be a string, found a list")]
    [InlineData("  mcpEndpoints:\n    - name: git", "  mcpEndpoints:\n    - git\n    - name: git", "spec.mcpEndpoints[0]: must be a mapping with a name and tools, found the text 'git'")]
    [InlineData("tools: [file_read]", "tools: file_read", "spec.mcpEndpoints[0].tools: must be a list, found the text 'file_read'")]
    [InlineData("    - git:file_read:repo/platform-gitops", "    - {git: read}", "spec.rbacScope[0]: must be a non-empty string, found a mapping")]
    // A scope verb no server checks: it would grant nothing, or hide a typo.
    [InlineData("    - git:file_read:repo/platform-gitops", "    - git:write:repo/platform-gitops", "spec.rbacScope[0]: 'git:write:repo/platform-gitops' uses verb 'write', which the git server does not check")]
    [InlineData("    - git:file_read:repo/platform-gitops", "    - git:file_read:repo/x\n    - k8s:delete:ns/payments", "spec.rbacScope[1]: 'k8s:delete:ns/payments' uses verb 'delete'")]
    [InlineData("    - git:file_read:repo/platform-gitops", "    - '*:destroy'", "spec.rbacScope[0]: '*:destroy' uses verb 'destroy', which no tool server checks")]
    // A name that cannot form a SPIFFE ID.
    [InlineData("  name: reader", "  name: Reader", "metadata.name: 'Reader' cannot form the agent's SPIFFE ID 'spiffe://agentops.local/agent/Reader'")]
    [InlineData("  name: reader", "  name: reader/../admin", "metadata.name: 'reader/../admin' cannot form the agent's SPIFFE ID")]
    [InlineData("  name: reader", "  name: 'read er'", "metadata.name: 'read er' cannot form")]
    // A token lifetime above the maximum, or not a duration.
    [InlineData("spec:\n", "spec:\n  tokenLifetime: 16m\n", "spec.tokenLifetime: 16m is above the maximum of 15m")]
    [InlineData("spec:\n", "spec:\n  tokenLifetime: 901s\n", "spec.tokenLifetime: 901s is above the maximum of 15m")]
    [InlineData("spec:\n", "spec:\n  tokenLifetime: 300\n", "spec.tokenLifetime: '300' is not a duration")]
    [InlineData("spec:\n", "spec:\n  tokenLifetime: 0m\n", "spec.tokenLifetime: '0m' is not a duration")]
    // Other mistakes that would silently change the ceiling or the token claims.
    [InlineData("spec:\n", "spec:\n  rbacScopes: []\n", "spec.rbacScopes: is not a field of an AIAgent spec")]
    [InlineData("spec:\n", "spec:\n  agentType: robot\n", "spec.agentType: 'robot' is not an OIDC-A agent type")]
    [InlineData("    - name: git\n      tools: [file_read]\n", "    - name: git\n      tools: [file_read]\n    - name: git\n      tools: [commit]\n", "spec.mcpEndpoints[1].name: server 'git' is listed twice")]
    [InlineData("  rbacScope:", "  rbacScope: [\n", "not valid YAML at line")]
    public void Load_InvalidSpec_FailsNamingTheFileAndTheField(string find, string replace, string message)
    {
        var file = Write("broken.yaml", ValidAgent.Replace(find, replace, StringComparison.Ordinal));
        Assert.NotEqual(ValidAgent, File.ReadAllText(file));

        var error = Assert.Throws<InvalidDataException>(() => AgentCatalog.Load(_directory));

        Assert.StartsWith(file + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("5m", 300)]
    [InlineData("15m", 900)]
    public void Load_TokenLifetimeWithinMaximum_IsRead(string text, int seconds)
    {
        Write("reader.yaml", ValidAgent.Replace("spec:\n", $"spec:\n  tokenLifetime: {text}\n", StringComparison.Ordinal));

        var sut = AgentCatalog.Load(_directory);

        Assert.Equal(TimeSpan.FromSeconds(seconds), sut.Get("reader").TokenLifetime);
    }

    [Theory]
    [InlineData("git:*:repo/platform-gitops")]
    [InlineData("k8s:scale:ns/payments/deployment/api")]
    [InlineData("argocd:sync:app/payments-staging")]
    [InlineData("prometheus:query:metrics")]
    [InlineData("kubernetes-extra:anything:at/all")]
    [InlineData("*:read")]
    public void Load_KnownVerbOrUncheckedServer_IsAccepted(string scope)
    {
        Write("reader.yaml", ValidAgent.Replace("git:file_read:repo/platform-gitops", $"'{scope}'", StringComparison.Ordinal));

        var sut = AgentCatalog.Load(_directory);

        Assert.Equal(scope, sut.Get("reader").RbacScope.ToString());
        Assert.Null(sut.Get("reader").TokenLifetime);
    }

    [Fact]
    public void Load_RepositoryAgents_EveryCeilingUsesKnownVerbs()
    {
        var sut = AgentCatalog.Load(TestPolicy.AgentsDirectory);

        Assert.All(sut.Agents.SelectMany(a => a.RbacScope), s =>
            Assert.True(s.Verb == Scope.Wildcard || AgentCatalog.ScopeVerbs[s.Server].Contains(s.Verb), s.ToString()));
    }

    [Fact]
    public void Load_SameNameInTwoFiles_FailsAsDefinedTwice()
    {
        Write("a.yaml", ValidAgent);
        var second = Write("b.yaml", ValidAgent);

        var error = Assert.Throws<InvalidDataException>(() => AgentCatalog.Load(_directory));

        Assert.Contains(second, error.Message, StringComparison.Ordinal);
        Assert.Contains("defined twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingDirectory_ThrowsDirectoryNotFound()
    {
        var missing = Path.Combine(_directory, "nope");

        var error = Assert.Throws<DirectoryNotFoundException>(() => AgentCatalog.Load(missing));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_OtherFileExtensions_AreIgnored()
    {
        Write("reader.yaml", ValidAgent);
        Write("notes.txt", "not yaml: [");

        var sut = AgentCatalog.Load(_directory);

        Assert.Equal(["reader"], sut.Agents.Select(a => a.Name));
    }

    [Fact]
    public void Load_EmptyFile_FailsNamingTheFile()
    {
        var file = Write("empty.yaml", string.Empty);

        var error = Assert.Throws<InvalidDataException>(() => AgentCatalog.Load(_directory));

        Assert.Contains(file, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RootIsAList_FailsNamingTheFile()
    {
        var file = Write("list.yaml", "- apiVersion: platform.example.io/v1\n");

        var error = Assert.Throws<InvalidDataException>(() => AgentCatalog.Load(_directory));

        Assert.Contains(file, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_UnknownAgent_ThrowsKeyNotFoundNamingIt()
    {
        var sut = AgentCatalog.Load(TestPolicy.AgentsDirectory);

        var error = Assert.Throws<KeyNotFoundException>(() => sut.Get("cluster-admin"));

        Assert.Contains("'cluster-admin'", error.Message, StringComparison.Ordinal);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
