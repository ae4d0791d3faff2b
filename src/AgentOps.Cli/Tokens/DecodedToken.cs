using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentOps.Cli.Tokens;

/// <summary>
/// A JWT taken apart without checking anything, so <c>token inspect</c> can still show what an invalid token claims.
/// Nothing here is trusted: callers print it marked unverified unless the verifier accepted the same token.
/// </summary>
internal sealed record DecodedToken(JsonObject? Header, JsonObject? Payload, string? Problem)
{
    /// <summary>The verifier's own limit; larger input is not decoded at all.</summary>
    public const int MaxTokenChars = 8192;

    public static DecodedToken Decode(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length > MaxTokenChars)
        {
            return new DecodedToken(null, null, $"the token is {token.Length} characters long; tokens over {MaxTokenChars} are not decoded");
        }
        var parts = token.Trim().Split('.');
        if (parts.Length != 3)
        {
            return new DecodedToken(null, null, $"a JWT has three dot-separated parts (header.payload.signature); this has {parts.Length}");
        }
        var header = Part(parts[0], "header", out var headerProblem);
        var payload = Part(parts[1], "payload", out var payloadProblem);
        return new DecodedToken(header, payload, headerProblem ?? payloadProblem);
    }

    public string? Claim(string name) => Payload?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public DateTimeOffset? Time(string name) =>
        Payload?[name] is JsonValue value && value.TryGetValue<long>(out var seconds) && seconds is > 0 and < 253402300800
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private static JsonObject? Part(string text, string name, out string? problem)
    {
        problem = null;
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            problem = $"the {name} is not base64url";
            return null;
        }
        try
        {
            var node = JsonNode.Parse(Encoding.UTF8.GetString(bytes), documentOptions: new JsonDocumentOptions { MaxDepth = 32 });
            if (node is JsonObject obj)
            {
                return obj;
            }
            problem = $"the {name} is not a JSON object";
        }
        catch (JsonException ex)
        {
            problem = $"the {name} is not JSON: {ex.Message}";
        }
        return null;
    }
}
