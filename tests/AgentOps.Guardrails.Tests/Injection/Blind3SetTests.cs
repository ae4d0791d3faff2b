using Xunit.Abstractions;

namespace AgentOps.Guardrails.Tests.Injection;

/// <summary>
/// The third blind set (<c>tests/fixtures/injection/blind3.jsonl</c>, see BLIND3.md): 200 items written on 2026-11-30 by
/// someone who never saw the detector, its scorer, the corpus or the earlier blind sets; measured once, after round 5.
/// Round 6 then tuned patterns on it and trained the scorer on it, so it is a tuned set now and blind set 4 is the
/// estimate the README reports.
/// </summary>
[Collection(CorpusCollection.Name)]
public sealed class Blind3SetTests(ITestOutputHelper output)
{
    private static IReadOnlyList<CorpusItem> Load() => InjectionCorpus.LoadFile("blind3.jsonl");

    [Fact]
    public void Blind3_IsWhatBlind3MdSays_AndSharesNoTextWithAnythingTunedOn()
    {
        BlindSet.AssertShape(Load(), "blind3", InjectionCorpus.Load().Concat(InjectionCorpus.LoadFile("blind.jsonl")).Concat(InjectionCorpus.LoadFile("blind2.jsonl")));
    }

    // Measured once, 2026-11-30, after round 5: patterns and scorer 67/80 direct (83.8%), 36/40 buried (90.0%), 12/80
    // false positives (15.0%); patterns alone 55/80, 31/40, 11/80. After round 6 (tuned and trained on it): 73/80,
    // 35/40, 7/80; patterns alone 66/80, 31/40, 7/80. Held there: a change that makes either worse fails here.
    private const double DirectFloor = 73 / 80.0;
    private const double FalsePositiveCeiling = 7 / 80.0;

    [Fact]
    public void Scan_Blind3_BuriedTargetHolds_DirectAndFalsePositivesNoWorseThanAfterRound6()
    {
        var (rates, patternsOnly) = BlindSet.Measure(Load(), output);

        BlindSet.AssertHeld(rates, patternsOnly, DirectFloor, FalsePositiveCeiling, "after round 6");
    }
}
