using LibGit2Sharp;

namespace AgentOps.GitOps;

public sealed partial class GitWorkspace
{
    /// <summary>Patches longer than this are cut: a diff is read by a model, and a vendored file should not flood it.</summary>
    public const int DefaultMaxPatchCharacters = 200_000;

    /// <summary>
    /// The branch against <paramref name="baseBranch"/>: from the branch's clone when there is one (working tree
    /// included), otherwise from the branch as pushed to the forge. Reads only; nothing is staged or written.
    /// </summary>
    public BranchDiff Diff(string repository, string branch, string baseBranch, int maxPatchCharacters = DefaultMaxPatchCharacters)
    {
        EnsureNames(repository, branch);
        if (!RepositoryName.IsValidBranch(baseBranch))
        {
            throw new ForgeRuleException("git.branch.name", $"'{baseBranch}' is not a valid branch name.");
        }
        var clone = PathFor(repository, branch);
        if (Repository.IsValid(clone))
        {
            using var repo = new Repository(clone);
            var baseTip = repo.Refs[$"refs/remotes/origin/{baseBranch}"]?.ResolveToDirectReference()?.Target as Commit
                ?? throw new ForgeRuleException("git.branch.missing", $"Base branch '{baseBranch}' does not exist in the workspace of '{branch}'.");
            var head = repo.Head.Tip;
            var mergeBase = repo.ObjectDatabase.FindMergeBase(baseTip, head) ?? baseTip;
            var patch = repo.Diff.Compare<Patch>(mergeBase.Tree, DiffTargets.Index | DiffTargets.WorkingDirectory);
            return Summarise(baseBranch, mergeBase.Sha, head.Sha, "workspace", patch, maxPatchCharacters);
        }
        using var bare = new Repository(forge.RepositoryPath(repository));
        var forgeBase = bare.Refs["refs/heads/" + baseBranch]?.ResolveToDirectReference()?.Target as Commit
            ?? throw new ForgeRuleException("git.branch.missing", $"Base branch '{baseBranch}' does not exist in '{repository}'.");
        var tip = bare.Refs["refs/heads/" + branch]?.ResolveToDirectReference()?.Target as Commit
            ?? throw new ForgeRuleException("git.branch.missing", $"Branch '{branch}' has no workspace and was not pushed to '{repository}'.");
        var forgeMergeBase = bare.ObjectDatabase.FindMergeBase(forgeBase, tip) ?? forgeBase;
        var forgePatch = bare.Diff.Compare<Patch>(forgeMergeBase.Tree, tip.Tree);
        return Summarise(baseBranch, forgeMergeBase.Sha, tip.Sha, "forge", forgePatch, maxPatchCharacters);
    }

    private static BranchDiff Summarise(string baseBranch, string baseSha, string? headSha, string source, Patch patch, int maxPatchCharacters)
    {
        var files = patch.Select(p => new FileDiff(
            p.Path,
            p.Status is ChangeKind.Renamed or ChangeKind.Copied ? p.OldPath : null,
            StatusName(p.Status),
            p.LinesAdded,
            p.LinesDeleted,
            p.IsBinaryComparison)).ToArray();
        var content = patch.Content;
        var truncated = content.Length > maxPatchCharacters;
        return new BranchDiff(baseBranch, baseSha, headSha, source, files, patch.LinesAdded, patch.LinesDeleted,
            truncated ? content[..maxPatchCharacters] : content, truncated);
    }

    private static string StatusName(ChangeKind kind) => kind switch
    {
        ChangeKind.Added or ChangeKind.Untracked => "added",
        ChangeKind.Deleted => "deleted",
        ChangeKind.Renamed => "renamed",
        ChangeKind.Copied => "copied",
        ChangeKind.TypeChanged => "type-changed",
        _ => "modified",
    };
}
