namespace AgentOps.GitOps;

/// <summary>One file to write on a branch. <see cref="Append"/> adds to the end of an existing file instead of replacing it.</summary>
public sealed record FileChange(string Path, string Content, bool Append = false);
