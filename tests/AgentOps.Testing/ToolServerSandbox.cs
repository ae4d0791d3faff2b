using AgentOps.Identity;

namespace AgentOps.Testing;

/// <summary>
/// Everything one of our tool servers needs to start, without starting it: a fresh data directory, a broker key whose
/// JWKS the server trusts, and the command line. For tests where a client we did not write launches the server.
/// </summary>
public sealed class ToolServerSandbox : IDisposable
{
    private readonly SigningKeyStore _keys;
    private readonly DelegatedTokenMinter _minter;

    private ToolServerSandbox(string directory, string assemblyPath, string serverId, SigningKeyStore keys)
    {
        Directory = directory;
        AssemblyPath = assemblyPath;
        ServerId = serverId;
        _keys = keys;
        _minter = new DelegatedTokenMinter(keys);
    }

    public string Directory { get; }

    /// <summary>The server's dll, copied next to the test assembly by its ProjectReference.</summary>
    public string AssemblyPath { get; }

    public string ServerId { get; }

    public string JwksPath => _keys.JwksPath;

    public static ToolServerSandbox Create(string assembly, string serverId)
    {
        ArgumentException.ThrowIfNullOrEmpty(assembly);
        ArgumentException.ThrowIfNullOrEmpty(serverId);
        var assemblyPath = Path.Combine(AppContext.BaseDirectory, assembly);
        if (!File.Exists(assemblyPath))
        {
            throw new FileNotFoundException($"{assembly} is not next to the test assembly; reference its project.", assemblyPath);
        }
        var directory = Path.Combine(Path.GetTempPath(), "agentops-tools-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var keys = SigningKeyStore.OpenOrCreate(Path.Combine(directory, "keys"), TimeProvider.System);
        return new ToolServerSandbox(directory, assemblyPath, serverId, keys);
    }

    /// <summary>The command that runs the server on this sandbox: <c>dotnet</c> first, then its arguments.</summary>
    public IReadOnlyList<string> Command(params string[] extraArguments) =>
        ["dotnet", AssemblyPath, "--jwks", JwksPath, "--data-dir", Directory, "--server-id", ServerId, .. extraArguments];

    /// <summary>A token for this server (or for <paramref name="audience"/>) carrying <paramref name="scope"/>.</summary>
    public string Token(string scope, string? audience = null, DateTimeOffset? mintedAt = null) =>
        _minter.Mint(scope, audience ?? ServerId, mintedAt);

    public void Dispose()
    {
        _keys.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
