using LibGit2Sharp;

namespace AgentOps.GitOps;

/// <summary>The bare repositories of the local forge, one per name under the forge root.</summary>
public sealed class BareRepository
{
    public const string DefaultBranch = "main";

    private BareRepository(string path) => Path = path;

    public string Path { get; }

    public static string PathFor(string forgeRoot, string name)
    {
        if (!RepositoryName.IsValid(name))
        {
            throw new ArgumentException($"'{name}' is not a valid repository name.", nameof(name));
        }
        return System.IO.Path.Combine(forgeRoot, name + ".git");
    }

    /// <summary>Opens the bare repository, creating it with a first commit on <c>main</c> when it does not exist yet.</summary>
    public static BareRepository OpenOrCreate(string forgeRoot, string name, Signature initialAuthor)
    {
        var path = PathFor(forgeRoot, name);
        if (Repository.IsValid(path))
        {
            return new BareRepository(path);
        }
        Directory.CreateDirectory(forgeRoot);
        Repository.Init(path, isBare: true);
        using var repo = new Repository(path);
        var readme = repo.ObjectDatabase.CreateBlob(new MemoryStream(
            "# platform-gitops\n\nDesired state of the platform, changed only through reviewed pull requests.\n"u8.ToArray()));
        var tree = new TreeDefinition();
        tree.Add("README.md", readme, Mode.NonExecutableFile);
        var treeObject = repo.ObjectDatabase.CreateTree(tree);
        var commit = repo.ObjectDatabase.CreateCommit(initialAuthor, initialAuthor, "Initial commit", treeObject, [], prettifyMessage: true);
        repo.Refs.Add("refs/heads/" + DefaultBranch, commit.Id);
        repo.Refs.UpdateTarget("HEAD", "refs/heads/" + DefaultBranch);
        return new BareRepository(path);
    }
}
