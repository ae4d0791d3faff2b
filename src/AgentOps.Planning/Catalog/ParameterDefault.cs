namespace AgentOps.Planning;

/// <summary>Where a parameter's value comes from when the request does not state it.</summary>
public enum ParameterDefault
{
    /// <summary>No default: a missing required value is asked for.</summary>
    None,

    /// <summary>The namespace of the requester's own team in the planning policy.</summary>
    RequesterTeam,
}
