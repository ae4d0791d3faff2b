namespace AgentOps.GitOps;

/// <summary>
/// What a branch changes against its base: per-file line counts and the unified patch. <paramref name="Source"/> is
/// <c>workspace</c> (the branch's clone, uncommitted and untracked files included) or <c>forge</c> (the pushed branch).
/// <paramref name="BaseSha"/> is the merge base, so changes that landed on the base later are not shown as the branch's.
/// </summary>
public sealed record BranchDiff(
    string Base,
    string BaseSha,
    string? HeadSha,
    string Source,
    IReadOnlyList<FileDiff> Files,
    int Additions,
    int Deletions,
    string Patch,
    bool Truncated);

/// <param name="Status">added, modified, deleted, renamed, copied or type-changed.</param>
/// <param name="OldPath">The path before a rename or copy; otherwise null.</param>
public sealed record FileDiff(string Path, string? OldPath, string Status, int Additions, int Deletions, bool Binary);
