using AgentOps.Guardrails.Policy;

namespace AgentOps.Guardrails.Tests.Policy;

/// <summary>scope.yaml is checked against scope.schema.json when loaded; every bad input fails naming file, line and field.</summary>
public sealed class ActionPolicyLoaderTests
{
    [Fact]
    public void Load_RepositoryPolicyWithTheAgentCatalogue_ReadsEveryPart()
    {
        var sut = ActionPolicyLoader.Load(TestPolicy.GuardrailsDirectory, TestPolicy.Agents);

        Assert.Contains("git/*", sut.Agents["infra-provisioner"].Tools);
        Assert.Contains("kube-system", sut.Namespaces.Denied);
        Assert.Equal(2000m, sut.Resources.MonthlyCostCeiling);
        Assert.Equal(500 * 1024, sut.Resources.MaxStorageMi);
        Assert.Equal((50, 500), (sut.BlastRadius.PerRun, sut.BlastRadius.PerHour));
        Assert.Equal((60, TimeSpan.FromMinutes(1)), (sut.PerAgentRate!.Permits, sut.PerAgentRate.Window));
        Assert.Equal("payments", sut.TenantOf("alice@example.com"));
        Assert.Equal("nobody@example.com", sut.TenantOf("nobody@example.com"));
    }

    [Theory]
    [InlineData("maxStorage: 100Gi", "maxStorage: 100GB", "limits.maxStorage")]
    [InlineData("monthlyCostCeiling: 300 USD", "monthlyCostCeiling: 300 EUR", "limits.monthlyCostCeiling")]
    [InlineData("monthlyCostCeiling: 300 USD", "monthlyCostCeiling: 300", "limits.monthlyCostCeiling")]
    [InlineData("perAgent: { permits: 4, window: 1m }", "perAgent: { permits: 4, window: 1min }", "rateLimits.perAgent.window")]
    [InlineData("maxReplicas: 5", "maxReplicas: five", "limits.maxReplicas")]
    [InlineData("maxReplicas: 5", "maxReplica: 5", "limits.maxReplica")]
    [InlineData("maxSize: medium", "maxSize: huge", "limits.maxSize")]
    [InlineData("timeZone: Europe/Berlin", "timeZone: Europe/Atlantis", "timeZone")]
    [InlineData("from: \"08:00\"", "from: \"25:00\"", "changeWindows[0].from")]
    [InlineData("to: \"18:00\"", "to: \"07:00\"", "changeWindows[0].to")]
    [InlineData("to: 2026-01-05T00:00", "to: 2025-12-01T00:00", "freezes[0].to")]
    [InlineData("verbs: [k8s:scale, k8s:read, git:files_write]", "verbs: [k8s:scale, k8s:delete, git:files_write]", "agents.scaler.verbs[1]")]
    [InlineData("perRun: 6", "perRun: 0", "blastRadius.perRun")]
    public void Load_BadField_FailsNamingFileLineAndField(string find, string replace, string field)
    {
        using var files = new ScopePolicyFiles(ScopePolicyFiles.Strict.Replace(find, replace, StringComparison.Ordinal));

        var error = Assert.Throws<PolicyLoadException>(files.Load);

        Assert.Equal(files.PolicyFile, error.File);
        Assert.Equal(field, error.Field);
        Assert.Equal(files.LineOf(replace), error.Line);
        Assert.StartsWith($"{files.PolicyFile}:{error.Line}: {field}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownToolInAnAllowList_FailsNamingTheEntryAndTheAgentsTools()
    {
        var real = File.ReadAllText(Path.Combine(TestPolicy.GuardrailsDirectory, ActionPolicyLoader.FileName));
        using var files = new ScopePolicyFiles(real.Replace("crossplane/xrd_list, git/*]", "crossplane/xrd_list, git/*, git/branch_force_push]", StringComparison.Ordinal));

        var error = Assert.Throws<PolicyLoadException>(() => ActionPolicyLoader.Load(files.Directory, TestPolicy.Agents));

        Assert.Equal("agents.infra-provisioner.tools[4]", error.Field);
        Assert.Equal(files.LineOf("git/branch_force_push"), error.Line);
        Assert.Contains("unknown tool 'git/branch_force_push'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MalformedYaml_FailsWithTheLine()
    {
        using var files = new ScopePolicyFiles(ScopePolicyFiles.Strict.Replace("maxReplicas: 5", "maxReplicas: [5", StringComparison.Ordinal));

        var error = Assert.Throws<PolicyLoadException>(files.Load);

        Assert.Equal(files.PolicyFile, error.File);
        Assert.InRange(error.Line, files.LineOf("maxReplicas"), files.LineOf("maxReplicas") + 2);
        Assert.Contains("not valid YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingKind_FailsNamingTheField()
    {
        using var files = new ScopePolicyFiles(ScopePolicyFiles.Strict.Replace("kind: ActionPolicy\n", "", StringComparison.Ordinal));

        var error = Assert.Throws<PolicyLoadException>(files.Load);

        Assert.Contains("kind", error.Message, StringComparison.Ordinal);
    }
}
