namespace AgentOps.Guardrails.Policy;

/// <summary>Namespaces a write step may touch; a pattern may end in <c>*</c>. Denied wins.</summary>
public sealed record NamespaceRule(IReadOnlyList<string> Allowed, IReadOnlyList<string> Denied, int Line)
{
    public int AllowedLine { get; init; } = Line;

    public int DeniedLine { get; init; } = Line;

    public static bool Matches(string pattern, string name) =>
        pattern == "*" || (pattern.EndsWith('*') ? name.AsSpan().StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.Ordinal) : name == pattern);
}
