using System.Globalization;
using System.Text.RegularExpressions;

namespace AgentOps.Planning.Reading;

/// <summary>Finds storage amounts ("500GB", "1.5 tb", "2 terabytes") in normalised request text.</summary>
internal static partial class StorageAmounts
{
    public static IReadOnlyList<StorageAmount> Find(string text) =>
        Amount().Matches(text).Select(m => new StorageAmount(m.Value, ToGigabytes(m))).ToList();

    private static int ToGigabytes(Match match)
    {
        var number = decimal.Parse(match.Groups["number"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        // Binary units, as cloud providers bill disks: 1 TB here is 1024 GB.
        var factor = match.Groups["unit"].Value[0] switch
        {
            't' => 1024m,
            'g' => 1m,
            _ => 1m / 1024m,
        };
        return (int)Math.Min(int.MaxValue, Math.Ceiling(number * factor));
    }

    [GeneratedRegex(
        @"(?<![a-z0-9.-])(?<number>[0-9]{1,9}(?:\.[0-9]{1,3})?)\s?(?<unit>tib|tb|terabytes?|gib|gb|gigabytes?|mib|mb|megabytes?)(?![a-z0-9-])",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 500)]
    private static partial Regex Amount();
}
