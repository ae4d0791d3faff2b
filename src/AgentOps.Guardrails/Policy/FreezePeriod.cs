namespace AgentOps.Guardrails.Policy;

/// <summary>A period in which no write step runs, as wall-clock times in its zone: [From, To).</summary>
public sealed record FreezePeriod(string Id, DateTime From, DateTime To, TimeZoneInfo TimeZone, string? Reason, int Line)
{
    public bool Contains(DateTimeOffset time)
    {
        var local = TimeZoneInfo.ConvertTime(time, TimeZone).DateTime;
        return local >= From && local < To;
    }
}
