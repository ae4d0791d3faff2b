using System.Text.RegularExpressions;

namespace AgentOps.Planning.Reading;

/// <summary>
/// Finds what a request asks for that the skill recognises but cannot honour (read replicas, an engine
/// version, deleting a database), so the planner refuses instead of planning without it. A match counts
/// only as whole words, and not when the word before it negates it: "no replicas" asks for nothing extra.
/// </summary>
internal sealed class RequirementScreen(IReadOnlyList<UnsupportedRequirement> requirements)
{
    private readonly IReadOnlyList<(UnsupportedRequirement Requirement, Regex Pattern)> _patterns = requirements
        .Select(r => (r, new Regex(r.Pattern, RegexOptions.CultureInvariant, RequestReader.MatchTimeout)))
        .ToList();

    /// <summary>Every requirement the request states, in the skill's order, each with the distinct words found.</summary>
    public IReadOnlyList<RequirementMatch> Find(RequestText text)
    {
        var current = text.Current;
        var found = new List<RequirementMatch>();
        foreach (var (requirement, pattern) in _patterns)
        {
            foreach (Match match in pattern.Matches(current))
            {
                if (match.Length > 0 && RequestText.IsWholeWord(current, match.Index, match.Length) && !RequestText.IsNegated(current, match.Index))
                {
                    found.Add(new RequirementMatch(requirement, string.Join(' ', match.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))));
                }
            }
        }
        return found.DistinctBy(m => (m.Requirement.Id, m.Found)).ToList();
    }
}
