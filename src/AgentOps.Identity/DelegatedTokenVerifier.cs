using System.Security.Cryptography;
using AgentOps.Core;

namespace AgentOps.Identity;

/// <summary>
/// The one verifier every tool server and the orchestrator use. It applies DESIGN's rules in order: (1) signature
/// and allowed algorithm; (2) typ, iss, aud and time with bounded skew; (3) chain order; (4) <c>aud[n] == sub[n+1]</c>;
/// (5) per-hop scope subsets; (6) constraints; (7) maximum depth; then the scope this call needs, revocation, and
/// (8) single use of the <c>jti</c>. The size limit applies before anything is parsed; every refusal is
/// <c>"&lt;code&gt;: &lt;explanation&gt;"</c> and never contains the token or a key.
/// </summary>
public sealed class DelegatedTokenVerifier
{
    private const int MinPayloadDepth = 16;

    private readonly IReadOnlyDictionary<string, JsonWebKeySet> _keysByIssuer;
    private readonly VerifierOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly IReplayCache? _replayCache;
    private readonly IRevocationList? _revocations;
    private readonly ICredentialLedger? _ledger;
    private readonly ITokenAdmission? _admission;
    private readonly VerifiedTokenCache? _verified;
    private readonly Func<string, ECDsa?> _findKey;

    /// <param name="keys">The key set of <see cref="VerifierOptions.Issuer"/>, the one trusted issuer.</param>
    /// <param name="replayCache">Null skips the replay check, e.g. where a token is legitimately shown more than once.</param>
    /// <param name="revocations">Consulted on every call; null when nothing can be revoked (tests, benchmarks).</param>
    /// <param name="ledger">Told of every accepted token (its last use); null records nothing.</param>
    /// <param name="admission">
    /// Revocation, replay and last use in one step, in place of the three above (which must then be null): a store
    /// shared by processes answers all three in one transaction rather than three round trips.
    /// </param>
    public DelegatedTokenVerifier(
        JsonWebKeySet keys,
        VerifierOptions options,
        TimeProvider timeProvider,
        IReplayCache? replayCache,
        IRevocationList? revocations = null,
        ICredentialLedger? ledger = null,
        ITokenAdmission? admission = null)
        : this(SingleIssuer(keys, options), options, timeProvider, replayCache, revocations, ledger, admission)
    {
    }

    /// <param name="keysByIssuer">
    /// Every trusted issuer with its own key set. A token is accepted only from the issuer whose set holds the key
    /// that signed it, so one tenant's broker can never speak for another.
    /// </param>
    public DelegatedTokenVerifier(
        IReadOnlyDictionary<string, JsonWebKeySet> keysByIssuer,
        VerifierOptions options,
        TimeProvider timeProvider,
        IReplayCache? replayCache,
        IRevocationList? revocations = null,
        ICredentialLedger? ledger = null,
        ITokenAdmission? admission = null)
    {
        ArgumentNullException.ThrowIfNull(keysByIssuer);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        if (keysByIssuer.Count == 0)
        {
            throw new ArgumentException("At least one trusted issuer is needed.", nameof(keysByIssuer));
        }
        if (admission is not null && (replayCache ?? revocations ?? (object?)ledger) is not null)
        {
            throw new ArgumentException("Give either an admission or a replay cache, revocation list and ledger, not both: a token would be checked twice.", nameof(admission));
        }
        _keysByIssuer = keysByIssuer;
        _options = options;
        _timeProvider = timeProvider;
        _replayCache = replayCache;
        _revocations = revocations;
        _ledger = ledger;
        _admission = admission;
        _verified = options.VerifiedCacheCapacity > 0 ? new VerifiedTokenCache(options.VerifiedCacheCapacity) : null;
        _findKey = FindKey;
    }

    internal int CachedTokenCount => _verified?.Count ?? 0;

