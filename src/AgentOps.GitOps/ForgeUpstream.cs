using LibGit2Sharp;
using LibGit2Sharp.Handlers;

namespace AgentOps.GitOps;

/// <summary>
/// Repositories on the forge that were cloned from a remote (<c>repository_clone</c>). The forge keeps a bare copy
/// whose <c>origin</c> is the remote; workspaces still clone from and push to that copy, and every push or branch
/// deletion is carried on to the remote. The remote is checked against <see cref="RemoteAllowList"/> before every
/// network operation, not only when it was cloned, so narrowing the allow-list takes effect at once.
/// </summary>
public sealed class ForgeUpstream(LocalForge forge, RemoteAllowList allowList, RemoteCredentials? credentials = null)
{
    private const string RemoteName = "origin";

    /// <summary>
    /// Opens <paramref name="repository"/> on the forge, or clones it from <paramref name="url"/> when it is not there
    /// yet. Opening an existing clone with its URL fetches the remote and fast-forwards the forge's branches; a branch
    /// that has diverged is left as it is and reported, never overwritten.
    /// </summary>
    public RepositoryOpened Open(string repository, string? url)
    {
        if (!RepositoryName.IsValid(repository))
        {
            throw new ForgeRuleException("git.repository.name", $"'{repository}' is not a valid repository name.");
        }
        var path = forge.RepositoryPath(repository);
        var exists = Repository.IsValid(path);
        if (string.IsNullOrWhiteSpace(url))
        {
            if (!exists)
            {
                throw new ForgeRuleException("git.repository.missing", $"'{repository}' is not on the forge; give an allowed remote url to clone it.");
            }
            using var existing = new Repository(path);
            return Describe(repository, existing, [], []);
        }
        EnsureAllowed(url);
        if (exists)
        {
            using var existing = new Repository(path);
            var current = existing.Network.Remotes[RemoteName]?.Url;
            if (current is null || !SameUrl(current, url))
            {
                throw new ForgeRuleException("git.remote.mismatch", current is null
                    ? $"'{repository}' already exists on the forge without a remote; it cannot be cloned again from '{url}'."
                    : $"'{repository}' was cloned from '{current}', not '{url}'.");
            }
            return Synchronise(repository, existing, firstClone: false);
        }
        return CloneNew(repository, path, url);
    }

    /// <summary>Carries a branch the workspace pushed to the forge on to the remote. Nothing to do for forge-only repositories.</summary>
    public void PushBranch(string repository, string branch)
    {
        using var repo = new Repository(forge.RepositoryPath(repository));
        if (repo.Network.Remotes[RemoteName] is not { } remote)
        {
            return;
        }
        EnsureAllowed(remote.Url);
        repo.Network.Push(remote, $"refs/heads/{branch}:refs/heads/{branch}", PushOptions(remote.Url));
    }

    /// <summary>
    /// Deletes a branch on the remote; deleting one that is not there succeeds. Returns whether the forge had seen the
    /// branch on the remote.
    /// </summary>
    public bool DeleteBranch(string repository, string branch)
    {
        using var repo = new Repository(forge.RepositoryPath(repository));
        if (repo.Network.Remotes[RemoteName] is not { } remote)
        {
            return false;
        }
        EnsureAllowed(remote.Url);
        var tracking = $"refs/remotes/{RemoteName}/{branch}";
        var known = repo.Refs[tracking] is not null;
        repo.Network.Push(remote, $":refs/heads/{branch}", PushOptions(remote.Url));
        if (repo.Refs[tracking] is not null)
        {
            repo.Refs.Remove(tracking);
        }
        return known;
    }

    private RepositoryOpened CloneNew(string repository, string path, string url)
    {
        Directory.CreateDirectory(forge.Root);
        Repository.Init(path, isBare: true);
        try
        {
            using var repo = new Repository(path);
            repo.Network.Remotes.Add(RemoteName, url, $"+refs/heads/*:refs/remotes/{RemoteName}/*");
            return Synchronise(repository, repo, firstClone: true);
        }
        catch
        {
            // A clone that could not fetch must not stay behind as an empty repository that looks cloned.
            DeleteDirectory(path);
            throw;
        }
    }

