using AgentOps.Core;
using AgentOps.Planning.Reading;
using AgentOps.Planning.Runbook;

namespace AgentOps.Planning;

/// <summary>
/// The offline, deterministic planner: no network and no model. It picks the skill whose triggers the
/// request names, reads each parameter through the skill's synonyms and cues, applies the planning
/// policy, and renders the skill's step template. Whatever it cannot read for certain, it asks about.
/// </summary>
public sealed class RunbookPlanner(SkillCatalog catalog, PlanningPolicy policy) : IPlanner
{
    private readonly IReadOnlyList<RequestReader> _readers = CreateReaders(catalog, policy);

    public string Name => "runbook";

    public Task<PlanningOutcome> PlanAsync(Goal goal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(goal);
        cancellationToken.ThrowIfCancellationRequested();
        // All the work is in memory and quick; a completed task keeps the contract without a thread hop.
        return Task.FromResult(Plan(goal));
    }

    private PlanningOutcome Plan(Goal goal)
    {
        var text = new RequestText(goal.Text ?? "");
        if (text.IsEmpty)
        {
            var example = catalog.Skills.SelectMany(s => s.Examples).FirstOrDefault() ?? "provision a database";
            return new PlanningOutcome.Refused(PlanningRules.RequestEmpty, $"The request is empty. Say what you need, for example: \"{example}\".");
        }
        var candidates = _readers
            .Select(r => (Reader: r, Score: r.Score(text)))
            .Where(c => c.Score > 0)
            .OrderByDescending(c => c.Score)
            .ToList();
        if (candidates.Count == 0)
        {
            var known = string.Join("; ", catalog.Skills.Select(s => $"{s.Name}: {s.Description}"));
            return new PlanningOutcome.Refused(PlanningRules.IntentUnknown, $"No skill matches this request. Known skills: {known}");
        }
        if (candidates.Count > 1 && candidates[0].Score == candidates[1].Score)
        {
            var tied = candidates.Where(c => c.Score == candidates[0].Score).Select(c => c.Reader.Skill.Name).ToList();
            return new PlanningOutcome.NeedsInput("", new Dictionary<string, string>(), ["skill"], $"The request could mean {string.Join(" or ", tied)}; which one?");
        }
        var reader = candidates[0].Reader;
        // A requirement the skill cannot honour is refused before anything is read: planning without it would be a silent guess.
        var unsupported = reader.FindUnsupported(text);
        if (unsupported.Count > 0)
        {
            return RequirementRefusal.Write(reader.Skill, unsupported);
        }
        return new PlanResolution(reader.Skill, policy, goal, text, reader.Read(text)).Resolve();
    }

    private static List<RequestReader> CreateReaders(SkillCatalog catalog, PlanningPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(policy);
        // Team limits are compared through each skill's size table; a limit the table does not know
        // would make every request from that team fail, so it is a configuration error up front.
        foreach (var storage in catalog.Skills.Select(s => s.Storage).OfType<SkillStorage>())
        {
            if (policy.Teams.FirstOrDefault(t => storage.Rank(t.MaxSize) < 0) is { } team)
            {
                throw new ArgumentException(
                    $"Team '{team.Name}' has maxSize '{team.MaxSize}', which is not one of the sizes {string.Join(", ", storage.Sizes.Select(s => s.Name))}.",
                    nameof(policy));
            }
        }
        return catalog.Skills.Select(s => new RequestReader(s)).ToList();
    }
}
