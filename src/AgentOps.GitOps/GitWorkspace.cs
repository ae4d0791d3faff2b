using LibGit2Sharp;

namespace AgentOps.GitOps;

/// <summary>
/// A working clone per (repository, branch) under one root. Each operation opens the clone afresh,
/// so a tool server can be restarted between steps and pick up where the plan left off. When the forge repository
/// was cloned from a remote, <paramref name="upstream"/> carries pushes and branch deletions on to it.
/// </summary>
/// <param name="secretRule">
/// Names the secret pattern a line of text matches, or null when it matches none (the Git tool server wires it to
/// <c>guardrails/secrets.yaml</c>, allow-list included). When given, <see cref="Push"/> scans what it would send first
/// and refuses a push that carries a secret (<see cref="PushSecretRule"/>). A function, so that GitOps does not depend
/// on the guardrails.
/// </param>
public sealed partial class GitWorkspace(
    string workspacesRoot, LocalForge forge, PathAllowList allowList, ForgeUpstream? upstream = null, Func<string, string?>? secretRule = null)
{
    public string PathFor(string repository, string branch)
    {
        EnsureNames(repository, branch);
        return Path.Combine(workspacesRoot, repository, branch.Replace('/', '~'));
    }

    /// <summary>Clones the forge repository and creates <paramref name="branch"/> from <paramref name="baseBranch"/>. Idempotent: an old clone is replaced.</summary>
    public string CreateBranch(string repository, string branch, string baseBranch)
    {
        EnsureNames(repository, branch);
        var path = PathFor(repository, branch);
        using (var bare = new Repository(forge.RepositoryPath(repository)))
        {
            if (bare.Branches[branch] is not null)
            {
                throw new ForgeRuleException("git.branch.exists", $"Branch '{branch}' already exists in '{repository}'.");
            }
        }
        if (Directory.Exists(path))
        {
            DeleteDirectory(path);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Repository.Clone(forge.RepositoryPath(repository), path, new CloneOptions { BranchName = baseBranch });
        using var repo = new Repository(path);
        var created = repo.CreateBranch(branch, repo.Head.Tip);
        Commands.Checkout(repo, created);
        return created.Tip.Sha;
    }

    public IReadOnlyList<string> WriteFiles(string repository, string branch, IReadOnlyList<FileChange> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var root = RequireClone(repository, branch);
        // Check every path before writing any, so a refused path never leaves a half-written branch behind.
        foreach (var file in files)
        {
            if (!allowList.Allows(file.Path, out var reason))
            {
                throw new ForgeRuleException("git.paths.allow-list", reason);
            }
        }
        foreach (var file in files)
        {
            var full = Path.Combine(root, file.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            if (file.Append && File.Exists(full))
            {
                var existing = File.ReadAllText(full);
                var separator = existing.Length == 0 || existing.EndsWith('\n') ? string.Empty : "\n";
                File.AppendAllText(full, separator + file.Content);
            }
            else
            {
                File.WriteAllText(full, file.Content);
            }
        }
        return files.Select(f => f.Path).ToArray();
    }

    /// <summary>Reads a file as it stands on the branch's clone, or on the forge's base branch when there is no clone.</summary>
    public string? ReadFile(string repository, string branch, string path)
    {
        if (!allowList.Allows(path, out var reason))
        {
            throw new ForgeRuleException("git.paths.allow-list", reason);
        }
        var clone = PathFor(repository, branch);
        if (Repository.IsValid(clone))
        {
            var full = Path.Combine(clone, path);
            return File.Exists(full) ? File.ReadAllText(full) : null;
        }
        using var bare = new Repository(forge.RepositoryPath(repository));
        var tip = (bare.Branches[branch] ?? bare.Branches[BareRepository.DefaultBranch])?.Tip;
        return tip?[path]?.Target is Blob blob ? blob.GetContentText() : null;
    }

    public string Commit(string repository, string branch, string message, Signature author, string? coAuthor)
    {
        var root = RequireClone(repository, branch);
        using var repo = new Repository(root);
        Commands.Stage(repo, "*");
        if (!repo.RetrieveStatus(new StatusOptions()).IsDirty)
        {
            throw new ForgeRuleException("git.commit.empty", $"Nothing to commit on '{branch}'.");
        }
        var commit = repo.Commit(WithCoAuthor(message, coAuthor), author, author);
        return commit.Sha;
    }

    /// <summary>
    /// Pushes the branch to the forge (and on to the upstream remote, if any). With a secret matcher, every line the
    /// push would add is scanned first (see <see cref="SecretsToPush"/>): if any holds a secret, nothing is pushed and
    /// this throws <see cref="ForgeRuleException"/> <see cref="PushSecretRule"/>, naming file, line and rule but never
    /// the value. <paramref name="onSecretsFound"/> is told the findings first, e.g. to audit the refusal.
    /// </summary>
    public string Push(string repository, string branch, Action<IReadOnlyList<SecretFinding>>? onSecretsFound = null)
    {
        var root = RequireClone(repository, branch);
        using var repo = new Repository(root);
        var local = repo.Branches[branch] ?? throw new ForgeRuleException("git.branch.missing", $"Branch '{branch}' does not exist in the workspace.");
        var findings = FindSecretsToPush(repository, repo, local.Tip);
        if (findings.Count > 0)
        {
            onSecretsFound?.Invoke(findings);
            throw SecretRefusal(branch, findings);
        }
        repo.Network.Push(repo.Network.Remotes["origin"], $"refs/heads/{branch}:refs/heads/{branch}", new PushOptions
        {
            // libgit2 reports a refused ref through this callback rather than as an exception: make it one.
            OnPushStatusError = error => throw new ForgeRuleException("git.push.rejected", $"The forge refused {error.Reference}: {error.Message}"),
        });
        upstream?.PushBranch(repository, branch);
        return local.Tip.Sha;
    }

    /// <summary>Deletes the branch on the forge (when <paramref name="remote"/>) and the local clone. Safe to call twice.</summary>
    public bool DeleteBranch(string repository, string branch, bool remote)
    {
        EnsureNames(repository, branch);
        var deleted = false;
        if (remote)
        {
            if (branch == BareRepository.DefaultBranch)
            {
                throw new ForgeRuleException("git.branch.protected", $"'{branch}' is protected.");
            }
            using (var bare = new Repository(forge.RepositoryPath(repository)))
            {
                if (bare.Refs["refs/heads/" + branch] is not null)
                {
                    bare.Refs.Remove("refs/heads/" + branch);
                    deleted = true;
                }
            }
            deleted |= upstream?.DeleteBranch(repository, branch) ?? false;
        }
        var path = PathFor(repository, branch);
        if (Directory.Exists(path))
        {
            DeleteDirectory(path);
            deleted = true;
        }
        return deleted;
    }

    private static string WithCoAuthor(string message, string? coAuthor) =>
        string.IsNullOrWhiteSpace(coAuthor) ? message : $"{message.TrimEnd()}\n\nCo-authored-by: {coAuthor}";

    private string RequireClone(string repository, string branch)
    {
        var path = PathFor(repository, branch);
        if (!Repository.IsValid(path))
        {
            throw new ForgeRuleException("git.branch.missing", $"No workspace for branch '{branch}' of '{repository}': create the branch first.");
        }
        return path;
    }

    private static void EnsureNames(string repository, string branch)
    {
        if (!RepositoryName.IsValid(repository))
        {
            throw new ForgeRuleException("git.repository.name", $"'{repository}' is not a valid repository name.");
        }
        if (!RepositoryName.IsValidBranch(branch))
        {
            throw new ForgeRuleException("git.branch.name", $"'{branch}' is not a valid branch name.");
        }
    }

    // Git marks pack files read-only; clear the attribute so the clone can be removed.
    private static void DeleteDirectory(string path)
    {
        foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
        {
            File.SetAttributes(file, FileAttributes.Normal);
        }
        Directory.Delete(path, recursive: true);
    }
}
