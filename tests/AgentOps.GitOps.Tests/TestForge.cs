using AgentOps.Storage;
using LibGit2Sharp;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.GitOps.Tests;

/// <summary>
/// A real local forge in a temp directory: a bare repository, a real SQLite pull-request store and a workspace
/// whose agents may write under <c>platform/</c> and to <c>README.md</c>.
/// </summary>
internal sealed class TestForge : IDisposable
{
    public const string Repo = "platform-gitops";
    public const string Agent = "spiffe://agentops.local/agent/infra-provisioner";
    public const string Requester = "alice@example.com";
    public const string Reviewer = "bob@example.com";

    private TestForge(string root, SqliteDatabase database)
    {
        Root = root;
        Store = new SqlitePullRequestStore(database);
        Forge = new LocalForge(Path.Combine(root, "forge"), Store, Time);
        Forge.EnsureRepository(Repo);
        AllowList = new PathAllowList(["platform/**", "README.md"]);
        Workspace = new GitWorkspace(Path.Combine(root, "workspaces"), Forge, AllowList);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 6, 2, 9, 30, 0, TimeSpan.Zero));

    public string Root { get; }

    public SqlitePullRequestStore Store { get; }

    public LocalForge Forge { get; }

    public PathAllowList AllowList { get; }

    public GitWorkspace Workspace { get; }

    public string BarePath => Forge.RepositoryPath(Repo);

    public Signature Author => new("infra-provisioner", "infra-provisioner@agentops.local", Time.GetUtcNow());

    public static async Task<TestForge> CreateAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "agentops-gitops-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var database = await SqliteDatabase.OpenAsync(Path.Combine(root, "agentops.db"));
        return new TestForge(root, database);
    }

    /// <summary>Creates <paramref name="branch"/> from main, writes, commits and pushes it; returns the pushed commit.</summary>
    public string PushBranch(string branch, params FileChange[] files)
    {
        Workspace.CreateBranch(Repo, branch, BareRepository.DefaultBranch);
        Workspace.WriteFiles(Repo, branch, files);
        Workspace.Commit(Repo, branch, $"Change on {branch}", Author, Requester);
        return Workspace.Push(Repo, branch);
    }

    public PullRequestDraft Draft(string branch, string title = "Add orders database") =>
        new(Repo, branch, BareRepository.DefaultBranch, title, "body", Agent, Requester, "run-1");

    public IReadOnlyList<string> Branches()
    {
        using var repo = new Repository(BarePath);
        return repo.Branches.Select(b => b.FriendlyName).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Every file on a branch of the bare repository, path to content; null when the branch does not exist.</summary>
    public Dictionary<string, string>? Files(string branch)
    {
        using var repo = new Repository(BarePath);
        if (repo.Branches[branch]?.Tip is not { } tip)
        {
            return null;
        }
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        Collect(tip.Tree, string.Empty, files);
        return files;
    }

    public string? TipSha(string branch)
    {
        using var repo = new Repository(BarePath);
        return repo.Branches[branch]?.Tip?.Sha;
    }

    public string TipMessage(string branch)
    {
        using var repo = new Repository(BarePath);
        return repo.Branches[branch]?.Tip?.Message ?? throw new InvalidOperationException($"no branch {branch}");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
            {
                File.SetAttributes(file, FileAttributes.Normal);
            }
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory must not fail a test that already passed.
        }
    }

    private static void Collect(Tree tree, string prefix, Dictionary<string, string> files)
    {
        foreach (var entry in tree)
        {
            var path = prefix + entry.Name;
            if (entry.Target is Tree subtree)
            {
                Collect(subtree, path + "/", files);
            }
            else if (entry.Target is Blob blob)
            {
                files[path] = blob.GetContentText();
            }
        }
    }
}
