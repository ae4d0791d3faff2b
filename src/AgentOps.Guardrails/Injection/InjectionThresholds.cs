namespace AgentOps.Guardrails.Injection;

/// <summary>A channel's score thresholds: at or above <paramref name="Flag"/> the text is flagged, at or above <paramref name="Block"/> refused.</summary>
public sealed record ChannelThresholds(double Flag, double Block)
{
    public ScanVerdict Judge(double score) => score >= Block ? ScanVerdict.Block : score >= Flag ? ScanVerdict.Flag : ScanVerdict.Allow;
}

/// <summary>The thresholds of every channel, from <c>thresholds:</c> in <c>guardrails/injection.yaml</c>.</summary>
public sealed record InjectionThresholds(IReadOnlyDictionary<ScanChannel, ChannelThresholds> Channels)
{
    /// <summary>One pattern of weight 1 blocks on every channel; nothing is flagged short of that.</summary>
    public static InjectionThresholds Default { get; } = new(Enum.GetValues<ScanChannel>().ToDictionary(c => c, _ => new ChannelThresholds(1.0, 1.0)));

    public ChannelThresholds For(ScanChannel channel) => Channels.TryGetValue(channel, out var thresholds) ? thresholds : Default.Channels[channel];
}
