namespace AgentOps.Guardrails.Policy;

/// <summary>
/// L2 policy as data, from <c>guardrails/scope.yaml</c> (checked against <c>scope.schema.json</c> by
/// <see cref="ActionPolicyLoader"/>). Every part remembers the line it came from, so a decision can name its rule's
/// source. An empty part constrains nothing; the AIAgent spec and <see cref="ResourceLimits"/> still apply.
/// </summary>
public sealed record ActionPolicy(
    string File,
    IReadOnlyDictionary<string, AgentRule> Agents,
    NamespaceRule Namespaces,
    ResourceRule Resources,
    IReadOnlyList<ChangeWindow> ChangeWindows,
    IReadOnlyList<FreezePeriod> Freezes,
    BlastRadiusRule BlastRadius,
    RateRule? PerAgentRate,
    RateRule? PerTenantRate,
    IReadOnlyDictionary<string, string> TenantOfMember)
{
    /// <summary>A policy that adds nothing to the AIAgent spec and the resource limits.</summary>
    public static ActionPolicy Empty { get; } = new(
        "(none)",
        new Dictionary<string, AgentRule>(StringComparer.Ordinal),
        new NamespaceRule([], [], 0),
        new ResourceRule([], null, null, null, null, 0),
        [],
        [],
        new BlastRadiusRule(null, null, 0),
        null,
        null,
        new Dictionary<string, string>(StringComparer.Ordinal));

    /// <summary>Where a rule of this policy is written: <c>file:line</c>.</summary>
    public string Source(int line) => line > 0 ? $"{File}:{line}" : File;

    /// <summary>The tenant a requester belongs to; a requester in no tenant is a tenant of its own.</summary>
    public string TenantOf(string requester) => TenantOfMember.TryGetValue(requester, out var tenant) ? tenant : requester;
}

/// <summary>The tools (<c>server/tool</c>, <c>server/*</c>) and scope verbs (<c>server:verb</c>) one agent may use.</summary>
public sealed record AgentRule(string Agent, IReadOnlyList<string> Tools, IReadOnlyList<string>? Verbs, int Line)
{
    public bool AllowsTool(string server, string tool) =>
        Tools.Any(t => t == $"{server}/{tool}" || t == $"{server}/*");

    public bool AllowsVerb(string server, string verb) =>
        Verbs is null || Verbs.Any(v => v == $"{server}:{verb}" || v == $"{server}:*" || v == $"*:{verb}" || v == "*:*");
}

/// <summary>Namespaces a write step may touch; a pattern may end in <c>*</c>. Denied wins.</summary>
public sealed record NamespaceRule(IReadOnlyList<string> Allowed, IReadOnlyList<string> Denied, int Line)
{
    public int AllowedLine { get; init; } = Line;

    public int DeniedLine { get; init; } = Line;

    public static bool Matches(string pattern, string name) =>
        pattern == "*" || (pattern.EndsWith('*') ? name.StartsWith(pattern[..^1], StringComparison.Ordinal) : name == pattern);
}

/// <summary>Upper bounds on one step's resources. Sizes are ordered smallest first.</summary>
public sealed record ResourceRule(IReadOnlyList<string> Sizes, string? MaxSize, int? MaxReplicas, long? MaxStorageMi, decimal? MonthlyCostCeiling, int Line)
{
    /// <summary>The line of each limit (<c>maxSize</c>, <c>maxReplicas</c>...), so a refusal points at the limit that decided.</summary>
    public IReadOnlyDictionary<string, int> Lines { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    public int LineOf(string field) => Lines.TryGetValue(field, out var line) ? line : Line;
}

/// <summary>Weekly wall-clock hours in which write steps may run.</summary>
public sealed record ChangeWindow(string Id, IReadOnlySet<DayOfWeek> Days, TimeOnly From, TimeOnly To, TimeZoneInfo TimeZone, int Line)
{
    public bool Contains(DateTimeOffset time)
    {
        var local = TimeZoneInfo.ConvertTime(time, TimeZone);
        var clock = TimeOnly.FromDateTime(local.DateTime);
        // "to: 24:00" is read as the end of the day.
        return Days.Contains(local.DayOfWeek) && clock >= From && (To == TimeOnly.MinValue ? true : clock < To);
    }
}

/// <summary>A period in which no write step runs, as wall-clock times in its zone: [From, To).</summary>
public sealed record FreezePeriod(string Id, DateTime From, DateTime To, TimeZoneInfo TimeZone, string? Reason, int Line)
{
    public bool Contains(DateTimeOffset time)
    {
        var local = TimeZoneInfo.ConvertTime(time, TimeZone).DateTime;
        return local >= From && local < To;
    }
}

/// <summary>The most objects one run, and all runs in an hour, may change.</summary>
public sealed record BlastRadiusRule(int? PerRun, int? PerHour, int Line)
{
    public int PerRunLine { get; init; } = Line;

    public int PerHourLine { get; init; } = Line;
}

/// <summary>At most <paramref name="Permits"/> tool calls in any <paramref name="Window"/>.</summary>
public sealed record RateRule(int Permits, TimeSpan Window, int Line);
