using System.Text.Json;
using AgentOps.Core;

namespace AgentOps.Identity;

/// <summary>The payload claims other than the delegation chain, read and type-checked but not yet judged.</summary>
internal sealed record TokenClaims(
    string Issuer,
    string Subject,
    string Audience,
    DateTimeOffset IssuedAt,
    DateTimeOffset NotBefore,
    DateTimeOffset ExpiresAt,
    string Jti,
    ScopeSet Scope,
    string AgentType,
    string DelegatorSubject,
    string? Purpose,
    string? ContextId,
    DelegationConstraints? Constraints)
{
    private static readonly string[] s_requiredAgentClaims = ["agent_model", "agent_provider", "agent_instance_id"];

    public long? MaxDurationSeconds => Constraints?.MaxDurationSeconds;

    public static TokenClaims? TryRead(JsonElement payload, out string? code, out string? error)
    {
        var reader = new ClaimReader(payload, "claim");
        if (payload.TryGetProperty("aud", out var aud) && aud.ValueKind != JsonValueKind.String)
        {
            // Several audiences would let one token be replayed at every server it names (a sibling-server replay).
            code = aud.ValueKind == JsonValueKind.Array ? TokenErrorCodes.MultipleAudiences : TokenErrorCodes.Malformed;
            error = "claim 'aud' must be a single string naming one tool server";
            return null;
        }
        var claims = new TokenClaims(
            reader.RequiredString("iss"),
            reader.RequiredString("sub"),
            reader.RequiredString("aud"),
            reader.RequiredNumericDate("iat"),
            reader.RequiredNumericDate("nbf"),
            reader.RequiredNumericDate("exp"),
            reader.RequiredString("jti"),
            reader.RequiredScope("scope"),
            reader.RequiredString("agent_type"),
            reader.RequiredString("delegator_sub"),
            reader.OptionalString("delegation_purpose"),
            reader.OptionalString("agent_context_id"),
            null);
        foreach (var name in s_requiredAgentClaims)
        {
            reader.RequiredString(name);
        }
        reader.OptionalObject("act");
        var constraints = reader.OptionalObject("delegation_constraints");
        error = reader.Error;
        code = reader.ErrorCode;
        if (error is null && constraints is { } constraintsObject)
        {
            var parsed = DelegationConstraints.TryRead(constraintsObject, "delegation constraint", out error);
            code = TokenErrorCodes.Malformed;
            claims = claims with { Constraints = parsed };
        }
        return error is null ? claims : null;
    }
}
