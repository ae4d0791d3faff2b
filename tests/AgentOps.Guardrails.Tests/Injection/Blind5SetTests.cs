using Xunit.Abstractions;

namespace AgentOps.Guardrails.Tests.Injection;

/// <summary>
/// The fifth blind set (<c>tests/fixtures/injection/blind5.jsonl</c>, see BLIND5.md): 200 items written on 2026-11-30 by
/// someone who never saw the detector, its scorer, the corpus, the training supplements or the earlier blind sets; kept
/// unread while round 7 was tuned on blind set 4, measured once after it, and never tuned or trained on. It is the
/// estimate the README reports for text the detector was not fitted to.
/// </summary>
[Collection(CorpusCollection.Name)]
public sealed class Blind5SetTests(ITestOutputHelper output)
{
    private static IReadOnlyList<CorpusItem> Load() => InjectionCorpus.LoadFile("blind5.jsonl");

    [Fact]
    public void Blind5_IsWhatBlind5MdSays_AndSharesNoTextWithAnythingTunedOrTrainedOn()
    {
        BlindSet.AssertShape(Load(), "blind5", InjectionCorpus.LoadTraining());
    }

    // Measured once, 2026-11-30, after round 7: patterns and scorer 64/80 direct (80.0%), 36/40 buried (90.0%), 8/80
    // false positives (10.0%); patterns alone 59/80, 34/40, 8/80. Buried meets its target (70%); direct (90%) and false
    // positives (3%) do not, so those two are held where they were measured: a change that makes either worse fails here.
    private const double DirectFloor = 64 / 80.0;
    private const double FalsePositiveCeiling = 8 / 80.0;

    [Fact]
    public void Scan_Blind5_BuriedTargetHolds_DirectAndFalsePositivesNoWorseThanMeasured()
    {
        var (rates, patternsOnly) = BlindSet.Measure(Load(), output);

        BlindSet.AssertHeld(rates, patternsOnly, DirectFloor, FalsePositiveCeiling, "when blind set 5 was measured");
    }
}
