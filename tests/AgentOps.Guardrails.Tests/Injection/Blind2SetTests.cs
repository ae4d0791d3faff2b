using Xunit.Abstractions;

namespace AgentOps.Guardrails.Tests.Injection;

/// <summary>
/// The second blind set (<c>tests/fixtures/injection/blind2.jsonl</c>, see BLIND2.md): 200 items written on 2026-11-30 by
/// someone who never saw the detector, the corpus or the first blind set, while the trained scorer was being built;
/// measured once with the patterns and scorer of that day, then its false positives were tuned on (round 5).
/// </summary>
[Collection(CorpusCollection.Name)]
public sealed class Blind2SetTests(ITestOutputHelper output)
{
    private static IReadOnlyList<CorpusItem> Load() => InjectionCorpus.LoadFile("blind2.jsonl");

    [Fact]
    public void Blind2_IsWhatBlind2MdSays_AndSharesNoTextWithTheCorpusOrTheFirstBlindSet()
    {
        BlindSet.AssertShape(Load(), "blind2", InjectionCorpus.Load().Concat(InjectionCorpus.LoadFile("blind.jsonl")));
    }

    // Measured blind once, 2026-11-30, with the patterns and trained scorer of commit "TextScreen: normalises through
    // TextNormalisation": patterns and scorer 64/80 direct, 36/40 buried, 7/80 false positives; patterns alone 51/80,
    // 33/40, 4/80. Then its false positives (and blind set 1's) were read and the five patterns they hit were
    // narrowed by technique (round 5, patterns only; see SOURCES.md): 4/80 with the scorer, 1/80 without. After round
    // 6 (the scorer trained on it): 70/80, 35/40, 1/80. Blind set 4 is the estimate now; this test holds the figures
    // here so that a change that makes either worse fails.
    private const double DirectFloor = 70 / 80.0;
    private const double FalsePositiveCeiling = 1 / 80.0;

    [Fact]
    public void Scan_Blind2_BuriedTargetHolds_DirectAndFalsePositivesNoWorseThanAfterRound6()
    {
        var (rates, patternsOnly) = BlindSet.Measure(Load(), output);

        BlindSet.AssertHeld(rates, patternsOnly, DirectFloor, FalsePositiveCeiling, "after round 6");
    }
}
