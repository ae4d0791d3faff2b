namespace AgentOps.Guardrails.Policy;

/// <summary>Upper bounds on one step's resources. Sizes are ordered smallest first.</summary>
public sealed record ResourceRule(IReadOnlyList<string> Sizes, string? MaxSize, int? MaxReplicas, long? MaxStorageMi, decimal? MonthlyCostCeiling, int Line)
{
    /// <summary>The line of each limit (<c>maxSize</c>, <c>maxReplicas</c>...), so a refusal points at the limit that decided.</summary>
    public IReadOnlyDictionary<string, int> Lines { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    public int LineOf(string field) => Lines.TryGetValue(field, out var line) ? line : Line;
}
