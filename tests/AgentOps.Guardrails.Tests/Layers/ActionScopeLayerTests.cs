using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Guardrails.Layers;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Guardrails.Tests.Layers;

public sealed class ActionScopeLayerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 2, 9, 30, 0, TimeSpan.Zero));

    [Fact]
    public async Task EvaluateAsync_ToolOnAllowListAndScopeWithinCeiling_AllowsScopeWithin()
    {
        var sut = CreateSut();

        var decision = await sut.EvaluateAsync(TestPolicy.Context());

        Assert.Equal(Verdict.Allow, decision.Verdict);
        Assert.Equal("scope.within", decision.Rule);
        Assert.Equal("L2.scope", decision.Layer);
    }

    [Theory]
    [InlineData("git", "pull_request_merge")]
    [InlineData("git", "branch_force_push")]
    [InlineData("k8s", "pods_list")]
    [InlineData("crossplane", "claim_apply")]
    public async Task EvaluateAsync_ToolNotOnAgentAllowList_DeniesAllowList(string server, string tool)
    {
        var sut = CreateSut();

        var decision = await sut.EvaluateAsync(TestPolicy.Context(step: TestPolicy.Step(tool: tool, server: server)));

        Assert.Equal(Verdict.Deny, decision.Verdict);
        Assert.Equal("scope.allow-list", decision.Rule);
        Assert.Contains($"{server}/{tool}", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateAsync_PlannerCallsAnyTool_DeniesAllowList()
    {
        var sut = CreateSut();

        var decision = await sut.EvaluateAsync(TestPolicy.Context(agent: TestPolicy.Agents.Get("planner")));

        Assert.Equal("scope.allow-list", decision.Rule);
    }

    [Theory]
    [InlineData("git:write:repo/other-repo")]
    [InlineData("git:write")]
    [InlineData("git:write:repo/*")]
    [InlineData("git:admin:repo/platform-gitops")]
    [InlineData("k8s:write:ns/payments")]
    [InlineData("*:*")]
    public async Task EvaluateAsync_ScopeBeyondAgentCeiling_DeniesAgentCeiling(string scope)
    {
        var sut = CreateSut();

        var decision = await sut.EvaluateAsync(TestPolicy.Context(step: TestPolicy.Step(scope: scope)));

        Assert.Equal(Verdict.Deny, decision.Verdict);
        Assert.Equal("scope.agent-ceiling", decision.Rule);
    }

    [Theory]
    [InlineData("")]
    [InlineData("git")]
    [InlineData("git write repo")]
    [InlineData("git::repo/platform-gitops")]
    [InlineData("git:write:repo/pl*tform")]
    public async Task EvaluateAsync_MalformedScope_DeniesScopeMalformed(string scope)
    {
        var sut = CreateSut();

        var decision = await sut.EvaluateAsync(TestPolicy.Context(step: TestPolicy.Step(scope: scope)));

        Assert.Equal(Verdict.Deny, decision.Verdict);
        Assert.Equal("scope.malformed", decision.Rule);
    }

    [Fact]
    public async Task EvaluateAsync_MoreFilesThanLimit_DeniesFilesPerWrite()
    {
        var sut = CreateSut();
        var files = Files(TestPolicy.Policy.Limits.MaxFilesPerWrite + 1, contentLength: 10);

        var decision = await sut.EvaluateAsync(TestPolicy.Context(arguments: new JsonObject { ["files"] = files }));

        Assert.Equal(Verdict.Deny, decision.Verdict);
        Assert.Equal("limits.files-per-write", decision.Rule);
    }

    [Fact]
    public async Task EvaluateAsync_FilesAtLimit_Allows()
    {
        var sut = CreateSut();
        var files = Files(TestPolicy.Policy.Limits.MaxFilesPerWrite, TestPolicy.Policy.Limits.MaxFileBytes);

        var decision = await sut.EvaluateAsync(TestPolicy.Context(arguments: new JsonObject { ["files"] = files }));

        Assert.Equal("scope.within", decision.Rule);
    }

    [Fact]
    public async Task EvaluateAsync_FileLargerThanLimit_DeniesFileBytes()
    {
        var sut = CreateSut();
        var files = Files(2, contentLength: 10);
        files.Add(new JsonObject { ["path"] = "platform/big.yaml", ["content"] = new string('x', TestPolicy.Policy.Limits.MaxFileBytes + 1) });

        var decision = await sut.EvaluateAsync(TestPolicy.Context(arguments: new JsonObject { ["files"] = files }));

        Assert.Equal(Verdict.Deny, decision.Verdict);
        Assert.Equal("limits.file-bytes", decision.Rule);
    }

    [Fact]
    public async Task EvaluateAsync_MultiByteFileLargerThanLimitInBytes_DeniesFileBytes()
    {
        var sut = CreateSut();
        // 30,000 euro signs are 30,000 chars but 90,000 UTF-8 bytes, well over the 65,536-byte limit.
        var content = new string('\u20AC', 30_000);
        var files = new JsonArray(new JsonObject { ["path"] = "platform/big.yaml", ["content"] = content });

        var decision = await sut.EvaluateAsync(TestPolicy.Context(arguments: new JsonObject { ["files"] = files }));

        Assert.Equal("limits.file-bytes", decision.Rule);
    }

    [Theory]
    [InlineData("[\"platform/a.yaml\"]")]
    [InlineData("[{\"path\":\"platform/a.yaml\",\"content\":42}]")]
    public async Task EvaluateAsync_FilesOfUnexpectedShape_DeniesInsteadOfThrowing(string files)
    {
        var sut = CreateSut();
        var arguments = new JsonObject { ["files"] = JsonNode.Parse(files) };

        var decision = await sut.EvaluateAsync(TestPolicy.Context(arguments: arguments));

        Assert.Equal(Verdict.Deny, decision.Verdict);
    }

    [Fact]
    public async Task EvaluateAsync_FourthCallWithinAMinute_DeniesRateAndAllowsAgainAfterTheWindow()
    {
        var sut = CreateSut();
        var agent = TestPolicy.Agent(perMinute: 3);
        var rules = new List<string>();

        for (var i = 0; i < 4; i++)
        {
            rules.Add((await sut.EvaluateAsync(TestPolicy.Context(agent: agent))).Rule);
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        _time.Advance(TimeSpan.FromSeconds(61));
        var afterWindow = await sut.EvaluateAsync(TestPolicy.Context(agent: agent));

        Assert.Equal(["scope.within", "scope.within", "scope.within", "limits.rate"], rules);
        Assert.Equal("scope.within", afterWindow.Rule);
    }

    [Fact]
    public async Task EvaluateAsync_DryRun_DoesNotSpendTheRateBudget()
    {
        var sut = CreateSut();
        var agent = TestPolicy.Agent(perMinute: 3);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("scope.within", (await sut.EvaluateAsync(TestPolicy.Context(agent: agent, dryRun: true))).Rule);
        }

        var rules = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            rules.Add((await sut.EvaluateAsync(TestPolicy.Context(agent: agent))).Rule);
        }

        Assert.Equal(["scope.within", "scope.within", "scope.within", "limits.rate"], rules);
    }

    [Fact]
    public async Task EvaluateAsync_DryRunWithBudgetSpent_DeniesRate()
    {
        var sut = CreateSut();
        var agent = TestPolicy.Agent(perMinute: 1);
        await sut.EvaluateAsync(TestPolicy.Context(agent: agent));

        var decision = await sut.EvaluateAsync(TestPolicy.Context(agent: agent, dryRun: true));

        Assert.Equal("limits.rate", decision.Rule);
    }

    [Fact]
    public async Task EvaluateAsync_DeniedByAllowList_DoesNotSpendTheRateBudget()
    {
        var sut = CreateSut();
        var agent = TestPolicy.Agent(perMinute: 1);
        await sut.EvaluateAsync(TestPolicy.Context(agent: agent, step: TestPolicy.Step(tool: "pull_request_merge")));

        var decision = await sut.EvaluateAsync(TestPolicy.Context(agent: agent));

        Assert.Equal("scope.within", decision.Rule);
    }

    [Fact]
    public async Task EvaluateAsync_BudgetSpentByOneAgent_DoesNotLimitAnother()
    {
        var sut = CreateSut();
        await sut.EvaluateAsync(TestPolicy.Context(agent: TestPolicy.Agent("agent-a", perMinute: 1)));

        var other = await sut.EvaluateAsync(TestPolicy.Context(agent: TestPolicy.Agent("agent-b", perMinute: 1)));
        var same = await sut.EvaluateAsync(TestPolicy.Context(agent: TestPolicy.Agent("agent-a", perMinute: 1)));

        Assert.Equal("scope.within", other.Rule);
        Assert.Equal("limits.rate", same.Rule);
    }

    [Fact]
    public async Task EvaluateAsync_AllowedThenRefusedThenAllowedAgain_EachCallGetsItsOwnDecision()
    {
        var sut = CreateSut();

        var first = await sut.EvaluateAsync(TestPolicy.Context());
        var again = await sut.EvaluateAsync(TestPolicy.Context());
        var refused = await sut.EvaluateAsync(TestPolicy.Context(step: TestPolicy.Step(tool: "pull_request_merge")));
        var third = await sut.EvaluateAsync(TestPolicy.Context());

        Assert.Equal(first, again);
        Assert.Equal((Verdict.Allow, "scope.within"), (first.Verdict, first.Rule));
        Assert.Equal((Verdict.Deny, "scope.allow-list"), (refused.Verdict, refused.Rule));
        Assert.Equal(first, third);
        Assert.Contains("(rule scope.within,", first.Reason, StringComparison.Ordinal);
    }

    private ActionScopeLayer CreateSut() => new(TestPolicy.Policy.Limits, new AgentRateLimiter(_time));

    private static JsonArray Files(int count, int contentLength) =>
        new(Enumerable.Range(0, count)
            .Select(i => (JsonNode)new JsonObject { ["path"] = $"platform/file-{i}.yaml", ["content"] = new string('x', contentLength) })
            .ToArray());
}
