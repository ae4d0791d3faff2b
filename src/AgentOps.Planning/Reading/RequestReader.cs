namespace AgentOps.Planning.Reading;

/// <summary>
/// Reads requests for one skill: scores how well a request matches its triggers, and reads every
/// parameter. Text parameters go first because their cues are the most specific ("service called
/// orders-redis"); the words they take are then set aside before choices are read.
/// </summary>
internal sealed class RequestReader
{
    /// <summary>Bounds every regex over request text: skill patterns are data, and requests are untrusted.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(500);

    private readonly PhraseMatcher _triggers;
    private readonly IReadOnlyList<IParameterReader> _readers;
    private readonly RequirementScreen _requirements;

    public RequestReader(Skill skill)
    {
        Skill = skill;
        _requirements = new RequirementScreen(skill.UnsupportedRequirements);
        _triggers = new PhraseMatcher(skill.Triggers.Select(t => (t, t)));
        var choices = skill.Parameters.Where(p => p.Kind == SkillParameterKind.Choice).Select(p => new ChoiceReader(p)).ToList();
        var reserved = choices.Where(c => c.Literal is not null).Select(c => c.Literal!).ToList();
        _readers = skill.Parameters
            .Where(p => p.Kind == SkillParameterKind.Text)
            .Select(p => (IParameterReader)new CueReader(p, reserved))
            .Concat(choices)
            .ToList();
    }

    public Skill Skill { get; }

    /// <summary>How many distinct trigger words the request contains; zero means the skill does not apply.</summary>
    public int Score(RequestText text) => _triggers.Matches(text.Current).Select(m => m.Key).Distinct(StringComparer.Ordinal).Count();

    /// <summary>What the request asks for that the skill recognises but cannot honour; read before any parameter takes words.</summary>
    public IReadOnlyList<RequirementMatch> FindUnsupported(RequestText text) => _requirements.Find(text);

    public IReadOnlyDictionary<string, ParameterReading> Read(RequestText text) =>
        _readers.Select(r => r.Read(text)).ToDictionary(r => r.Name, StringComparer.Ordinal);
}
