using System.Text.Json.Nodes;
using AgentOps.Core;

namespace AgentOps.Guardrails.Tests;

public sealed class RollbackJournalTests
{
    [Fact]
    public void Pending_UnknownRun_IsEmpty()
    {
        var sut = new RollbackJournal();

        Assert.Empty(sut.Pending("run-unknown"));
    }

    [Fact]
    public void Register_ThreeSteps_PendingIsNewestFirst()
    {
        var sut = new RollbackJournal();

        sut.Register("run-1", "a", Undo("a"));
        sut.Register("run-1", "b", Undo("b"));
        sut.Register("run-1", "c", Undo("c"));

        Assert.Equal(["c", "b", "a"], sut.Pending("run-1").Select(p => p.StepId));
        Assert.Equal(["undo-c", "undo-b", "undo-a"], sut.Pending("run-1").Select(p => p.Compensation.Tool));
    }

    [Fact]
    public void Register_SameStepAgain_ReplacesAndMovesItToNewest()
    {
        var sut = new RollbackJournal();
        sut.Register("run-1", "a", Undo("a"));
        sut.Register("run-1", "b", Undo("b"));

        sut.Register("run-1", "a", Undo("a2"));

        Assert.Equal([("a", "undo-a2"), ("b", "undo-b")], sut.Pending("run-1").Select(p => (p.StepId, p.Compensation.Tool)));
    }

    [Fact]
    public void Register_TwoRuns_KeepsThemApart()
    {
        var sut = new RollbackJournal();

        sut.Register("run-1", "a", Undo("a"));
        sut.Register("run-2", "b", Undo("b"));

        Assert.Equal(["a"], sut.Pending("run-1").Select(p => p.StepId));
        Assert.Equal(["b"], sut.Pending("run-2").Select(p => p.StepId));
    }

    [Fact]
    public void Restore_ReplacesTheRunsEntriesInRegistrationOrder()
    {
        var sut = new RollbackJournal();
        sut.Register("run-1", "stale", Undo("stale"));

        sut.Restore("run-1", [("a", Undo("a")), ("b", Undo("b"))]);

        Assert.Equal(["b", "a"], sut.Pending("run-1").Select(p => p.StepId));
    }

    [Fact]
    public void Pending_ReturnsASnapshot_LaterRegistrationsDoNotChangeIt()
    {
        var sut = new RollbackJournal();
        sut.Register("run-1", "a", Undo("a"));
        var snapshot = sut.Pending("run-1");

        sut.Register("run-1", "b", Undo("b"));

        Assert.Equal(["a"], snapshot.Select(p => p.StepId));
    }

    private static Compensation Undo(string name) => new("undo-" + name, new JsonObject(), TestPolicy.WriteScope);
}
