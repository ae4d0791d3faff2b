using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Orchestration.Execution;

namespace AgentOps.Orchestration.Tests.Execution;

public sealed class RunStateTests
{
    [Fact]
    public void FromJson_ToJsonOfAFullState_RoundTripsEveryField()
    {
        var state = new RunState();
        state.Results["branch"] = new JsonObject { ["branch"] = "agentops/orders-db" };
        state.Results["pr"] = new JsonObject { ["number"] = 7, ["labels"] = new JsonArray("db") };
        state.Results["empty"] = null;
        state.Registered.AddRange(["branch", "pr"]);
        state.Decisions.Add(new StepDecision("branch", "L2.scope", Verdict.Allow, "scope.within", "ok"));
        state.Decisions.Add(new StepDecision("check", "L3.approval", Verdict.Pause, "approval.critical-step", "wait"));
        state.DelegationChain = ["alice@example.com → planner", "planner → infra-provisioner"];
        state.NoteAudit(3);
        state.NoteAudit(9);
        state.Compensated.Add("pr");

        var sut = RunState.FromJson(state.ToJson());

        Assert.Equal(["branch", "pr", "empty"], sut.Results.Keys);
        Assert.Equal("""{"branch":"agentops/orders-db"}""", sut.Results["branch"]!.ToJsonString());
        Assert.Equal(7, sut.Results["pr"]!["number"]!.GetValue<int>());
        Assert.Equal("""["db"]""", sut.Results["pr"]!["labels"]!.ToJsonString());
        Assert.Null(sut.Results["empty"]);
        Assert.Equal(["branch", "pr"], sut.Registered);
        Assert.Equal(state.Decisions, sut.Decisions);
        Assert.Equal(state.DelegationChain, sut.DelegationChain);
        Assert.Equal((3L, 9L), (sut.FirstAuditSequence, sut.LastAuditSequence));
        Assert.Equal(["pr"], sut.Compensated);
        Assert.Equal(state.ToJson(), sut.ToJson());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("{}")]
    [InlineData("null")]
    public void FromJson_NothingStored_GivesAnEmptyState(string? json)
    {
        var sut = RunState.FromJson(json);

        Assert.Empty(sut.Results);
        Assert.Empty(sut.Registered);
        Assert.Empty(sut.Decisions);
        Assert.Empty(sut.Compensated);
        Assert.Null(sut.FirstAuditSequence);
    }

    [Fact]
    public void FromJson_StoredResults_LooksUpStepIdsOrdinally()
    {
        var state = new RunState();
        state.Results["PR"] = new JsonObject();

        var sut = RunState.FromJson(state.ToJson());

        Assert.True(sut.Results.ContainsKey("PR"));
        Assert.False(sut.Results.ContainsKey("pr"));
    }

    [Fact]
    public void NoteAudit_SeveralSequences_KeepsFirstAndMovesLastIgnoringNull()
    {
        var sut = new RunState();

        sut.NoteAudit(null);
        var afterNull = (sut.FirstAuditSequence, sut.LastAuditSequence);
        sut.NoteAudit(4);
        sut.NoteAudit(5);
        sut.NoteAudit(null);

        Assert.Equal(((long?)null, (long?)null), afterNull);
        Assert.Equal((4L, 5L), (sut.FirstAuditSequence, sut.LastAuditSequence));
    }
}
