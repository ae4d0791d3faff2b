namespace AgentOps.Planning;

/// <summary>
/// A parameter a skill reads from the request. <see cref="SkillParameterKind.Choice"/> parameters use
/// <see cref="Values"/> (and <see cref="LiteralPattern"/>); <see cref="SkillParameterKind.Text"/> parameters use
/// <see cref="Cues"/>, <see cref="Pattern"/> and <see cref="StopWords"/>.
/// </summary>
/// <param name="Unsupported">Words that name something the skill recognises but does not offer, with the reason to tell the requester.</param>
/// <param name="LiteralPattern">A regular expression for values taken as written (e.g. region ids), even when not listed in <see cref="Values"/>.</param>
/// <param name="Pattern">The regular expression a text value must match as a whole.</param>
/// <param name="Cues">Regular expressions with a <c>value</c> group that find the value in the request.</param>
/// <param name="Areas">Words that name a group of values (e.g. "EU" for every <c>eu-*</c> region) rather than one value.</param>
public sealed record SkillParameter(
    string Name,
    SkillParameterKind Kind,
    bool Required,
    string Description,
    IReadOnlyList<string> Examples,
    IReadOnlyList<ChoiceValue> Values,
    IReadOnlyDictionary<string, string> Unsupported,
    string? LiteralPattern,
    string? Pattern,
    IReadOnlyList<string> Cues,
    IReadOnlyList<string> StopWords,
    ParameterPolicy Policy,
    ParameterDefault Default,
    IReadOnlyList<ChoiceArea> Areas)
{
    /// <summary>The extra plan parameter that records where a defaulted value came from.</summary>
    public string SourceName => Name + "_source";
}
