using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Unicode;

namespace AgentOps.Identity;

/// <summary>
/// A signed token's payload, read in one pass over its bytes: the structure is checked (UTF-8, depth, duplicate
/// members) while the claims and the delegation chain are captured, with no document built in between. Problems with
/// the claims and with the chain are kept apart, because the verifier judges issuer, audience and time (rule 2) before
/// it reads the chain (rules 3-7); within each, the first problem in a fixed order is the one reported, whatever the
/// member order in the JSON.
/// </summary>
internal sealed class TokenPayload
{
    private const int MaxMemberNameInError = 64;

    private TokenPayload()
    {
    }

    public TokenClaims? Claims { get; private set; }

    /// <summary>Set when <see cref="Claims"/> is null.</summary>
    public string? ClaimsErrorCode { get; private set; }

    public string? ClaimsError { get; private set; }

    public IReadOnlyList<DelegationLink>? Chain { get; private set; }

    /// <summary>Set when <see cref="Chain"/> is null; its code is <see cref="TokenErrorCodes.InvalidChain"/>.</summary>
    public string? ChainError { get; private set; }

    /// <exception cref="StrictJsonException">Not UTF-8, not one JSON object, too deep, or a repeated member name.</exception>
    public static TokenPayload Parse(ReadOnlySpan<byte> utf8, int maxDepth)
    {
        if (!Utf8.IsValid(utf8))
        {
            throw new StrictJsonException(TokenErrorCodes.InvalidUtf8, "not valid UTF-8");
        }
        var reader = new StrictJsonReader(utf8, maxDepth);
        reader.ReadStartOfRootObject();
        var values = new TopLevelValues();
        var constraints = default(ConstraintsValue);
        var scopes = new ScopeParser();
        var chain = new ChainReader(scopes);
        while (reader.ReadMember())
        {
            var claim = Identify(ref reader);
            reader.ReadValue();
            switch (claim)
            {
                case Claim.DelegationChain:
                    chain.Read(ref reader);
                    break;
                case Claim.DelegationConstraints:
                    constraints = ConstraintsValue.Read(ref reader);
                    values[(int)claim] = new ClaimValue(constraints.Kind);
                    break;
                case Claim.Unknown:
                    reader.SkipValue();
                    break;
                default:
                    values[(int)claim] = ClaimValue.Read(ref reader);
                    break;
            }
        }
        reader.ReadEndOfInput();

        var payload = new TokenPayload();
        payload.CheckClaims(values, constraints, scopes);
        (payload.Chain, payload.ChainError) = chain.Result();
        return payload;
    }

    private void CheckClaims(in TopLevelValues values, in ConstraintsValue constraints, ScopeParser scopes)
    {
        var aud = values[(int)Claim.Aud];
        if (aud.IsPresent && aud.Kind != JsonTokenType.String)
        {
            // Several audiences would let one token be replayed at every server it names (a sibling-server replay).
            ClaimsErrorCode = aud.Kind == JsonTokenType.StartArray ? TokenErrorCodes.MultipleAudiences : TokenErrorCodes.Malformed;
            ClaimsError = "claim 'aud' must be a single string naming one tool server";
            return;
        }
        var reader = new ClaimReader("claim", scopes);
        var claims = new TokenClaims(
            reader.RequiredString("iss", values[(int)Claim.Iss]),
            reader.RequiredString("sub", values[(int)Claim.Sub]),
            reader.RequiredString("aud", aud),
            reader.RequiredNumericDate("iat", values[(int)Claim.Iat]),
            reader.RequiredNumericDate("nbf", values[(int)Claim.Nbf]),
            reader.RequiredNumericDate("exp", values[(int)Claim.Exp]),
            reader.RequiredString("jti", values[(int)Claim.Jti]),
            reader.RequiredScope("scope", values[(int)Claim.Scope]),
            reader.RequiredString("agent_type", values[(int)Claim.AgentType]),
            reader.RequiredString("delegator_sub", values[(int)Claim.DelegatorSub]),
            reader.OptionalString("delegation_purpose", values[(int)Claim.DelegationPurpose]),
            reader.OptionalString("agent_context_id", values[(int)Claim.AgentContextId]),
            null);
        reader.RequiredString("agent_model", values[(int)Claim.AgentModel]);
        reader.RequiredString("agent_provider", values[(int)Claim.AgentProvider]);
        reader.RequiredString("agent_instance_id", values[(int)Claim.AgentInstanceId]);
        reader.OptionalObject("act", values[(int)Claim.Act]);
        reader.OptionalObject("delegation_constraints", values[(int)Claim.DelegationConstraints]);
        if (reader.Error is not null)
        {
            (ClaimsErrorCode, ClaimsError) = (reader.ErrorCode, reader.Error);
            return;
        }
        if (constraints.Problem is not null)
        {
            (ClaimsErrorCode, ClaimsError) = (TokenErrorCodes.Malformed, $"delegation constraint {constraints.Problem}");
            return;
        }
        Claims = claims with { Constraints = constraints.Value };
    }