    public TokenVerification Verify(string? token, string expectedAudience, Scope? requiredScope = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(expectedAudience);
        if (string.IsNullOrWhiteSpace(token))
        {
            return Fail(TokenErrorCodes.MissingToken, "no delegated credential was presented");
        }
        var now = _timeProvider.GetUtcNow();
        TokenClaims claims;
        IReadOnlyList<DelegationLink> chain;
        if (_verified?.TryGet(token, now) is { } hit)
        {
            // Rules 1 and 3-7 depend only on the token's bytes and this verifier's fixed configuration: proven already.
            (claims, chain) = (hit.Claims, hit.Chain);
            if (CheckAudienceAndTime(claims, expectedAudience, now) is { } timeFailure)
            {
                return TokenVerification.Failure(timeFailure);
            }
        }
        else
        {
            var failure = VerifyInFull(token, expectedAudience, now, out claims!, out chain!);
            if (failure is not null)
            {
                return failure;
            }
            _verified?.Add(token, claims, chain, claims.ExpiresAt + _options.ClockSkew, now);
        }
        return Authorise(claims, chain, requiredScope, now);
    }

    private TokenVerification? VerifyInFull(string token, string expectedAudience, DateTimeOffset now, out TokenClaims? claims, out IReadOnlyList<DelegationLink>? chain)
    {
        claims = null;
        chain = null;
        // Rule 1: size, form, header and signature, before any claim is read.
        var payloadBytes = JwsCompact.TryVerify(token, _findKey, _options, out var error, out var kid);
        if (payloadBytes is null)
        {
            return TokenVerification.Failure(error!);
        }
        // act nests once per hop, so the depth allowance follows the chain limit.
        var maxDepth = Math.Max(MinPayloadDepth, _options.MaxChainDepth + 8);
        TokenPayload payload;
        try
        {
            payload = TokenPayload.Parse(payloadBytes, maxDepth);
        }
        catch (StrictJsonException ex)
        {
            return Fail(ex.Code, $"the payload is {ex.Message}");
        }
        claims = payload.Claims;
        if (claims is null)
        {
            return Fail(payload.ClaimsErrorCode!, payload.ClaimsError!);
        }
        // Rule 2: issuer bound to the signing key, subject, audience, time.
        if ((CheckIssuer(claims, kid!) ?? CheckAudienceAndTime(claims, expectedAudience, now)) is { } claimFailure)
        {
            return TokenVerification.Failure(claimFailure);
        }
        chain = payload.Chain;
        if (chain is null)
        {
            return Fail(TokenErrorCodes.InvalidChain, payload.ChainError!);
        }
        // Rules 3 to 7.
        if (DelegationChainValidator.Validate(chain, claims, _options) is { } chainFailure)
        {
            return Fail(chainFailure.Code, chainFailure.Detail);
        }
        return null;
    }

