namespace AgentOps.Guardrails.Tests.Injection;

/// <summary>
/// The eighth blind set (<c>tests/fixtures/injection/blind8.jsonl</c>, see BLIND8.md): 200 items written on 2026-11-30 by
/// someone who never saw the detector, its scorer, the corpus, the training supplements or the earlier blind sets. It is
/// kept unread for the round that tunes on blind set 7, to measure that round afterwards, so only its shape is checked
/// here, and that it shares no text with anything the detector was tuned or trained on.
/// </summary>
/// <remarks>
/// One disclosure: its counts (no items) were printed once by mistake, with the round-8 detector, before round 9: direct
/// 64/80, buried 35/40, false positives 9/80. No item was read and nothing was tuned on it.
/// </remarks>
[Collection(CorpusCollection.Name)]
public sealed class Blind8SetTests
{
    [Fact]
    public void Blind8_IsWhatBlind8MdSays_AndSharesNoTextWithAnythingTunedOrTrainedOn()
    {
        BlindSet.AssertShape(InjectionCorpus.LoadFile("blind8.jsonl"), "blind8", InjectionCorpus.LoadTraining());
    }
}
