using System.Globalization;
using System.Text.Json.Nodes;
using AgentOps.Cli.Output;
using AgentOps.Identity;

namespace AgentOps.Cli.Tokens;

/// <summary>
/// What <c>token inspect</c> and <c>token verify</c> print: the claims, and the delegation chain drawn hop by hop for a
/// person (who delegated to whom, what scope, why, when). A token the verifier refused is shown marked UNVERIFIED.
/// </summary>
internal static class TokenReport
{
    public static JsonObject ToJson(DecodedToken decoded, TokenVerification verification)
    {
        var result = new JsonObject
        {
            ["verified"] = verification.IsValid,
            ["reason"] = verification.IsValid ? null : Reason(verification),
            ["header"] = decoded.Header?.DeepClone(),
            ["claims"] = decoded.Payload?.DeepClone(),
            ["chain"] = new JsonArray(Hops(decoded).Select(h => (JsonNode?)new JsonObject
            {
                ["delegator"] = h.Delegator,
                ["delegatee"] = h.Delegatee,
                ["scope"] = h.Scope,
                ["purpose"] = h.Purpose,
                ["delegatedAt"] = h.DelegatedAt?.ToString("O", CultureInfo.InvariantCulture),
                ["jti"] = h.Jti,
            }).ToArray()),
            ["decodeProblem"] = decoded.Problem,
        };
        return result;
    }

    public static JsonObject Reason(TokenVerification verification) => new()
    {
        ["code"] = verification.ErrorCode,
        ["message"] = verification.Error is { } error && error.IndexOf(": ", StringComparison.Ordinal) is var colon and >= 0 ? error[(colon + 2)..] : verification.Error,
    };

    public static void Print(Reply reply, DecodedToken decoded, TokenVerification verification, TimeProvider time, string checks)
    {
        if (verification.IsValid)
        {
            reply.Line($"Token VERIFIED ({checks}).");
        }
        else
        {
            reply.Line($"Token NOT VALID: {verification.Error}");
            reply.Line(decoded.Payload is null
                ? $"Nothing could be decoded: {decoded.Problem}."
                : "UNVERIFIED: what follows is what the token claims; none of it has been checked. Do not rely on it.");
        }
        if (decoded.Payload is null)
        {
            return;
        }
        var now = time.GetUtcNow();
        reply.Line($"  subject    {decoded.Claim("sub")}  ({decoded.Claim("agent_type")}, {decoded.Claim("agent_provider")}/{decoded.Claim("agent_model")})");
        reply.Line($"  audience   {decoded.Claim("aud")}");
        reply.Line($"  scope      {decoded.Claim("scope")}");
        reply.Line($"  issuer     {decoded.Claim("iss")}");
        reply.Line($"  issued     {When(decoded.Time("iat"))}");
        reply.Line($"  expires    {When(decoded.Time("exp"))}{Remaining(decoded.Time("exp"), now)}");
        reply.Line($"  jti        {decoded.Claim("jti")}");
        if (decoded.Claim("agent_context_id") is { } context)
        {
            reply.Line($"  run        {context}");
        }
        reply.Line($"  key        {decoded.Header?["kid"]?.ToString()} ({decoded.Header?["alg"]?.ToString()}, typ {decoded.Header?["typ"]?.ToString()})");
        var hops = Hops(decoded);
        reply.Line();
        reply.Line(hops.Count == 0
            ? "Delegation chain: none (or unreadable)."
            : $"Delegation chain, oldest first ({hops.Count} hop{(hops.Count == 1 ? string.Empty : "s")}):");
        for (var i = 0; i < hops.Count; i++)
        {
            var hop = hops[i];
            reply.Line($"  {i + 1}. {hop.Delegator}");
            reply.Line($"       └─▶ {hop.Delegatee}");
            reply.Line($"           scope    {hop.Scope}");
            reply.Line($"           purpose  {hop.Purpose ?? "(none given)"}");
            reply.Line($"           when     {When(hop.DelegatedAt)}");
        }
    }

    private static string When(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "(missing or unreadable)";

    private static string Remaining(DateTimeOffset? expires, DateTimeOffset now) => expires switch
    {
        null => string.Empty,
        var e when e <= now => "  (expired)",
        var e => $"  (in {(int)(e.Value - now).TotalMinutes}m {(e.Value - now).Seconds}s)",
    };

    private static List<Hop> Hops(DecodedToken decoded)
    {
        if (decoded.Payload?["delegation_chain"] is not JsonArray chain)
        {
            return [];
        }
        return chain.OfType<JsonObject>().Select(entry => new Hop(
            Text(entry, "sub") ?? "(missing)",
            Text(entry, "aud") ?? "(missing)",
            Text(entry, "scope") ?? "(missing)",
            Text(entry, "purpose"),
            entry["delegated_at"] is JsonValue at && at.TryGetValue<long>(out var seconds) && seconds is > 0 and < 253402300800 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null,
            Text(entry, "jti"))).ToList();
    }

    private static string? Text(JsonObject entry, string name) => entry[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private sealed record Hop(string Delegator, string Delegatee, string Scope, string? Purpose, DateTimeOffset? DelegatedAt, string? Jti);
}