    private TokenVerification Authorise(TokenClaims claims, IReadOnlyList<DelegationLink> chain, Scope? requiredScope, DateTimeOffset now)
    {
        if (requiredScope is not null && !claims.Scope.Covers(requiredScope))
        {
            return Fail(TokenErrorCodes.InsufficientScope, $"token scope '{claims.Scope}' does not cover '{requiredScope}'");
        }
        if (Admit(claims, chain, now) is { } refusal)
        {
            return refusal;
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

    private TokenVerification? Admit(TokenClaims claims, IReadOnlyList<DelegationLink> chain, DateTimeOffset now)
    {
        // The jti is remembered for as long as the token could still verify.
        var rememberUntil = claims.ExpiresAt + _options.ClockSkew;
        if (_admission is not null)
        {
            var admission = _admission.Admit(RevocationQueryFor(claims, chain), claims.Jti, rememberUntil, now);
            return admission.Revocation is { } revoked ? RevokedFailure(revoked)
                : admission.Replayed ? ReplayedFailure(claims)
                : null;
        }
        if (_revocations?.FindRevocation(RevocationQueryFor(claims, chain)) is { } revocation)
        {
            return RevokedFailure(revocation);
        }
        // Rule 8, last, so a token refused for any other reason does not use up its jti.
        if (_replayCache is not null && !_replayCache.TryMarkUsed(claims.Jti, rememberUntil))
        {
            return ReplayedFailure(claims);
        }
        _ledger?.RecordUse(claims.Jti, now);
        return null;
    }

    private static TokenVerification RevokedFailure(Revocation revocation) => Fail(TokenErrorCodes.Revoked, revocation.Describe());

    private static TokenVerification ReplayedFailure(TokenClaims claims) =>
        Fail(TokenErrorCodes.Replayed, $"token {claims.Jti} has already been used; ask the broker for a fresh one per call");

    private static RevocationQuery RevocationQueryFor(TokenClaims claims, IReadOnlyList<DelegationLink> chain)
    {
        var jtis = new List<string>(chain.Count + 1) { claims.Jti };
        var subjects = new List<string>(chain.Count + 1) { claims.Subject };
        foreach (var link in chain)
        {
            if (link.Jti is not null)
            {
                jtis.Add(link.Jti);
            }
            subjects.Add(link.Subject);
        }
        return new RevocationQuery(jtis, subjects, claims.ContextId);
    }

    private string? CheckIssuer(TokenClaims claims, string kid)
    {
        if (!_keysByIssuer.TryGetValue(claims.Issuer, out var issuerKeys))
        {
            return $"{TokenErrorCodes.WrongIssuer}: token was issued by '{Short(claims.Issuer)}', which is not a trusted issuer (trusted: {string.Join(", ", _keysByIssuer.Keys)})";
        }
        if (!issuerKeys.TryGetKey(kid, out _))
        {
            return $"{TokenErrorCodes.IssuerKeyMismatch}: token claims issuer '{claims.Issuer}' but is signed with key '{Short(kid)}', which that issuer does not publish";
        }
        if (Subjects.ValidateSpiffeId(claims.Subject) is { } subjectProblem)
        {
            return $"{TokenErrorCodes.InvalidSubject}: sub must be the agent's SPIFFE ID, but {subjectProblem}";
        }
        if (Subjects.TryGetTrustDomain(claims.Issuer, out var trustDomain))
        {
            foreach (var (name, principal) in (ReadOnlySpan<(string, string)>)[("sub", claims.Subject), ("aud", claims.Audience), ("delegator_sub", claims.DelegatorSubject)])
            {
                if (Subjects.IsInOtherTrustDomain(principal, trustDomain))
                {
                    return $"{TokenErrorCodes.ForeignTrustDomain}: {name} '{Short(principal)}' is in trust domain '{Subjects.TrustDomainOf(principal)}' but the issuer's is '{trustDomain}'";
                }
            }
        }
        return null;
    }

    private string? CheckAudienceAndTime(TokenClaims claims, string expectedAudience, DateTimeOffset now)
    {
        if (claims.Audience != expectedAudience)
        {
            return $"{TokenErrorCodes.WrongAudience}: token is for {Short(claims.Audience)}, this server is {expectedAudience}";
        }
        var skew = _options.ClockSkew;
        if (now >= claims.ExpiresAt + skew)
        {
            return $"{TokenErrorCodes.Expired}: token expired at {claims.ExpiresAt:O}; ask the broker for a fresh one";
        }
        if (claims.NotBefore > now + skew)
        {
            return $"{TokenErrorCodes.NotYetValid}: token is not valid before {claims.NotBefore:O} (now {now:O}, skew {skew.TotalSeconds} s); check the clocks";
        }
        if (claims.IssuedAt > now + skew)
        {
            return $"{TokenErrorCodes.IssuedInFuture}: token claims to be issued at {claims.IssuedAt:O}, beyond {skew.TotalSeconds} s of skew from now ({now:O}); check the clocks";
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

    private ECDsa? FindKey(string kid)
    {
        foreach (var keys in _keysByIssuer.Values)
        {
            if (keys.TryGetKey(kid, out var key))
            {
                return key;
            }
        }
        return null;
    }

    private static Dictionary<string, JsonWebKeySet> SingleIssuer(JsonWebKeySet keys, VerifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(options);
        return new Dictionary<string, JsonWebKeySet>(StringComparer.Ordinal) { [options.Issuer] = keys };
    }

    private static string Short(string text) => text.Length <= 96 ? text : text[..96] + "…";

    private static TokenVerification Fail(string code, string detail) => TokenVerification.Failure($"{code}: {detail}");
}