    private RepositoryOpened Synchronise(string repository, Repository repo, bool firstClone)
    {
        var remote = repo.Network.Remotes[RemoteName];
        Commands.Fetch(repo, RemoteName, [], new FetchOptions { CredentialsProvider = CredentialsFor(remote.Url), Prune = true }, "repository_clone");
        var updated = new List<string>();
        var diverged = new List<string>();
        var prefix = $"refs/remotes/{RemoteName}/";
        foreach (var tracking in repo.Refs.FromGlob(prefix + "*").ToArray())
        {
            var name = tracking.CanonicalName[prefix.Length..];
            if (name == "HEAD" || tracking.ResolveToDirectReference()?.Target is not Commit remoteTip)
            {
                continue;
            }
            var local = repo.Refs["refs/heads/" + name];
            if (local is null)
            {
                repo.Refs.Add("refs/heads/" + name, remoteTip.Id);
                updated.Add(name);
                continue;
            }
            var localTip = (Commit)local.ResolveToDirectReference().Target;
            if (localTip.Id == remoteTip.Id)
            {
                continue;
            }
            var mergeBase = repo.ObjectDatabase.FindMergeBase(localTip, remoteTip);
            if (mergeBase?.Id == localTip.Id)
            {
                repo.Refs.UpdateTarget(local, remoteTip.Id, "repository_clone: fast-forward");
                updated.Add(name);
            }
            else if (mergeBase?.Id != remoteTip.Id)
            {
                diverged.Add(name);
            }
        }
        if (firstClone)
        {
            var head = DefaultBranch(repo, remote) ?? throw new ForgeRuleException("git.remote.empty", $"'{remote.Url}' has no branches to clone.");
            repo.Refs.UpdateTarget("HEAD", "refs/heads/" + head);
        }
        return Describe(repository, repo, updated, diverged);
    }

    private string? DefaultBranch(Repository repo, Remote remote)
    {
        var credentials = CredentialsFor(remote.Url);
        var references = credentials is null ? repo.Network.ListReferences(remote) : repo.Network.ListReferences(remote, credentials);
        var advertised = references
            .OfType<SymbolicReference>()
            .FirstOrDefault(r => r.CanonicalName == "HEAD")?.TargetIdentifier;
        if (advertised is not null && advertised.StartsWith("refs/heads/", StringComparison.Ordinal) && repo.Refs[advertised] is not null)
        {
            return advertised["refs/heads/".Length..];
        }
        return repo.Refs["refs/heads/" + BareRepository.DefaultBranch] is not null
            ? BareRepository.DefaultBranch
            : repo.Refs.FromGlob("refs/heads/*").Select(r => r.CanonicalName["refs/heads/".Length..]).Order(StringComparer.Ordinal).FirstOrDefault();
    }

    private static RepositoryOpened Describe(string repository, Repository repo, IReadOnlyList<string> updated, IReadOnlyList<string> diverged)
    {
        var head = repo.Head;
        var branches = repo.Refs.FromGlob("refs/heads/*").Select(r => r.CanonicalName["refs/heads/".Length..]).Order(StringComparer.Ordinal).ToArray();
        return new RepositoryOpened(repository, repo.Network.Remotes[RemoteName]?.Url, head.FriendlyName, head.Tip?.Sha, branches, updated, diverged);
    }

    private PushOptions PushOptions(string url) => new()
    {
        CredentialsProvider = CredentialsFor(url),
        // libgit2 reports a ref the remote refused through this callback, not as an exception: make it one.
        OnPushStatusError = error => throw new ForgeRuleException("git.push.rejected", $"The remote refused {error.Reference}: {error.Message}"),
    };

    private CredentialsHandler? CredentialsFor(string url) =>
        credentials?.For(url) is { } found ? (_, _, _) => found : null;

    private void EnsureAllowed(string url)
    {
        if (!allowList.Allows(url, out var reason))
        {
            throw new ForgeRuleException("git.remote.allow-list", reason);
        }
    }

    private static bool SameUrl(string a, string b) =>
        Uri.TryCreate(a, UriKind.Absolute, out var left) && Uri.TryCreate(b, UriKind.Absolute, out var right)
            ? Uri.Compare(left, right, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.SafeUnescaped, StringComparison.Ordinal) == 0
            : string.Equals(a, b, StringComparison.Ordinal);

    private static void DeleteDirectory(string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }
        foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
        {
            File.SetAttributes(file, FileAttributes.Normal);
        }
        Directory.Delete(path, recursive: true);
    }
}
