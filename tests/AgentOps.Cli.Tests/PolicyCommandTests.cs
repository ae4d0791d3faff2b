using System.Text.Json.Nodes;

namespace AgentOps.Cli.Tests;

/// <summary>
/// <c>agentops policy test --request &lt;file&gt;</c> against the real binary: the repository's guardrails/scope.yaml, or
/// a copy of the guardrails directory changed for one test; exit 0 allow, 3 deny, 1 a policy that cannot load, 2 usage.
/// </summary>
public sealed class PolicyCommandTests : IDisposable
{
    private static readonly string s_shippedGuardrails = Path.Combine(AppContext.BaseDirectory, "guardrails");

    private readonly TempDirectory _data = new();
    private readonly TempDirectory _work = new();
    private readonly CliProcess _sut;

    public PolicyCommandTests() => _sut = new CliProcess(_data.Path);

    public void Dispose()
    {
        _data.Dispose();
        _work.Dispose();
    }

    [Fact]
    public async Task PolicyTest_BenignProvisioningStep_Exits0AllowWithTheDecidingRule()
    {
        var request = Request(new JsonObject
        {
            ["agent"] = "infra-provisioner",
            ["server"] = "crossplane",
            ["tool"] = "claim_validate",
            ["scope"] = "crossplane:validate:ns/payments",
            ["requester"] = "developer@example.com",
            ["arguments"] = new JsonObject { ["parameters"] = new JsonObject { ["namespace"] = "payments", ["size"] = "small" } },
        });

        var result = await _sut.RunAsync("policy", "test", "--request", request, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("allow", result.Json["result"]!.GetValue<string>());
        var decision = result.Json["decisions"]![0]!;
        Assert.Equal(("allow", "scope.within"), (decision["verdict"]!.GetValue<string>(), decision["rule"]!.GetValue<string>()));
    }

    [Fact]
    public async Task PolicyTest_SizeAboveTheLimit_Exits3NamingRuleFileAndLine()
    {
        var request = Request(new JsonObject
        {
            ["agent"] = "infra-provisioner",
            ["server"] = "crossplane",
            ["tool"] = "claim_validate",
            ["scope"] = "crossplane:validate:ns/payments",
            ["size"] = "xlarge",
        });

        var result = await _sut.RunAsync("policy", "test", "--request", request, "--json");

        Assert.True(result.ExitCode == 3, result.ToString());
        var decision = result.Json["decisions"]![0]!;
        Assert.Equal(("deny", "policy.limits.size"), (decision["verdict"]!.GetValue<string>(), decision["rule"]!.GetValue<string>()));
        Assert.Equal($"{Path.Combine(s_shippedGuardrails, "scope.yaml")}:{LineOf(Path.Combine(s_shippedGuardrails, "scope.yaml"), "maxSize:")}", decision["source"]!.GetValue<string>());
    }

    [Fact]
    public async Task PolicyTest_TextOutput_NamesRuleAndSource()
    {
        var request = Request(new JsonObject
        {
            ["agent"] = "infra-provisioner",
            ["server"] = "crossplane",
            ["tool"] = "claim_validate",
            ["scope"] = "crossplane:validate:ns/kube-system",
        });

        var result = await _sut.RunAsync("policy", "test", "--request", request);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.StartsWith("deny: infra-provisioner crossplane/claim_validate", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("rule policy.namespace-denied (", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("scope.yaml:", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyTest_WriteDuringAFreezeThenAfterIt_DeniesFreezeThenAllows()
    {
        var guardrails = CopyGuardrails(("freezes: []", "freezes:\n  - id: release-week\n    from: 2026-03-02T00:00\n    to: 2026-03-09T00:00\n    reason: release week"));
        var sut = new CliProcess(_data.Path, new Dictionary<string, string> { ["AgentOps__Guardrails__Directory"] = guardrails });
        var during = Request(Write("2026-03-05T10:00:00Z"));
        var after = Request(Write("2026-03-09T10:00:00Z"));

        var frozen = await sut.RunAsync("policy", "test", "--request", during, "--json");
        var open = await sut.RunAsync("policy", "test", "--request", after, "--json");

        Assert.True(frozen.ExitCode == 3, frozen.ToString());
        Assert.Equal("policy.freeze", frozen.Json["decisions"]![0]!["rule"]!.GetValue<string>());
        Assert.Equal($"{Path.Combine(guardrails, "scope.yaml")}:{LineOf(Path.Combine(guardrails, "scope.yaml"), "- id: release-week")}", frozen.Json["decisions"]![0]!["source"]!.GetValue<string>());
        Assert.True(open.ExitCode == 0, open.ToString());
        Assert.Equal("scope.within", open.Json["decisions"]![0]!["rule"]!.GetValue<string>());
    }

    [Fact]
    public async Task PolicyTest_SequenceOverTheBlastRadiusPerRun_DeniesTheCallThatGoesOver()
    {
        var guardrails = CopyGuardrails(("perRun: 50", "perRun: 8"));
        var sut = new CliProcess(_data.Path, new Dictionary<string, string> { ["AgentOps__Guardrails__Directory"] = guardrails });
        var first = Write("2026-03-09T10:00:00Z");
        first["objectsChanged"] = 5;
        var second = Write("2026-03-09T10:00:05Z");
        second["objectsChanged"] = 4;
        var request = Request(new JsonObject { ["requests"] = new JsonArray(first, second) });

        var result = await sut.RunAsync("policy", "test", "--request", request, "--json");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal(["scope.within", "policy.blast-radius.run"], result.Json["decisions"]!.AsArray().Select(d => d!["rule"]!.GetValue<string>()));
    }

    [Fact]
    public async Task PolicyTest_LimitWithTheWrongUnit_Exits1NamingFileLineAndField()
    {
        var guardrails = CopyGuardrails(("maxStorage: 500Gi", "maxStorage: 500GB"));
        var sut = new CliProcess(_data.Path, new Dictionary<string, string> { ["AgentOps__Guardrails__Directory"] = guardrails });
        var request = Request(Write("2026-03-09T10:00:00Z"));

        var result = await sut.RunAsync("policy", "test", "--request", request, "--json");

        Assert.True(result.ExitCode == 1, result.ToString());
        var file = Path.Combine(guardrails, "scope.yaml");
        Assert.Contains($"{file}:{LineOf(file, "maxStorage:")}: limits.maxStorage: ", result.Json["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_PolicyFileInvalid_RefusesToStartNamingFileAndField()
    {
        var guardrails = CopyGuardrails(("maxReplicas: 10", "maxReplicas: ten"));
        var sut = new CliProcess(_data.Path, new Dictionary<string, string> { ["AgentOps__Guardrails__Directory"] = guardrails });

        var result = await sut.RunAsync("chat", ChatEndToEndTests.ReadmeRequest, "--dry-run");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"scope.yaml:{LineOf(Path.Combine(guardrails, "scope.yaml"), "maxReplicas:")}: limits.maxReplicas", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_DuringAFreeze_RunDeniesTheFirstWriteStepAsPolicyTestSaysItWould()
    {
        var guardrails = CopyGuardrails(("freezes: []", "freezes:\n  - id: standing-freeze\n    from: 2000-01-01\n    to: 2100-01-01\n    reason: test freeze"));
        var sut = new CliProcess(_data.Path, new Dictionary<string, string> { ["AgentOps__Guardrails__Directory"] = guardrails });
        var request = Request(new JsonObject
        {
            ["agent"] = "infra-provisioner",
            ["server"] = "git",
            ["tool"] = "branch_create",
            ["scope"] = "git:branch_create:repo/platform-gitops/branch/agentops/payments/payments-api-db",
            ["arguments"] = new JsonObject { ["repo"] = "platform-gitops", ["branch"] = "agentops/payments/payments-api-db", ["base"] = "main" },
        });

        var offline = await sut.RunAsync("policy", "test", "--request", request, "--json");
        var run = await sut.RunAsync("chat", ChatEndToEndTests.ReadmeRequest, "--dry-run");

        Assert.True(offline.ExitCode == 3, offline.ToString());
        var decision = offline.Json["decisions"]![0]!;
        Assert.Equal("policy.freeze", decision["rule"]!.GetValue<string>());
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("validate_claim         L1.input:allow  L2.scope:allow", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("create_branch          L1.input:allow  L2.scope:deny", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"policy.freeze: {decision["reason"]!.GetValue<string>()} (rule policy.freeze, {decision["source"]!.GetValue<string>()})", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyTest_MissingRequestFile_Exits2()
    {
        var result = await _sut.RunAsync("policy", "test", "--request", Path.Combine(_work.Path, "nope.json"), "--json");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("usage", result.Json["error"]!["code"]!.GetValue<string>());
    }

    private static JsonObject Write(string time) => new()
    {
        ["agent"] = "infra-provisioner",
        ["server"] = "git",
        ["tool"] = "files_write",
        ["scope"] = "git:files_write:repo/platform-gitops/branch/agentops/payments/orders-db",
        ["runId"] = "run-1",
        ["time"] = time,
        ["namespace"] = "payments",
    };

    private string Request(JsonObject request)
    {
        var file = Path.Combine(_work.Path, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(file, request.ToJsonString());
        return file;
    }

    private string CopyGuardrails(params (string Find, string Replace)[] edits)
    {
        var directory = Path.Combine(_work.Path, "guardrails-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        foreach (var file in Directory.EnumerateFiles(s_shippedGuardrails))
        {
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
        }
        var scope = Path.Combine(directory, "scope.yaml");
        var text = File.ReadAllText(scope);
        foreach (var (find, replace) in edits)
        {
            Assert.Contains(find, text, StringComparison.Ordinal);
            text = text.Replace(find, replace, StringComparison.Ordinal);
        }
        File.WriteAllText(scope, text);
        return directory;
    }

    private static int LineOf(string file, string text) =>
        Array.FindIndex(File.ReadAllLines(file), l => l.Contains(text, StringComparison.Ordinal)) + 1;
}
