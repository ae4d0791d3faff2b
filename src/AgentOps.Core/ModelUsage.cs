using System.Globalization;

namespace AgentOps.Core;

/// <summary>
/// What a model cost one run: calls, tokens in and out, and an estimate in US dollars from the configured prices
/// (null when no price is configured: an unknown cost is not shown as zero).
/// </summary>
public sealed record ModelUsage(string Model, int Calls, long InputTokens, long OutputTokens, decimal? EstimatedCostUsd)
{
    public long TotalTokens => InputTokens + OutputTokens;

    public ModelUsage Add(ModelUsage other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new ModelUsage(Model, Calls + other.Calls, InputTokens + other.InputTokens, OutputTokens + other.OutputTokens,
            EstimatedCostUsd is null && other.EstimatedCostUsd is null ? null : (EstimatedCostUsd ?? 0) + (other.EstimatedCostUsd ?? 0));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Model}: {Calls} call(s), {InputTokens} input + {OutputTokens} output tokens, estimated cost {(EstimatedCostUsd is { } cost ? $"${cost:0.######}" : "unknown (no price configured)")}");
}
