using AgentOps.Core;

namespace AgentOps.Identity;

/// <summary>
/// Verifies a delegated token as a tool server must before acting on it: signature, issuer, audience,
/// time, the delegation chain, the scope the call needs, and single use.
/// </summary>
public sealed class DelegatedTokenVerifier
{
    private const int MinPayloadDepth = 16;

    private readonly JsonWebKeySet _keys;
    private readonly VerifierOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly IReplayCache? _replayCache;

    /// <param name="replayCache">Null skips the replay check, e.g. where a token is legitimately shown more than once.</param>
    public DelegatedTokenVerifier(JsonWebKeySet keys, VerifierOptions options, TimeProvider timeProvider, IReplayCache? replayCache)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        _keys = keys;
        _options = options;
        _timeProvider = timeProvider;
        _replayCache = replayCache;
    }

    public TokenVerification Verify(string? token, string expectedAudience, Scope? requiredScope = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(expectedAudience);
        if (string.IsNullOrWhiteSpace(token))
        {
            return Fail(TokenErrorCodes.MissingToken, "no delegated credential was presented");
        }
        var payloadBytes = JwsCompact.TryVerify(token, _keys, _options, out var error);
        if (payloadBytes is null)
        {
            return TokenVerification.Failure(error!);
        }
        // act nests once per hop, so the depth allowance follows the chain limit.
        var maxDepth = Math.Max(MinPayloadDepth, _options.MaxChainDepth + 8);
        using var payload = StrictJson.TryParseObject(payloadBytes, maxDepth, out var jsonError);
        if (payload is null)
        {
            return Fail(TokenErrorCodes.Malformed, $"payload is {jsonError}");
        }
        var claims = TokenClaims.TryRead(payload.RootElement, out var claimError);
        if (claims is null)
        {
            return Fail(TokenErrorCodes.Malformed, claimError!);
        }
        if (CheckIssuerAudienceAndTime(claims, expectedAudience) is { } claimFailure)
        {
            return TokenVerification.Failure(claimFailure);
        }
        var chain = DelegationChainJson.TryRead(payload.RootElement, out var chainError);
        if (chain is null)
        {
            return Fail(TokenErrorCodes.InvalidChain, chainError!);
        }
        if (DelegationChainValidator.Validate(chain, claims, _options) is { } chainFailure)
        {
            return Fail(TokenErrorCodes.InvalidChain, chainFailure);
        }
        var lifetime = (long)(claims.ExpiresAt - claims.IssuedAt).TotalSeconds;
        if (claims.MaxDurationSeconds is { } maxDuration && lifetime > maxDuration)
        {
            return Fail(TokenErrorCodes.ConstraintViolated, $"token lifetime {lifetime} s exceeds its max_duration constraint of {maxDuration} s");
        }
        if (requiredScope is not null && !claims.Scope.Covers(requiredScope))
        {
            return Fail(TokenErrorCodes.InsufficientScope, $"token scope '{claims.Scope}' does not cover '{requiredScope}'");
        }
        // Last, so a token refused for any other reason does not use up its jti.
        if (_replayCache is not null && !_replayCache.TryMarkUsed(claims.Jti, claims.ExpiresAt + _options.ClockSkew))
        {
            return Fail(TokenErrorCodes.Replayed, $"token {claims.Jti} has already been used");
        }
        return TokenVerification.Success(new VerifiedCredential(
            claims.Subject,
            claims.Issuer,
            claims.Audience,
            claims.Scope,
            chain,
            claims.DelegatorSubject,
            claims.Jti,
            claims.ExpiresAt,
            claims.AgentType,
            claims.Purpose)
        {
            ContextId = claims.ContextId,
        });
    }

    private string? CheckIssuerAudienceAndTime(TokenClaims claims, string expectedAudience)
    {
        if (claims.Issuer != _options.Issuer)
        {
            return $"{TokenErrorCodes.WrongIssuer}: token was issued by '{claims.Issuer}'; only '{_options.Issuer}' is trusted";
        }
        if (claims.Audience != expectedAudience)
        {
            return $"{TokenErrorCodes.WrongAudience}: token is for {claims.Audience}, this server is {expectedAudience}";
        }
        var now = _timeProvider.GetUtcNow();
        var skew = _options.ClockSkew;
        if (now >= claims.ExpiresAt + skew)
        {
            return $"{TokenErrorCodes.Expired}: token expired at {claims.ExpiresAt:O}";
        }
        if (claims.NotBefore > now + skew)
        {
            return $"{TokenErrorCodes.NotYetValid}: token is not valid before {claims.NotBefore:O}";
        }
        if (claims.IssuedAt > now + skew)
        {
            return $"{TokenErrorCodes.NotYetValid}: token claims to be issued in the future, at {claims.IssuedAt:O}";
        }
        if (claims.ExpiresAt <= claims.IssuedAt)
        {
            return $"{TokenErrorCodes.Malformed}: exp {claims.ExpiresAt:O} is not after iat {claims.IssuedAt:O}";
        }
        if (claims.ExpiresAt - claims.IssuedAt > _options.MaxTokenLifetime)
        {
            return $"{TokenErrorCodes.ExcessiveLifetime}: token lives {(claims.ExpiresAt - claims.IssuedAt).TotalSeconds} s; at most {_options.MaxTokenLifetime.TotalSeconds} s is accepted";
        }
        return null;
    }

    private static TokenVerification Fail(string code, string detail) => TokenVerification.Failure($"{code}: {detail}");
}
