namespace AgentOps.Planning;

/// <summary>
/// Something a request may ask for that the skill recognises but cannot honour. A request that matches
/// <see cref="Pattern"/> is refused, quoting the words found and <see cref="Message"/>, rather than planned
/// without it.
/// </summary>
/// <param name="Pattern">A regular expression over the normalised request (lower case, punctuation as spaces).</param>
/// <param name="Message">Why it cannot be honoured and what the requester can do instead.</param>
public sealed record UnsupportedRequirement(string Id, UnsupportedRequirementKind Kind, string Pattern, string Message);
