using System.Globalization;

namespace AgentOps.Storage;

/// <summary>
/// Timestamps are stored as ISO-8601 round-trip strings normalised to UTC, because then text order equals time order
/// and the "newest first" queries can sort and index the column directly.
/// </summary>
internal static class StorageTime
{
    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.ParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
