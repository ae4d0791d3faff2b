using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AgentOps.Core;

namespace AgentOps.Identity;

/// <summary>
/// Mints short-lived delegated tokens: one when a human authorises a goal, and narrower ones, RFC 8693
/// style, as the goal's work is handed to step agents. It never widens scope and never silently drops any.
/// </summary>
public sealed class CredentialBroker
{
    private readonly TimeProvider _timeProvider;
    private readonly BrokerOptions _options;
    private readonly JwsSigner _signer;
    private readonly DelegatedTokenVerifier _subjectVerifier;
    private readonly ICredentialLedger? _ledger;

    /// <param name="ledger">Told of every token minted (the NHI inventory); null records nothing.</param>
    /// <param name="revocations">Consulted when a subject token is exchanged, so a revoked goal cannot be narrowed into new tokens.</param>
    public CredentialBroker(
        SigningKeyStore keys,
        TimeProvider timeProvider,
        BrokerOptions options,
        ICredentialLedger? ledger = null,
        IRevocationList? revocations = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _timeProvider = timeProvider;
        _options = options;
        _ledger = ledger;
        _signer = new JwsSigner(keys.SigningKey, keys.KeyId);
        // The broker shares one clock with itself, so subject tokens get no skew; the set lives as long as the broker
        // and includes keys rotated out but still valid. A goal token is exchanged once per step, so the verified
        // cache spares all but the first exchange the signature check; revocation still runs on every one.
        _subjectVerifier = new DelegatedTokenVerifier(
            JsonWebKeySet.Parse(keys.JwksJson),
            new VerifierOptions { Issuer = options.Issuer, ClockSkew = TimeSpan.Zero, MaxChainDepth = options.MaxChainDepth },
            timeProvider,
            replayCache: null,
            revocations);
    }

    /// <summary>A human authorises a goal: the planner gets a token good only for exchange at this broker.</summary>
    /// <exception cref="DelegationRefusedException">A requested scope is beyond the planner's ceiling, or the subject is an agent.</exception>
    public DelegatedCredential IssueForGoal(string humanSubject, AgentIdentity planner, ScopeSet requested, string purpose, string goalId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(humanSubject);
        ValidateAgent(planner);
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentException.ThrowIfNullOrWhiteSpace(purpose);
        ArgumentException.ThrowIfNullOrWhiteSpace(goalId);
        if (Subjects.IsAgentSubject(humanSubject))
        {
            throw new DelegationRefusedException($"'{humanSubject}' is an agent identity; only a human can authorise a goal.");
        }
        if (requested.Count == 0)
        {
            throw new DelegationRefusedException("No scopes were requested for the goal.");
        }

        var granted = requested.Within(planner.Ceiling);
        if (!granted.Equals(requested))
        {
            var refused = Except(requested, granted);
            throw new DelegationRefusedException(
                $"Refused scopes {refused}: beyond the ceiling of planner {planner.Id}.", refused);
        }

        var now = Now();
        var jti = NewJti();
        var expiresAt = now + LifetimeFor(planner);
        var link = new DelegationLink(_options.Issuer, humanSubject, planner.Id, now, granted, purpose, jti, MaxDuration(now, expiresAt));
        return Mint(planner, _options.Issuer, granted, [link], now, expiresAt, jti, goalId, parentJti: null);
    }

