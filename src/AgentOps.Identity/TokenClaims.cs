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
    long? MaxDurationSeconds)
{
    private static readonly string[] s_requiredAgentClaims = ["agent_model", "agent_provider", "agent_instance_id"];

    public static TokenClaims? TryRead(JsonElement payload, out string? error)
    {
        var reader = new ClaimReader(payload, "claim");
        if (payload.TryGetProperty("aud", out var aud) && aud.ValueKind != JsonValueKind.String)
        {
            // Several audiences would let one token be replayed at every server it names.
            error = "claim 'aud' must be a single string";
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
        if (error is null && constraints is { } constraintsObject)
        {
            claims = ReadConstraints(constraintsObject, claims, out error);
        }
        return error is null ? claims : null;
    }

    private static TokenClaims ReadConstraints(JsonElement constraints, TokenClaims claims, out string? error)
    {
        error = null;
        long? maxDuration = null;
        foreach (var member in constraints.EnumerateObject())
        {
            if (member.NameEquals("max_duration") && member.Value.ValueKind == JsonValueKind.Number &&
                member.Value.TryGetInt64(out var seconds) && seconds > 0)
            {
                maxDuration = seconds;
                continue;
            }
            // A constraint this verifier cannot enforce must not be silently ignored.
            error = member.NameEquals("max_duration")
                ? "delegation constraint 'max_duration' must be a positive whole number of seconds"
                : $"delegation constraint '{member.Name}' is not supported by this verifier";
            return claims;
        }
        return claims with { MaxDurationSeconds = maxDuration };
    }
}
