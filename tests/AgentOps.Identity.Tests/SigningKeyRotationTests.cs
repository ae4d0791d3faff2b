using AgentOps.Core;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Identity.Tests;

/// <summary>Rotation with an overlapping JWKS: the old key verifies until its last token has expired, then it is gone.</summary>
public sealed class SigningKeyRotationTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "agentops-identity-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Rotate_TokenSignedBefore_StillVerifiesWithNewJwks()
    {
        string oldToken;
        string oldKid;
        using (var before = SigningKeyStore.OpenOrCreate(_directory, _time))
        {
            oldKid = before.KeyId;
            oldToken = Step(new CredentialBroker(before, _time, new BrokerOptions()));
        }

        using var sut = SigningKeyStore.Rotate(_directory, _time);
        using var jwks = JsonWebKeySet.Load(sut.JwksPath);
        var newToken = Step(new CredentialBroker(sut, _time, new BrokerOptions()));
        var verifier = new DelegatedTokenVerifier(jwks, new VerifierOptions(), _time, replayCache: null);

        Assert.NotEqual(oldKid, sut.KeyId);
        Assert.Equal(new[] { sut.KeyId, oldKid }.Order(StringComparer.Ordinal), jwks.KeyIds.Order(StringComparer.Ordinal));
        Assert.True(verifier.Verify(oldToken, IdentityTestContext.GitServer).IsValid);
        Assert.True(verifier.Verify(newToken, IdentityTestContext.GitServer).IsValid);
        Assert.Equal(sut.KeyId, (string?)IdentityTestContext.Header(newToken)["kid"]);
    }

    [Fact]
    public void Rotate_AfterOverlap_OldKeyUnpublishedAndItsTokensUnknownKey()
    {
        string oldToken;
        string oldKid;
        using (var before = SigningKeyStore.OpenOrCreate(_directory, _time))
        {
            oldKid = before.KeyId;
            oldToken = Step(new CredentialBroker(before, _time, new BrokerOptions()));
        }
        SigningKeyStore.Rotate(_directory, _time).Dispose();

        _time.Advance(SigningKeyStore.RetiredKeyOverlap + TimeSpan.FromSeconds(1));
        using var reopened = SigningKeyStore.OpenOrCreate(_directory, _time);
        using var jwks = JsonWebKeySet.Load(reopened.JwksPath);
        var verifier = new DelegatedTokenVerifier(jwks, new VerifierOptions(), _time, replayCache: null);

        Assert.Equal([reopened.KeyId], jwks.KeyIds);
        Assert.DoesNotContain(oldKid, File.ReadAllText(reopened.JwksPath), StringComparison.Ordinal);
        Assert.Equal(TokenErrorCodes.UnknownKey, verifier.Verify(oldToken, IdentityTestContext.GitServer).ErrorCode);
    }

    [Fact]
    public void Rotate_JustBeforeOverlapEnds_OldKeyStillPublished()
    {
        string oldKid;
        using (var before = SigningKeyStore.OpenOrCreate(_directory, _time))
        {
            oldKid = before.KeyId;
        }
        SigningKeyStore.Rotate(_directory, _time).Dispose();

        _time.Advance(SigningKeyStore.RetiredKeyOverlap - TimeSpan.FromSeconds(1));
        using var reopened = SigningKeyStore.OpenOrCreate(_directory, _time);

        Assert.Contains(oldKid, File.ReadAllText(reopened.JwksPath), StringComparison.Ordinal);
        Assert.DoesNotContain("retired_until", File.ReadAllText(reopened.JwksPath), StringComparison.Ordinal);
    }

    [Fact]
    public void Rotate_Twice_PublishesAllThreeKeysWithinOverlap()
    {
        using (SigningKeyStore.OpenOrCreate(_directory, _time))
        {
        }
        SigningKeyStore.Rotate(_directory, _time).Dispose();
        _time.Advance(TimeSpan.FromMinutes(1));

        using var sut = SigningKeyStore.Rotate(_directory, _time);
        using var jwks = JsonWebKeySet.Load(sut.JwksPath);

        Assert.Equal(3, jwks.KeyIds.Count);
        Assert.Contains(sut.KeyId, jwks.KeyIds);
    }

    [Fact]
    public void Rotate_NoKeyYet_Throws()
    {
        Directory.CreateDirectory(_directory);

        Assert.Throws<InvalidOperationException>(() => SigningKeyStore.Rotate(_directory, _time));
    }

    private string Step(CredentialBroker broker)
    {
        var goal = broker.IssueForGoal(IdentityTestContext.Human, IdentityTestContext.Planner, ScopeSet.Parse("git:read"), "read", "run-r");
        return broker.Exchange(goal.Token, IdentityTestContext.GitAgent, IdentityTestContext.GitServer, ScopeSet.Parse("git:read"), "read").Token;
    }
}
