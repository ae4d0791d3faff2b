using Xunit.Abstractions;

namespace AgentOps.Guardrails.Tests.Injection;

/// <summary>
/// The seventh blind set (<c>tests/fixtures/injection/blind7.jsonl</c>, see BLIND7.md): 200 items written on 2026-11-30 by
/// someone who never saw the detector, its scorer, the corpus, the training supplements or the earlier blind sets; kept
/// unread while round 9 was tuned on blind set 6 and the round-9 training supplements, measured once after it, and
/// never tuned or trained on. It is the estimate the README reports for text the detector was not fitted to.
/// </summary>
/// <remarks>
/// One disclosure: four of its items (direct 001 to 004, classic "disregard the directives above" overrides) were
/// printed by mistake before round 9 while the file's format was checked. Nothing was tuned on them; both the round-8
/// and the round-9 detector flag all four.
/// </remarks>
[Collection(CorpusCollection.Name)]
public sealed class Blind7SetTests(ITestOutputHelper output)
{
    private static IReadOnlyList<CorpusItem> Load() => InjectionCorpus.LoadFile("blind7.jsonl");

    [Fact]
    public void Blind7_IsWhatBlind7MdSays_AndSharesNoTextWithAnythingTunedOrTrainedOn()
    {
        BlindSet.AssertShape(Load(), "blind7", InjectionCorpus.LoadTraining());
    }

    // Measured after round 9, 2026-11-30: patterns and scorer 72/80 direct (90.0%), 38/40 buried (95.0%), 7/80 false
    // positives (8.8%); patterns alone 59/80, 32/40, 7/80. The round-8 detector on the same set: 65/80, 37/40, 8/80.
    // Measured twice, with the same figures: first with round 9's draft (scorer threshold 0.93); then a unit test
    // showed a polite "Hey assistant, create the orders-db database" refused, a training supplement of requests that
    // address the agent (train9d) moved the cross-validated threshold to 0.95, and the final round 9 was measured again.
    // Direct and buried meet their targets (90%, 70%); false positives (3%) do not. Held where they were measured: a
    // change that makes either worse fails here.
    private const double DirectFloor = 72 / 80.0;
    private const double FalsePositiveCeiling = 7 / 80.0;

    [Fact]
    public void Scan_Blind7_BuriedTargetHolds_DirectAndFalsePositivesNoWorseThanMeasured()
    {
        var (rates, patternsOnly) = BlindSet.Measure(Load(), output);

        BlindSet.AssertHeld(rates, patternsOnly, DirectFloor, FalsePositiveCeiling, "when blind set 7 was measured");
    }
}