    private static Claim Identify(ref StrictJsonReader reader)
    {
        for (var claim = Claim.Iss; claim < Claim.Unknown; claim++)
        {
            if (reader.NameIs(Utf8Name(claim)))
            {
                return claim;
            }
        }
        return Claim.Unknown;
    }

    private static ReadOnlySpan<byte> Utf8Name(Claim claim) => claim switch
    {
        Claim.Iss => "iss"u8,
        Claim.Sub => "sub"u8,
        Claim.Aud => "aud"u8,
        Claim.Iat => "iat"u8,
        Claim.Nbf => "nbf"u8,
        Claim.Exp => "exp"u8,
        Claim.Jti => "jti"u8,
        Claim.Scope => "scope"u8,
        Claim.AgentType => "agent_type"u8,
        Claim.DelegatorSub => "delegator_sub"u8,
        Claim.DelegationPurpose => "delegation_purpose"u8,
        Claim.AgentContextId => "agent_context_id"u8,
        Claim.AgentModel => "agent_model"u8,
        Claim.AgentProvider => "agent_provider"u8,
        Claim.AgentInstanceId => "agent_instance_id"u8,
        Claim.Act => "act"u8,
        Claim.DelegationConstraints => "delegation_constraints"u8,
        Claim.DelegationChain => "delegation_chain"u8,
        _ => throw new ArgumentOutOfRangeException(nameof(claim)),
    };

    private static string Truncate(string text) => text.Length <= MaxMemberNameInError ? text : text[..MaxMemberNameInError] + "…";

    private enum Claim
    {
        Iss,
        Sub,
        Aud,
        Iat,
        Nbf,
        Exp,
        Jti,
        Scope,
        AgentType,
        DelegatorSub,
        DelegationPurpose,
        AgentContextId,
        AgentModel,
        AgentProvider,
        AgentInstanceId,
        Act,
        DelegationConstraints,
        DelegationChain,
        Unknown,
    }

    [InlineArray((int)Claim.Unknown)]
    private struct TopLevelValues
    {
        private ClaimValue _first;
    }

