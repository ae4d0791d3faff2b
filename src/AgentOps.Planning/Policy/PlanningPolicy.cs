using System.Text.RegularExpressions;
using AgentOps.Planning.Yaml;

namespace AgentOps.Planning;

/// <summary>
/// The part of <c>guardrails/policy.yaml</c> a planner needs: the regions a plan may target and the
/// teams, with their namespaces, size limits and members. Loading is strict so a typo fails loudly.
/// </summary>
public sealed partial class PlanningPolicy
{
    public PlanningPolicy(IEnumerable<string> allowedRegions, IEnumerable<TeamPolicy> teams)
    {
        ArgumentNullException.ThrowIfNull(allowedRegions);
        ArgumentNullException.ThrowIfNull(teams);
        AllowedRegions = allowedRegions.ToList();
        Teams = teams.ToList();
        if (Problem() is { } problem)
        {
            throw new ArgumentException(problem);
        }
    }

    public IReadOnlyList<string> AllowedRegions { get; }

    public IReadOnlyList<TeamPolicy> Teams { get; }

    /// <exception cref="InvalidDataException">The file is malformed, has an unknown key, or breaks a rule; the message names it.</exception>
    public static PlanningPolicy Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var document = StrictYaml.Load<PolicyDocument>(path);
        if (document.Regions?.Allowed is not { } allowed)
        {
            throw new InvalidDataException($"{path}: regions.allowed is required.");
        }
        var teams = (document.Teams ?? []).Select((t, i) => new TeamPolicy(
            Require(t.Name, $"teams[{i}].name", path),
            Require(t.Namespace, $"teams[{i}].namespace", path),
            Require(t.MaxSize, $"teams[{i}].maxSize", path),
            t.Members ?? []));
        try
        {
            return new PlanningPolicy(allowed, teams);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
    }

    public bool IsRegionAllowed(string region) => AllowedRegions.Contains(region, StringComparer.Ordinal);

    /// <summary>The team whose name or namespace is <paramref name="nameOrNamespace"/>, if any.</summary>
    public TeamPolicy? FindTeam(string nameOrNamespace) => Teams.FirstOrDefault(t =>
        string.Equals(t.Name, nameOrNamespace, StringComparison.Ordinal) || string.Equals(t.Namespace, nameOrNamespace, StringComparison.Ordinal));

    public IReadOnlyList<TeamPolicy> TeamsOf(string requester) => Teams.Where(t => t.HasMember(requester)).ToList();

    private string? Problem()
    {
        if (AllowedRegions.Count == 0)
        {
            return "regions.allowed must list at least one region.";
        }
        if (AllowedRegions.FirstOrDefault(r => !RegionId().IsMatch(r ?? "")) is { } region)
        {
            return $"regions.allowed: '{region}' is not a region id such as eu-west-1.";
        }
        if (Teams.FirstOrDefault(t => !DnsLabel().IsMatch(t.Namespace)) is { } team)
        {
            return $"team '{team.Name}': namespace '{team.Namespace}' is not a valid Kubernetes namespace.";
        }
        if ((FirstDuplicate(AllowedRegions) ?? FirstDuplicate(Teams.Select(t => t.Name)) ?? FirstDuplicate(Teams.Select(t => t.Namespace))) is { } twice)
        {
            return $"'{twice}' is listed more than once.";
        }
        // A team is found by its name or its namespace, so one team's name must not be another's namespace.
        if (Teams.FirstOrDefault(t => Teams.Any(o => o != t && string.Equals(o.Namespace, t.Name, StringComparison.Ordinal))) is { } clash)
        {
            return $"team '{clash.Name}': its name is another team's namespace.";
        }
        return null;
    }

    private static string? FirstDuplicate(IEnumerable<string> values) =>
        values.GroupBy(v => v, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;

    private static string Require(string? value, string what, string path) =>
        string.IsNullOrWhiteSpace(value) ? throw new InvalidDataException($"{path}: {what} is required.") : value;

    [GeneratedRegex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]{1,2}$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionId();

    [GeneratedRegex("^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsLabel();
}
