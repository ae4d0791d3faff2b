namespace AgentOps.Testing;

/// <summary>
/// The npm packages the interop tests drive (pinned in <c>tests/interop/package-lock.json</c>), found from the test
/// assembly's directory by walking up to the repository's <c>tests/interop</c>. Nothing here installs anything: a
/// missing install fails the test with the one command that fixes it.
/// </summary>
public static class NpmTools
{
    public const string InstallCommand = "npm ci --prefix tests/interop";

    /// <summary><c>tests/interop</c> of the checkout the tests were built from.</summary>
    public static string InteropDirectory
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "tests", "interop");
                if (File.Exists(Path.Combine(candidate, "package.json")))
                {
                    return candidate;
                }
            }
            throw new InvalidOperationException($"No tests/interop/package.json above {AppContext.BaseDirectory}: run the tests from a checkout of the repository.");
        }
    }

    /// <summary>A file or directory inside <c>tests/interop/node_modules</c>; fails with the install command when it is absent.</summary>
    public static string PackagePath(string relativePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(relativePath);
        var nodeModules = Path.Combine(InteropDirectory, "node_modules");
        var path = Path.Combine(nodeModules, relativePath);
        if (!Directory.Exists(nodeModules) || !(File.Exists(path) || Directory.Exists(path)))
        {
            throw new InvalidOperationException($"{path} is missing; run: {InstallCommand}");
        }
        return path;
    }

    /// <summary>Runs <c>node</c> with <paramref name="arguments"/> in <c>tests/interop</c>, killed after <paramref name="timeout"/>.</summary>
    public static Task<ProcessResult> RunNodeAsync(
        IEnumerable<string> arguments,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null,
        CancellationToken cancellationToken = default) =>
        ChildProcess.RunAsync("node", arguments, timeout, environment, InteropDirectory, cancellationToken);
}