    /// <summary>A <c>constraints</c> member: its JSON kind, and what it enforces or why it cannot be enforced.</summary>
    private readonly record struct ConstraintsValue(JsonTokenType Kind, DelegationConstraints? Value, string? Problem)
    {
        public static ConstraintsValue Read(ref StrictJsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                var kind = reader.TokenType;
                reader.SkipValue();
                return new ConstraintsValue(kind, null, "must be a JSON object");
            }
            var value = DelegationConstraints.Read(ref reader, out var problem);
            return new ConstraintsValue(JsonTokenType.StartObject, value, problem);
        }
    }

    /// <summary>Reads <c>delegation_chain</c>, keeping the first problem in entry order and reading on past it.</summary>
    private sealed class ChainReader(ScopeParser scopes)
    {
        private readonly List<DelegationLink> _links = new(8);
        private bool _seen;
        private string? _error;

        public (IReadOnlyList<DelegationLink>? Chain, string? Error) Result() =>
            !_seen ? (null, $"claim '{DelegationChainJson.ClaimName}' is missing")
            : _error is not null ? (null, _error)
            : (_links, null);

        public void Read(ref StrictJsonReader reader)
        {
            _seen = true;
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                _error ??= $"claim '{DelegationChainJson.ClaimName}' must be a non-empty array";
                reader.SkipValue();
                return;
            }
            var index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadEntry(ref reader, index);
                }
                else
                {
                    _error ??= $"entry {index} is not a JSON object";
                    reader.SkipValue();
                }
                index++;
            }
            if (index == 0)
            {
                _error ??= $"claim '{DelegationChainJson.ClaimName}' must be a non-empty array";
            }
        }

        private void ReadEntry(ref StrictJsonReader reader, int index)
        {
            var values = new EntryValues();
            var constraints = default(ConstraintsValue);
            string? unsupported = null;
            while (reader.ReadMember())
            {
                var member = IdentifyEntryMember(ref reader);
                if (member == EntryMember.Unsupported)
                {
                    // Exactly the OIDC-A entry members; anything else is refused rather than ignored.
                    unsupported ??= reader.GetName();
                }
                reader.ReadValue();
                switch (member)
                {
                    case EntryMember.Constraints:
                        constraints = ConstraintsValue.Read(ref reader);
                        break;
                    case EntryMember.Unsupported:
                        reader.SkipValue();
                        break;
                    default:
                        values[(int)member] = ClaimValue.Read(ref reader);
                        break;
                }
            }
            if (_error is not null)
            {
                return;
            }
            if (unsupported is not null)
            {
                _error = $"entry {index} has unsupported member '{Truncate(unsupported)}'";
                return;
            }
            var claims = new ClaimReader($"entry {index} member", scopes);
            var link = new DelegationLink(
                claims.RequiredString("iss", values[(int)EntryMember.Iss]),
                claims.RequiredString("sub", values[(int)EntryMember.Sub]),
                claims.RequiredString("aud", values[(int)EntryMember.Aud]),
                claims.RequiredNumericDate("delegated_at", values[(int)EntryMember.DelegatedAt]),
                claims.RequiredScope("scope", values[(int)EntryMember.Scope]),
                claims.OptionalString("purpose", values[(int)EntryMember.Purpose]),
                claims.RequiredString("jti", values[(int)EntryMember.Jti]));
            if (claims.Error is not null)
            {
                _error = claims.Error;
                return;
            }
            if (constraints.Kind != JsonTokenType.None)
            {
                if (constraints.Problem is not null)
                {
                    _error = $"entry {index} constraint {constraints.Problem}";
                    return;
                }
                link = link with { Constraints = constraints.Value };
            }
            _links.Add(link);
        }

        private static EntryMember IdentifyEntryMember(ref StrictJsonReader reader) =>
            reader.NameIs("iss"u8) ? EntryMember.Iss
            : reader.NameIs("sub"u8) ? EntryMember.Sub
            : reader.NameIs("aud"u8) ? EntryMember.Aud
            : reader.NameIs("delegated_at"u8) ? EntryMember.DelegatedAt
            : reader.NameIs("scope"u8) ? EntryMember.Scope
            : reader.NameIs("purpose"u8) ? EntryMember.Purpose
            : reader.NameIs("jti"u8) ? EntryMember.Jti
            : reader.NameIs("constraints"u8) ? EntryMember.Constraints
            : EntryMember.Unsupported;

        private enum EntryMember
        {
            Iss,
            Sub,
            Aud,
            DelegatedAt,
            Scope,
            Purpose,
            Jti,
            Constraints,
            Unsupported,
        }

        [InlineArray((int)EntryMember.Constraints)]
        private struct EntryValues
        {
            private ClaimValue _first;
        }
    }
}
