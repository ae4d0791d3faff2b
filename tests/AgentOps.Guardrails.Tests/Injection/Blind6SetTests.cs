using Xunit.Abstractions;

namespace AgentOps.Guardrails.Tests.Injection;

/// <summary>
/// The sixth blind set (<c>tests/fixtures/injection/blind6.jsonl</c>, see BLIND6.md): 200 items written on 2026-11-30 by
/// someone who never saw the detector, its scorer, the corpus, the training supplements or the earlier blind sets; kept
/// unread while round 8 was tuned on blind set 5 and the training supplements, and measured once after it. Round 9 then
/// tuned patterns on it and trained the scorer on it, so it is a tuned set now and blind set 7 is the estimate.
/// </summary>
[Collection(CorpusCollection.Name)]
public sealed class Blind6SetTests(ITestOutputHelper output)
{
    private static IReadOnlyList<CorpusItem> Load() => InjectionCorpus.LoadFile("blind6.jsonl");

    [Fact]
    public void Blind6_IsWhatBlind6MdSays_AndSharesNoTextWithTheOtherSets()
    {
        BlindSet.AssertShape(Load(), "blind6", InjectionCorpus.LoadTraining().Where(i => i.Split != "blind6"));
    }

    // Measured once, 2026-11-30, after round 8: patterns and scorer 58/80 direct (72.5%), 30/40 buried (75.0%), 7/80
    // false positives (8.7%); patterns alone 48/80, 29/40, 7/80. After round 9 (tuned and trained on it): 73/80, 32/40,
    // 5/80; patterns alone 60/80, 29/40, 5/80. Held there: a change that makes either worse fails here.
    private const double DirectFloor = 73 / 80.0;
    private const double FalsePositiveCeiling = 5 / 80.0;

    [Fact]
    public void Scan_Blind6_BuriedTargetHolds_DirectAndFalsePositivesNoWorseThanAfterRound9()
    {
        var (rates, patternsOnly) = BlindSet.Measure(Load(), output);

        BlindSet.AssertHeld(rates, patternsOnly, DirectFloor, FalsePositiveCeiling, "after round 9");
    }
}
