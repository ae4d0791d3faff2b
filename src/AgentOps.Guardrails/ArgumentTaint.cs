namespace AgentOps.Guardrails;

/// <summary>
/// Where a step's arguments came from, when some of it was untrusted: the earlier steps (or the request) whose output
/// the arguments were built from. <see cref="Quarantined"/> sources scored high enough on injection to be blocked:
/// nothing may be built from them.
/// </summary>
/// <param name="Sources">Each source as <c>steps.&lt;id&gt;</c> (or <c>request</c>), with why it is untrusted.</param>
public sealed record ArgumentTaint(IReadOnlyList<TaintSource> Sources)
{
    public static ArgumentTaint None { get; } = new([]);

    public bool IsTainted => Sources.Count > 0;

    public bool Quarantined => Sources.Any(s => s.Quarantined);

    public string Describe() => string.Join("; ", Sources.Select(s => $"{s.Name} ({s.Why})"));
}

/// <summary>One untrusted source of a step's arguments.</summary>
public sealed record TaintSource(string Name, string Why, bool Quarantined = false);
