namespace AgentOps.Planning;

/// <summary>One row of the size table.</summary>
public sealed record SkillSize(string Name, int StorageGb, int MaxStorageGb);
