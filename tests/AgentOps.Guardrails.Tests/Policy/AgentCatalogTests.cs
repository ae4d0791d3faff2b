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
            - git:read:repo/platform-gitops
        """;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "agentops-guardrails-tests", Guid.NewGuid().ToString("N"));

    public AgentCatalogTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Load_RepositoryAgents_HasPlannerAndInfraProvisioner()
    {
        var sut = AgentCatalog.Load(TestPolicy.AgentsDirectory);

        Assert.Equal(["infra-provisioner", "planner"], sut.Agents.Select(a => a.Name).Order(StringComparer.Ordinal));
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
        Assert.Equal("git:read:repo/platform-gitops", agent.RbacScope.ToString());
    }

    [Theory]
    [InlineData("apiVersion: platform.example.io/v1", "apiVersion: platform.example.io/v2", "apiVersion must be platform.example.io/v1")]
    [InlineData("kind: AIAgent", "kind: Agent", "kind must be AIAgent")]
    [InlineData("    - git:read:repo/platform-gitops", "    - git read", "'git read' in rbacScope is not a scope")]
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
