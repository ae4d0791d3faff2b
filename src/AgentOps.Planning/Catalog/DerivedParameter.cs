namespace AgentOps.Planning;

/// <summary>A parameter computed from the others by a <c>${param.*}</c> template, e.g. <c>${param.service}-db</c>.</summary>
public sealed record DerivedParameter(string Name, string Description, string Template);
