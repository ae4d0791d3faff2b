namespace AgentOps.Guardrails.Injection;

/// <summary>
/// The trained scorer as the screen uses it, from <c>classifier:</c> in <c>guardrails/injection.yaml</c>: at or above
/// <paramref name="Threshold"/> it adds a reason weighing the channel's entry of <paramref name="ChannelWeights"/>, like a
/// pattern; a channel without an entry (or with 0) does not run it.
/// </summary>
public sealed record InjectionClassifierRule(InjectionClassifier Model, string ModelFile, double Threshold, IReadOnlyDictionary<ScanChannel, double> ChannelWeights)
{
    /// <summary>The id a reason and a refusal name (<c>injection.classifier</c>).</summary>
    public const string Id = "classifier";

    public double WeightOn(ScanChannel channel) => ChannelWeights.TryGetValue(channel, out var weight) ? weight : 0;
}
