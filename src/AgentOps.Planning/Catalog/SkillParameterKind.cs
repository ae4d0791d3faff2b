namespace AgentOps.Planning;

public enum SkillParameterKind
{
    /// <summary>One of a fixed set of values, each with synonyms.</summary>
    Choice,

    /// <summary>A free-form name found through cues such as "service called X".</summary>
    Text,
}
