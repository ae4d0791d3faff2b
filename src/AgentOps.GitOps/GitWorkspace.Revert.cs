using System.Text.RegularExpressions;
using LibGit2Sharp;

namespace AgentOps.GitOps;

public sealed partial class GitWorkspace
{
    /// <summary>
    /// Reverts <paramref name="sha"/> on the branch's clone with a new commit (history is never rewritten). The commit
    /// must be on the branch. A merge commit is reverted against <paramref name="mainline"/>, by default its first
    /// parent: the branch it was merged into, which is what undoing a merged pull request means. Push afterwards.
    /// </summary>
    public string Revert(string repository, string branch, string sha, Signature author, string? coAuthor, int? mainline = null)
    {
        ArgumentNullException.ThrowIfNull(author);
        var root = RequireClone(repository, branch);
        if (sha is null || !CommitIdPattern().IsMatch(sha))
        {
            throw new ForgeRuleException("git.revert.unknown-commit", $"'{sha}' is not a commit id (7 to 40 hexadecimal characters).");
        }
        using var repo = new Repository(root);
        var commit = repo.Lookup<Commit>(sha)
            ?? throw new ForgeRuleException("git.revert.unknown-commit", $"There is no commit '{sha}' in '{repository}'.");
        if (repo.RetrieveStatus(new StatusOptions()).IsDirty)
        {
            throw new ForgeRuleException("git.revert.dirty", $"Branch '{branch}' has uncommitted changes; commit them before reverting.");
        }
        var head = repo.Head.Tip;
        if (repo.ObjectDatabase.FindMergeBase(commit, head)?.Id != commit.Id)
        {
            throw new ForgeRuleException("git.revert.not-on-branch", $"Commit {commit.Sha[..12]} is not on branch '{branch}'.");
        }
        var parents = commit.Parents.ToArray();
        if (parents.Length == 0)
        {
            throw new ForgeRuleException("git.revert.root-commit", $"Commit {commit.Sha[..12]} is the first commit; there is nothing to revert it to.");
        }
        if (parents.Length == 1 && mainline is not null)
        {
            throw new ForgeRuleException("git.revert.mainline", $"Commit {commit.Sha[..12]} is not a merge; leave mainline out.");
        }
        var parent = parents.Length > 1 ? mainline ?? 1 : 0;
        if (parents.Length > 1 && (parent < 1 || parent > parents.Length))
        {
            throw new ForgeRuleException("git.revert.mainline", $"Commit {commit.Sha[..12]} has {parents.Length} parents; mainline must be 1 to {parents.Length}.");
        }

        var result = repo.Revert(commit, author, new RevertOptions { CommitOnSuccess = false, Mainline = parent });
        if (result.Status == RevertStatus.Conflicts)
        {
            repo.Reset(ResetMode.Hard, head);
            throw new ForgeRuleException("git.revert.conflict", $"Reverting {commit.Sha[..12]} conflicts with later changes on '{branch}'; nothing was changed.");
        }
        Commands.Stage(repo, "*");
        if (!repo.RetrieveStatus(new StatusOptions()).IsDirty)
        {
            repo.Reset(ResetMode.Hard, head);
            throw new ForgeRuleException("git.revert.empty", $"Reverting {commit.Sha[..12]} changes nothing on '{branch}'; is it already reverted?");
        }
        var message = $"Revert \"{commit.MessageShort}\"\n\nThis reverts commit {commit.Sha}"
            + (parents.Length > 1 ? $", reversing changes made to {parents[parent - 1].Sha}." : ".");
        return repo.Commit(WithCoAuthor(message, coAuthor), author, author).Sha;
    }

    [GeneratedRegex("^[0-9a-fA-F]{7,40}$")]
    private static partial Regex CommitIdPattern();
}
