using System.Text.RegularExpressions;

namespace AgentOps.Guardrails;

/// <summary>
/// Says when a key's name marks its value as a secret (<c>DB_PASSWORD</c>, <c>api-token</c>, <c>tls.key</c>) whatever
/// the value looks like. <c>secretName</c>, <c>token_type</c> and <c>writeConnectionSecretToRef</c> name things; they
/// are not secrets. One rule for our tool servers' output hygiene and the orchestrator's screen of third-party output.
/// </summary>
public static partial class SecretKeyNames
{
    public static bool IsSecretKey(string key) => SecretKeyPattern().IsMatch(key);

    [GeneratedRegex(@"(^|[_.\-])(password|passwd|pwd|secret|token|api[_.\-]?key|private[_.\-]?key|ssh[_.\-]?privatekey|access[_.\-]?key|secret[_.\-]?key|credentials?|client[_.\-]?secret)$|^(apiKey|privateKey|accessKey|secretKey|clientSecret|tls\.key)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretKeyPattern();
}
