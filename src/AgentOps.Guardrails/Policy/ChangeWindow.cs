namespace AgentOps.Guardrails.Policy;

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
