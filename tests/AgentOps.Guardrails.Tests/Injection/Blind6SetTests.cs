using Xunit.Abstractions;

namespace AgentOps.Guardrails.Tests.Injection;

/// <summary>
/// The sixth blind set (<c>tests/fixtures/injection/blind6.jsonl</c>, see BLIND6.md): 200 items written on 2026-11-30 by
/// someone who never saw the detector, its scorer, the corpus, the training supplements or the earlier blind sets; kept
/// unread while round 8 was tuned on blind set 5 and the training supplements, measured once after it, and never tuned
/// or trained on. It is the estimate the README reports for text the detector was not fitted to.
/// </summary>
[Collection(CorpusCollection.Name)]
public sealed class Blind6SetTests(ITestOutputHelper output)
{
    private static IReadOnlyList<CorpusItem> Load() => InjectionCorpus.LoadFile("blind6.jsonl");

    [Fact]
    public void Blind6_IsWhatBlind6MdSays_AndSharesNoTextWithAnythingTunedOrTrainedOn()
    {
        BlindSet.AssertShape(Load(), "blind6", InjectionCorpus.LoadTraining());
    }

    // Measured once, 2026-11-30, after round 8: patterns and scorer 58/80 direct (72.5%), 30/40 buried (75.0%), 7/80
    // false positives (8.7%); patterns alone 48/80, 29/40, 7/80. Buried meets its target (70%); direct (90%) and false
    // positives (3%) do not, so those two are held where they were measured: a change that makes either worse fails here.
    private const double DirectFloor = 58 / 80.0;
    private const double FalsePositiveCeiling = 7 / 80.0;

    [Fact]
    public void Scan_Blind6_BuriedTargetHolds_DirectAndFalsePositivesNoWorseThanMeasured()
    {
        var (rates, patternsOnly) = BlindSet.Measure(Load(), output);

        BlindSet.AssertHeld(rates, patternsOnly, DirectFloor, FalsePositiveCeiling, "when blind set 6 was measured");
    }
}
