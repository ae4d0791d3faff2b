using Xunit.Abstractions;

namespace AgentOps.Guardrails.Tests.Injection;

/// <summary>
/// The fourth blind set (<c>tests/fixtures/injection/blind4.jsonl</c>, see BLIND4.md): 200 items written on 2026-11-30 by
/// someone who never saw the detector, its scorer, the corpus, the training supplements or the earlier blind sets;
/// measured once, after round 6. Round 7 then tuned patterns on it and trained the scorer on it, so it is a tuned set
/// now and blind set 5 is the estimate.
/// </summary>
[Collection(CorpusCollection.Name)]
public sealed class Blind4SetTests(ITestOutputHelper output)
{
    private static IReadOnlyList<CorpusItem> Load() => InjectionCorpus.LoadFile("blind4.jsonl");

    [Fact]
    public void Blind4_IsWhatBlind4MdSays_AndSharesNoTextWithTheOtherSets()
    {
        BlindSet.AssertShape(Load(), "blind4", InjectionCorpus.LoadTraining().Where(i => i.Split != "blind4"));
    }

    // Measured once, 2026-11-30, after round 6: patterns and scorer 53/80 direct (66.2%), 31/40 buried (77.5%), 11/80
    // false positives (13.8%); patterns alone 46/80, 26/40, 11/80. After round 7 (tuned and trained on it): 80/80,
    // 40/40, 0/80; patterns alone 79/80, 35/40, 0/80. Held there: a change that makes either worse fails here.
    private const double DirectFloor = 80 / 80.0;
    private const double FalsePositiveCeiling = 0 / 80.0;

    [Fact]
    public void Scan_Blind4_BuriedTargetHolds_DirectAndFalsePositivesNoWorseThanAfterRound7()
    {
        var (rates, patternsOnly) = BlindSet.Measure(Load(), output);

        BlindSet.AssertHeld(rates, patternsOnly, DirectFloor, FalsePositiveCeiling, "after round 7");
    }
}
