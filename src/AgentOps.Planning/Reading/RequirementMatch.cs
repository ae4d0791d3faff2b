namespace AgentOps.Planning.Reading;

/// <summary>An unsupported requirement a request states, with the words that state it, e.g. "3 read replicas".</summary>
internal sealed record RequirementMatch(UnsupportedRequirement Requirement, string Found);
