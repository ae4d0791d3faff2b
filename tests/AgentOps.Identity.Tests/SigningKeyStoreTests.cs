using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Identity.Tests;

public sealed class SigningKeyStoreTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 2, 9, 30, 0, TimeSpan.Zero));
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "agentops-identity-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void OpenOrCreate_SecondOpen_SameKeyId()
    {
        using var first = SigningKeyStore.OpenOrCreate(_directory, _time);

        using var sut = SigningKeyStore.OpenOrCreate(_directory, _time);

        Assert.Equal(first.KeyId, sut.KeyId);
        Assert.Equal(Path.Combine(_directory, "jwks.json"), sut.JwksPath);
        Assert.Equal(_time.GetUtcNow(), sut.CreatedAt);
    }

    [Fact]
    public void OpenOrCreate_FirstUse_JwksHasPublicKeyOnly()
    {
        using var sut = SigningKeyStore.OpenOrCreate(_directory, _time);

        var jwk = JsonNode.Parse(File.ReadAllText(sut.JwksPath))!["keys"]!.AsArray().Single()!.AsObject();

        Assert.Null(jwk["d"]);
        Assert.Equal(["kty", "crv", "x", "y", "kid", "alg", "use"], jwk.Select(m => m.Key));
        Assert.Equal(("EC", "P-256", "ES256", "sig"), ((string?)jwk["kty"], (string?)jwk["crv"], (string?)jwk["alg"], (string?)jwk["use"]));
        Assert.Equal(sut.KeyId, (string?)jwk["kid"]);
        using var set = JsonWebKeySet.Load(sut.JwksPath);
        Assert.True(set.TryGetKey(sut.KeyId, out _));
    }

    [Fact]
    public void OpenOrCreate_FirstUse_KidIsRfc7638Thumbprint()
    {
        using var sut = SigningKeyStore.OpenOrCreate(_directory, _time);
        var jwk = JsonNode.Parse(File.ReadAllText(sut.JwksPath))!["keys"]![0]!;
        var canonical = $$"""{"crv":"P-256","kty":"EC","x":"{{jwk["x"]}}","y":"{{jwk["y"]}}"}""";

        var expected = IdentityTestContext.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));

        Assert.Equal(expected, sut.KeyId);
        Assert.Equal(43, sut.KeyId.Length);
    }

    [Fact]
    public void OpenOrCreate_OnUnix_PrivateKeyIsOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        using var sut = SigningKeyStore.OpenOrCreate(_directory, _time);

        var mode = File.GetUnixFileMode(Path.Combine(_directory, SigningKeyStore.KeyFileName));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
    }

    [Fact]
    public void OpenOrCreate_ConcurrentFirstUse_AllShareOneKey()
    {
        var stores = new SigningKeyStore[16];

        Parallel.For(0, stores.Length, i => stores[i] = SigningKeyStore.OpenOrCreate(_directory, _time));

        Assert.Single(stores.Select(s => s.KeyId).Distinct());
        Assert.Equal([SigningKeyStore.JwksFileName, SigningKeyStore.KeyFileName],
            Directory.GetFiles(_directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var store in stores)
        {
            store.Dispose();
        }
    }

    [Fact]
    public void OpenOrCreate_CorruptKeyFile_ThrowsAndKeepsFile()
    {
        Directory.CreateDirectory(_directory);
        var keyPath = Path.Combine(_directory, SigningKeyStore.KeyFileName);
        File.WriteAllText(keyPath, "not a key");

        Assert.Throws<InvalidDataException>(() => SigningKeyStore.OpenOrCreate(_directory, _time));

        Assert.Equal("not a key", File.ReadAllText(keyPath));
    }

    [Fact]
    public void OpenOrCreate_KeyFromStore_SignsTokensTheJwksVerifies()
    {
        using var sut = SigningKeyStore.OpenOrCreate(_directory, _time);
        using var reopened = SigningKeyStore.OpenOrCreate(_directory, _time);
        var data = Encoding.ASCII.GetBytes("payload");

        var signature = reopened.SigningKey.SignData(data, HashAlgorithmName.SHA256);

        using var set = JsonWebKeySet.Parse(sut.JwksJson);
        Assert.True(set.TryGetKey(sut.KeyId, out var key));
        Assert.True(key.VerifyData(data, signature, HashAlgorithmName.SHA256));
    }
}
