using AgentOps.Core;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Identity.Tests;

/// <summary>
/// A long-running verifier (a tool server in HTTP mode) follows the issuer's JWKS file: a rotated-in key is trusted,
/// an unpublished one is not, without a restart; a broken file never costs it the keys it had.
/// </summary>
public sealed class WatchedKeySetTests : IDisposable
{
    private static readonly ScopeSet s_scope = ScopeSet.Parse("git:read:repo/platform-gitops");

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "agentops-identity-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Watch_KeyRotatedIn_TrustedFromTheNextCheckWithoutARestart()
    {
        using (SigningKeyStore.OpenOrCreate(_directory, _time))
        {
        }
        using var watched = JsonWebKeySet.Watch(Path.Combine(_directory, SigningKeyStore.JwksFileName), _time);
        var verifier = new DelegatedTokenVerifier(watched, new VerifierOptions { VerifiedCacheCapacity = 0 }, _time, replayCache: null);
        using var rotated = SigningKeyStore.Rotate(_directory, _time);
        var token = Step(rotated);

        var beforeCheck = verifier.Verify(token, IdentityTestContext.GitServer);
        _time.Advance(TimeSpan.FromSeconds(1));
        var afterCheck = verifier.Verify(token, IdentityTestContext.GitServer);

        Assert.Equal(TokenErrorCodes.UnknownKey, beforeCheck.ErrorCode);
        Assert.True(afterCheck.IsValid, afterCheck.Error);
    }

    [Fact]
    public void Watch_KeyUnpublishedAfterItsOverlap_NoLongerTrusted()
    {
        string oldKid;
        using (var first = SigningKeyStore.OpenOrCreate(_directory, _time))
        {
            oldKid = first.KeyId;
        }
        SigningKeyStore.Rotate(_directory, _time).Dispose();
        using var watched = JsonWebKeySet.Watch(Path.Combine(_directory, SigningKeyStore.JwksFileName), _time);
        Assert.True(watched.TryGetKey(oldKid, out _));

        _time.Advance(SigningKeyStore.RetiredKeyOverlap + TimeSpan.FromSeconds(1));
        // Opening the store is what rewrites the JWKS without the retired key.
        using var reopened = SigningKeyStore.OpenOrCreate(_directory, _time);

        Assert.False(watched.TryGetKey(oldKid, out _));
        Assert.True(watched.TryGetKey(reopened.KeyId, out _));
    }

    [Fact]
    public void Watch_FileBrokenThenRepaired_KeepsTheLastGoodKeysMeanwhile()
    {
        using var store = SigningKeyStore.OpenOrCreate(_directory, _time);
        var good = File.ReadAllText(store.JwksPath);
        using var watched = JsonWebKeySet.Watch(store.JwksPath, _time);

        File.WriteAllText(store.JwksPath, """{"keys":[{"kty":"EC",""");
        _time.Advance(TimeSpan.FromSeconds(1));
        var whileBroken = watched.TryGetKey(store.KeyId, out _);
        File.WriteAllText(store.JwksPath, """{"keys":[]}""");
        _time.Advance(TimeSpan.FromSeconds(1));
        var afterEmptied = watched.TryGetKey(store.KeyId, out _);
        File.WriteAllText(store.JwksPath, good);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(whileBroken);
        Assert.False(afterEmptied);
        Assert.True(watched.TryGetKey(store.KeyId, out _));
    }

    private string Step(SigningKeyStore keys)
    {
        var broker = new CredentialBroker(keys, _time, new BrokerOptions());
        var goal = broker.IssueForGoal("developer@example.com", IdentityTestContext.Planner, s_scope, "watch test", "run-1").Token;
        return broker.Exchange(goal, IdentityTestContext.GitAgent, IdentityTestContext.GitServer, s_scope, "read").Token;
    }
}
