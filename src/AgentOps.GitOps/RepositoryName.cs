using System.Text.RegularExpressions;

namespace AgentOps.GitOps;

public static partial class RepositoryName
{
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    /// <summary>A branch name we are willing to create: no "..", no leading "-", only safe characters.</summary>
    public static bool IsValidBranch(string? branch) =>
        branch is not null && BranchPattern().IsMatch(branch) && !branch.Contains("..", StringComparison.Ordinal) && !branch.EndsWith('/');

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,99}$")]
    private static partial Regex Pattern();

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9._/-]{0,199}$")]
    private static partial Regex BranchPattern();
}