    /// <summary>
    /// RFC 8693 style exchange: the holder of <paramref name="subjectToken"/> delegates part of its scope to
    /// <paramref name="actor"/>, for use at <paramref name="audience"/> only.
    /// </summary>
    /// <exception cref="DelegationRefusedException">
    /// The subject token is not valid here, a requested scope is held by neither it nor the actor's ceiling,
    /// or the chain would grow too long.
    /// </exception>
    public DelegatedCredential Exchange(string subjectToken, AgentIdentity actor, string audience, ScopeSet requested, string purpose)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subjectToken);
        ValidateAgent(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(audience);
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentException.ThrowIfNullOrWhiteSpace(purpose);

        var verification = _subjectVerifier.Verify(subjectToken, _options.Issuer);
        if (!verification.IsValid)
        {
            throw new DelegationRefusedException($"The subject token was rejected: {verification.Error}");
        }
        var subject = verification.Credential!;
        if (requested.Count == 0)
        {
            throw new DelegationRefusedException("No scopes were requested in the exchange.");
        }

        var beyondSubject = Except(requested, requested.Within(subject.Scope));
        var beyondCeiling = Except(requested, requested.Within(actor.Ceiling));
        if (beyondSubject.Count > 0 || beyondCeiling.Count > 0)
        {
            var reasons = new List<string>();
            if (beyondSubject.Count > 0)
            {
                reasons.Add($"{beyondSubject} not held by {subject.Subject} (holds '{subject.Scope}')");
            }
            if (beyondCeiling.Count > 0)
            {
                reasons.Add($"{beyondCeiling} beyond the ceiling of {actor.Id}");
            }
            var refused = new ScopeSet(beyondSubject.Concat(beyondCeiling));
            throw new DelegationRefusedException($"Refused scopes {refused}: would widen delegation: {string.Join("; ", reasons)}.", refused);
        }
        if (subject.Chain.Count + 1 > _options.MaxChainDepth)
        {
            throw new DelegationRefusedException(
                $"The delegation chain would have {subject.Chain.Count + 1} hops; at most {_options.MaxChainDepth} are allowed.");
        }
        if (actor.Id != subject.Subject && (subject.Chain[0].Subject == actor.Id || subject.Chain.Any(l => l.Audience == actor.Id)))
        {
            throw new DelegationRefusedException(
                $"{actor.Id} already appears in the delegation chain; delegating back to it would make a cycle.");
        }

        var now = Now();
        // A delegated token can never outlive the authority it was derived from, nor the actor's own maximum.
        var expiresAt = Min(now + LifetimeFor(actor), subject.ExpiresAt);
        if (expiresAt <= now)
        {
            throw new DelegationRefusedException($"The subject token expires at {subject.ExpiresAt:O}; nothing is left to delegate.");
        }
        // Rooted in the first hop's id, so a verifier can tell this hop belongs to this chain and no other.
        var jti = $"{subject.Chain[0].Jti ?? subject.Jti}.{NewJti()}";
        var link = new DelegationLink(_options.Issuer, subject.Subject, actor.Id, now, requested, purpose, jti, MaxDuration(now, expiresAt));
        return Mint(actor, audience, requested, [.. subject.Chain, link], now, expiresAt, jti, subject.ContextId, parentJti: subject.Jti);
    }

    private DelegatedCredential Mint(
        AgentIdentity agent,
        string audience,
        ScopeSet scope,
        IReadOnlyList<DelegationLink> chain,
        DateTimeOffset issuedAt,
        DateTimeOffset expiresAt,
        string jti,
        string? contextId,
        string? parentJti)
    {
        var last = chain[^1];
        var payload = new JsonObject
        {
            ["iss"] = _options.Issuer,
            ["sub"] = agent.Id,
            ["aud"] = audience,
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
            ["nbf"] = issuedAt.ToUnixTimeSeconds(),
            ["exp"] = expiresAt.ToUnixTimeSeconds(),
            ["jti"] = jti,
            ["scope"] = scope.ToString(),
            ["agent_type"] = agent.AgentType,
            ["agent_model"] = agent.Model,
            ["agent_provider"] = agent.Provider,
            ["agent_instance_id"] = Guid.NewGuid().ToString(),
            ["delegator_sub"] = last.Subject,
            ["delegation_purpose"] = last.Purpose,
            ["delegation_constraints"] = MaxDuration(issuedAt, expiresAt).ToJson(),
            [DelegationChainJson.ClaimName] = DelegationChainJson.ToJson(chain),
            ["act"] = DelegationChainJson.ToActClaim(chain),
        };
        if (contextId is not null)
        {
            payload["agent_context_id"] = contextId;
        }
        var token = _signer.Sign(payload);
        _ledger?.RecordIssued(new IssuedCredentialRecord(jti, agent.Id, last.Subject, contextId, audience, scope.ToString(), issuedAt, expiresAt, parentJti));
        return new DelegatedCredential(token, agent.Id, audience, scope, chain, expiresAt, jti);
    }

    private TimeSpan LifetimeFor(AgentIdentity agent) =>
        _options.MaxLifetimeByAgent.TryGetValue(agent.Id, out var agentMaximum) && agentMaximum < _options.TokenLifetime
            ? agentMaximum
            : _options.TokenLifetime;

    private static DelegationConstraints MaxDuration(DateTimeOffset from, DateTimeOffset until) =>
        new((long)(until - from).TotalSeconds);

    // Whole seconds, because NumericDate claims are whole seconds and the credential must match its token exactly.
    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeSeconds(_timeProvider.GetUtcNow().ToUnixTimeSeconds());

    private static string NewJti() => StrictBase64Url.Encode(RandomNumberGenerator.GetBytes(16));

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a <= b ? a : b;

    private static ScopeSet Except(ScopeSet all, ScopeSet kept) => new(all.Where(s => !kept.Contains(s)));

    private static void ValidateAgent(AgentIdentity agent, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(agent))] string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(agent, paramName);
        if (!Subjects.IsValidSpiffeId(agent.Id))
        {
            throw new ArgumentException($"Agent id '{agent.Id}' is not a valid SPIFFE ID.", paramName);
        }
        if (string.IsNullOrWhiteSpace(agent.AgentType) || string.IsNullOrWhiteSpace(agent.Model) || string.IsNullOrWhiteSpace(agent.Provider))
        {
            throw new ArgumentException($"Agent '{agent.Id}' needs a type, model and provider: OIDC-A requires them in every token.", paramName);
        }
        ArgumentNullException.ThrowIfNull(agent.Ceiling, paramName);
    }
}
