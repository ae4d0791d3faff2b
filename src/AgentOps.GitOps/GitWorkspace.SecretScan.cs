using System.Text;
using LibGit2Sharp;

namespace AgentOps.GitOps;

/// <summary>
/// One place a push would carry a secret: a line a commit adds (<see cref="Line"/> counts from 1 in the file as that
/// commit leaves it), the commit message (<see cref="GitWorkspace.CommitMessagePath"/>), or a path that itself looks
/// like a secret (<see cref="Line"/> 0). Never holds the value itself, so it can be shown and audited.
/// </summary>
/// <param name="Rule">The id of the secret pattern the line matches (<c>guardrails/secrets.yaml</c>).</param>
/// <param name="Commit">The commit that adds it.</param>
public sealed record SecretFinding(string Path, int Line, string Rule, string Commit)
{
    public override string ToString() => $"{Path}:{Line} matches {Rule} (commit {Commit[..Math.Min(7, Commit.Length)]})";
}

public sealed partial class GitWorkspace
{
    /// <summary>The forge rule a push that would carry a secret is refused under.</summary>
    public const string PushSecretRule = "git.push.secret";

    /// <summary>The <see cref="SecretFinding.Path"/> of a finding in a commit message.</summary>
    public const string CommitMessagePath = "(commit message)";

    /// <summary>Binary files up to this size are scanned as text; a larger one cannot be vouched for, so the push is refused.</summary>
    public const int MaxScannedBinaryBytes = 1024 * 1024;

    /// <summary>The finding rule of a binary file too large to scan.</summary>
    public const string UnscannableRule = "unscannable-binary";

    private const int MaxFindingsShown = 10;

    /// <summary>
    /// What <see cref="Push"/> would refuse: every line added by a commit the forge does not have yet (each commit
    /// against its first parent, so a secret added and then deleted again is still found: the history carries it),
    /// those commits' messages, and new paths, each run through the secret matcher. Lines the forge already holds
    /// (context, removed lines, a secret that was on main before the branch) are not scanned. Empty when no matcher
    /// was configured.
    /// </summary>
    public IReadOnlyList<SecretFinding> SecretsToPush(string repository, string branch)
    {
        var root = RequireClone(repository, branch);
        using var repo = new Repository(root);
        var local = repo.Branches[branch] ?? throw new ForgeRuleException("git.branch.missing", $"Branch '{branch}' does not exist in the workspace.");
        return FindSecretsToPush(repository, repo, local.Tip);
    }

    private List<SecretFinding> FindSecretsToPush(string repository, Repository repo, Commit tip)
    {
        var findings = new List<SecretFinding>();
        if (secretRule is null)
        {
            return findings;
        }
        foreach (var commit in CommitsNotOnForge(repository, repo, tip))
        {
            ScanMessage(commit, findings);
            var parentTree = commit.Parents.FirstOrDefault()?.Tree;
            var patch = repo.Diff.Compare<Patch>(parentTree, commit.Tree);
            foreach (var entry in patch)
            {
                if (entry.Status is ChangeKind.Deleted)
                {
                    continue;
                }
                if (entry.Status is ChangeKind.Added or ChangeKind.Renamed or ChangeKind.Copied && secretRule(entry.Path) is { } pathRule)
                {
                    findings.Add(new SecretFinding("(a new path)", 0, pathRule, commit.Sha));
                }
                var path = secretRule(entry.Path) is null ? entry.Path : "(a path that matches a secret pattern)";
                if (entry.IsBinaryComparison)
                {
                    ScanBinary(commit, entry.Path, path, findings);
                    continue;
                }
                foreach (var line in entry.AddedLines)
                {
                    if (secretRule(line.Content.TrimEnd('\n', '\r')) is { } rule)
                    {
                        findings.Add(new SecretFinding(path, line.LineNumber, rule, commit.Sha));
                    }
                }
            }
        }
        return findings;
    }

    // The commits the push would send: reachable from the tip but from no branch the forge holds. Tips the clone does
    // not have cannot be ancestors of the tip (an ancestor's objects are in the clone), so they are left out.
    private IEnumerable<Commit> CommitsNotOnForge(string repository, Repository repo, Commit tip)
    {
        List<Commit> onForge;
        using (var bare = new Repository(forge.RepositoryPath(repository)))
        {
            onForge = bare.Refs.Where(r => r.IsLocalBranch || r.IsTag)
                .Select(r => r.ResolveToDirectReference()?.TargetIdentifier)
                .OfType<string>()
                .Select(sha => repo.Lookup<Commit>(sha))
                .OfType<Commit>()
                .ToList();
        }
        var filter = new CommitFilter { IncludeReachableFrom = tip, SortBy = CommitSortStrategies.Topological | CommitSortStrategies.Reverse };
        if (onForge.Count > 0)
        {
            filter.ExcludeReachableFrom = onForge;
        }
        return repo.Commits.QueryBy(filter).ToList();
    }

    private void ScanMessage(Commit commit, List<SecretFinding> findings)
    {
        var lines = commit.Message.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (secretRule!(lines[i].TrimEnd('\r')) is { } rule)
            {
                findings.Add(new SecretFinding(CommitMessagePath, i + 1, rule, commit.Sha));
            }
        }
    }

    // A file git calls binary (a NUL byte is enough) is still text to a pattern: scanned whole, as Latin-1 so that no
    // byte is lost, when it is small enough; a larger one is refused rather than pushed unread.
    private void ScanBinary(Commit commit, string gitPath, string shownPath, List<SecretFinding> findings)
    {
        if (commit[gitPath]?.Target is not Blob blob)
        {
            return;
        }
        if (blob.Size > MaxScannedBinaryBytes)
        {
            findings.Add(new SecretFinding(shownPath, 0, UnscannableRule, commit.Sha));
            return;
        }
        using var stream = blob.GetContentStream();
        using var reader = new StreamReader(stream, Encoding.Latin1);
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (secretRule!(line) is { } rule)
            {
                findings.Add(new SecretFinding(shownPath, number, rule, commit.Sha));
            }
        }
    }

    private static ForgeRuleException SecretRefusal(string branch, IReadOnlyList<SecretFinding> findings)
    {
        var shown = string.Join("; ", findings.Take(MaxFindingsShown));
        var more = findings.Count > MaxFindingsShown ? $"; and {findings.Count - MaxFindingsShown} more" : string.Empty;
        return new ForgeRuleException(PushSecretRule,
            $"Push of '{branch}' refused: it would carry what looks like a secret: {shown}{more}. Nothing was pushed. " +
            "Take the value out of the branch's history (a later commit that deletes it is not enough) and reference it from a secret store instead.");
    }
}
