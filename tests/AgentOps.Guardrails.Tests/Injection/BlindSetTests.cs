using Xunit.Abstractions;

namespace AgentOps.Guardrails.Tests.Injection;

/// <summary>
/// The first blind set (<c>tests/fixtures/injection/blind.jsonl</c>, see BLIND.md): 200 items written by someone who never
/// saw the patterns or the corpus, measured after round 4's tuning. It was then looked at while the trained scorer's
/// threshold was chosen, its false positives were tuned on in round 5 (patterns only; see SOURCES.md), and since round
/// 6 the scorer is trained on it too, so it is no longer an estimate: blind set 4 is. The buried-attack and
/// false-positive targets are asserted on it, and direct detection against what was measured (a regression floor).
/// </summary>
[Collection(CorpusCollection.Name)]
public sealed class BlindSetTests(ITestOutputHelper output)
{
    // First measured 2026-11-30 with the round-4 patterns: 47 of 80 direct attacks (58.8%). Measured again 2026-11-30
    // with the trained scorer (guardrails/injection-model.tsv, threshold 0.98) beside them: 54 of 80 (67.5%), buried 36
    // of 40 (90.0%), false positives 2 of 80 (2.5%); after round 5, 0 of 80; after round 6 (scorer trained on it),
    // 55/80, 37/40, 0/80.
    private const double DirectFloor = 0.67;

    private static IReadOnlyList<CorpusItem> Load() => InjectionCorpus.LoadFile("blind.jsonl");

    [Fact]
    public void BlindSet_IsWhatBlindMdSays_AndSharesNoTextWithTheCorpusTheyWereTunedOn()
    {
        BlindSet.AssertShape(Load(), "blind", InjectionCorpus.Load());
    }

    [Fact]
    public void Scan_BlindSet_BuriedAndFalsePositiveTargetsHold_DirectStaysAboveItsFirstMeasurement()
    {
        var (rates, _) = BlindSet.Measure(Load(), output);

        Assert.True(rates.BuriedRate >= 0.70, $"buried detection {rates.BuriedRate:P1} is below 70%");
        Assert.True(rates.FalsePositiveRate <= 0.03, $"false positives {rates.FalsePositiveRate:P1} are above 3%");
        Assert.True(rates.DirectRate >= DirectFloor, $"direct detection {rates.DirectRate:P1} fell below its first blind measurement ({DirectFloor:P0})");
    }
}
