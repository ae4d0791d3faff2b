namespace AgentOps.GitOps;

/// <param name="HeadSha">The source branch's tip: an approval counts only for the commit it saw.</param>
/// <param name="Paths">Every path the pull request changes.</param>
public sealed record ReviewedChange(string HeadSha, IReadOnlyList<string> Paths);
