using System.Globalization;
using AgentOps.Core;
using AgentOps.Planning.Reading;

namespace AgentOps.Planning.Runbook;

/// <summary>
/// Turns what was read from one request into an outcome. Refusals come first, so nobody answers
/// questions only to be refused afterwards; then questions for whatever is missing or ambiguous;
/// only a complete, consistent request becomes a plan.
/// </summary>
internal sealed class PlanResolution(Skill skill, PlanningPolicy policy, Goal goal, RequestText text, IReadOnlyDictionary<string, ParameterReading> readings)
{
    public const string FromRequest = "request";
    public const string FromRequesterTeam = "requester-team";

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly List<string> _missing = [];
    private readonly Dictionary<string, List<string>> _notes = new(StringComparer.Ordinal);
    private TeamPolicy? _team;

    public PlanningOutcome Resolve()
    {
        foreach (var parameter in skill.Parameters)
        {
            if (ResolveParameter(parameter) is { } refused)
            {
                return refused;
            }
        }
        if ((CheckStorage() ?? CheckTeamSize()) is { } inconsistent)
        {
            return inconsistent;
        }
        if (_missing.Count > 0)
        {
            return new PlanningOutcome.NeedsInput(skill.Name, _values, _missing, QuestionWriter.Write(skill, policy, _missing, _notes));
        }
        foreach (var derived in skill.Derived)
        {
            _values[derived.Name] = SkillTemplate.Render(derived.Template, _values);
        }
        var steps = StepRenderer.Render(skill.Steps, _values);
        return new PlanningOutcome.Planned(new Plan(skill.Name, _values, steps, Summary()));
    }

    private PlanningOutcome? ResolveParameter(SkillParameter parameter)
    {
        var reading = readings[parameter.Name];
        var values = reading.Values;
        if (values.Count == 0)
        {
            if (parameter.Default == ParameterDefault.RequesterTeam)
            {
                UseRequesterTeam(parameter);
            }
            else if (parameter.Required)
            {
                Ask(parameter.Name, reading.Notes);
            }
            return null;
        }
        if (parameter.Policy == ParameterPolicy.Regions && !values.Any(policy.IsRegionAllowed))
        {
            return Refuse(
                PlanningRules.RegionsAllowed,
                $"Region {string.Join(" and ", values)} is not allowed by the planning policy; allowed regions: {string.Join(", ", policy.AllowedRegions)}.");
        }
        if (values.Count > 1)
        {
            Ask(parameter.Name, [$"The request names {string.Join(" and ", reading.Mentions)}; which one?", .. reading.Notes]);
            return null;
        }
        var value = values[0];
        if (parameter.Policy == ParameterPolicy.Teams)
        {
            _team = policy.FindTeam(value);
            if (_team is null)
            {
                return Refuse(
                    PlanningRules.TeamsKnown,
                    $"No team in the planning policy owns {parameter.Name} '{value}'; known teams: {string.Join(", ", policy.Teams.Select(t => $"{t.Name} (namespace {t.Namespace})"))}.");
            }
            // Naming another team's namespace is not a way around that team's limits or ownership.
            if (!_team.Members.Contains(goal.Requester, StringComparer.OrdinalIgnoreCase))
            {
                return Refuse(
                    PlanningRules.TeamsMember,
                    $"Requester '{goal.Requester}' is not a member of team {_team.Name}, which owns namespace {_team.Namespace}.");
            }
            value = _team.Namespace;
        }
        _values[parameter.Name] = value;
        if (parameter.Default != ParameterDefault.None)
        {
            _values[parameter.SourceName] = FromRequest;
        }
        return null;
    }

    private void UseRequesterTeam(SkillParameter parameter)
    {
        var teams = policy.TeamsOf(goal.Requester);
        if (teams.Count == 1)
        {
            _team = teams[0];
            _values[parameter.Name] = _team.Namespace;
            _values[parameter.SourceName] = FromRequesterTeam;
            return;
        }
        Ask(parameter.Name, [teams.Count == 0
            ? $"The request names no {parameter.Name}, and requester '{goal.Requester}' belongs to no team in the planning policy."
            : $"The request names no {parameter.Name}, and requester '{goal.Requester}' belongs to several teams ({string.Join(", ", teams.Select(t => t.Name))})."]);
    }

    private PlanningOutcome? CheckStorage()
    {
        if (skill.Storage is not { } storage || !_values.TryGetValue(storage.SizeParameter, out var size) || storage.Find(size) is not { } row)
        {
            return null;
        }
        var amounts = StorageAmounts.Find(text.Current);
        if (amounts.FirstOrDefault(a => a.Gigabytes > row.MaxStorageGb) is { } tooMuch)
        {
            return Refuse(
                PlanningRules.ParametersConsistent,
                $"The request asks for {size} but also for {tooMuch.Text} of storage ({tooMuch.Gigabytes} GB); {size} allows at most {row.MaxStorageGb} GB. Ask for a larger size or less storage.");
        }
        var distinct = amounts.Select(a => a.Gigabytes).Distinct().ToList();
        if (distinct.Count > 1)
        {
            Ask(storage.Parameter, [$"The request names {string.Join(" and ", amounts.Select(a => a.Text))}; which one?"]);
            return null;
        }
        // An amount the requester states is honoured (within the size's limit) rather than silently replaced by the default.
        _values[storage.Parameter] = (distinct.Count == 1 ? distinct[0] : row.StorageGb).ToString(CultureInfo.InvariantCulture);
        return null;
    }

    private PlanningOutcome? CheckTeamSize()
    {
        if (skill.Storage is not { } storage || _team is null || !_values.TryGetValue(storage.SizeParameter, out var size))
        {
            return null;
        }
        return storage.Rank(size) > storage.Rank(_team.MaxSize)
            ? Refuse(PlanningRules.TeamsMaxSize, $"Team {_team.Name} may request at most size {_team.MaxSize}; the request asks for {size}.")
            : null;
    }

    private string Summary()
    {
        var defaulted = skill.Parameters
            .Where(p => _values.TryGetValue(p.SourceName, out var source) && source == FromRequesterTeam)
            .Select(p => $"{p.Name} {_values[p.Name]} is the requester's team, as the request named none");
        var note = string.Join("; ", defaulted);
        return SkillTemplate.Render(skill.Summary, _values) + (note.Length > 0 ? $" ({note})." : ".");
    }

    private void Ask(string name, IEnumerable<string> notes)
    {
        if (!_missing.Contains(name, StringComparer.Ordinal))
        {
            _missing.Add(name);
        }
        _notes[name] = [.. notes];
    }

    private PlanningOutcome.Refused Refuse(string rule, string reason) => new(rule, reason, _values);
}
