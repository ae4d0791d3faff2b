using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentOps.Identity;

/// <summary>Produces ES256 JWS compact tokens with the one header shape verifiers accept.</summary>
internal sealed class JwsSigner
{
    // The default encoder writes "at+jwt" as "at\u002Bjwt"; legal, but needlessly opaque to anyone reading a token.
    private static readonly JsonSerializerOptions s_compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ECDsa _key;
    private readonly string _keyId;

    public JwsSigner(ECDsa key, string keyId)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        _key = key;
        _keyId = keyId;
    }

    public string Sign(JsonObject payload) => SignRaw(
        new JsonObject { ["alg"] = JwsCompact.Algorithm, ["typ"] = JwsCompact.TokenType, ["kid"] = _keyId },
        payload);

    /// <summary>Signs whatever it is given; tests use it to build tokens the broker would never issue.</summary>
    internal string SignRaw(JsonObject header, JsonObject payload) =>
        SignRaw(header.ToJsonString(s_compact), payload.ToJsonString(s_compact));

    internal string SignRaw(string headerJson, string payloadJson)
    {
        var signingInput = $"{StrictBase64Url.Encode(Encoding.UTF8.GetBytes(headerJson))}.{StrictBase64Url.Encode(Encoding.UTF8.GetBytes(payloadJson))}";
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256);
        return $"{signingInput}.{StrictBase64Url.Encode(signature)}";
    }
}
