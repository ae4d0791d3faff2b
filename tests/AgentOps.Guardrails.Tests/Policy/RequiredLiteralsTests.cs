using AgentOps.Guardrails.Policy;

namespace AgentOps.Guardrails.Tests.Policy;

/// <summary>
/// A secret pattern's <c>requires</c> literals let text that holds none of them skip the regex. They must never make a
/// secret slip through: each is checked against the regex at load, and only ASCII text is ever skipped.
/// </summary>
public sealed class RequiredLiteralsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "agentops-guardrails-tests", Guid.NewGuid().ToString("N"));

    public RequiredLiteralsTests()
    {
        Directory.CreateDirectory(_directory);
        foreach (var file in new[] { "injection.yaml", "secrets.yaml", "limits.yaml" })
        {
            File.Copy(Path.Combine(TestPolicy.GuardrailsDirectory, file), Path.Combine(_directory, file));
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Load_RequiredLiteralTheRegexDoesNotContain_FailsNamingPatternAndLiteral()
    {
        var secrets = Path.Combine(_directory, "secrets.yaml");
        File.WriteAllText(secrets, File.ReadAllText(secrets).Replace("requires: [secret, key]", "requires: [secret, kye]", StringComparison.Ordinal));

        var ex = Assert.Throws<InvalidDataException>(() => GuardrailPolicy.Load(_directory));

        Assert.Contains("pattern 'aws-secret-access-key' requires 'kye', which its regex does not contain", ex.Message, StringComparison.Ordinal);
        Assert.Contains("secrets.yaml:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ShippedPolicy_SkipsOnlyTheBacktrackingPatternsItListsLiteralsFor()
    {
        var policy = GuardrailPolicy.Load(TestPolicy.GuardrailsDirectory);

        Assert.Equal(
            ["aws-access-key", "aws-secret-access-key", "password-assignment", "connection-string-password"],
            policy.SecretPatterns.Where(p => p.RequiredLiterals is not null).Select(p => p.Id));
    }

    [Theory]
    [InlineData("db_PASSWORD=Tr0ub4dor-and-3", "password-assignment")]
    [InlineData("api_token: 8f1e0b2c-4a9d-4c7e", "password-assignment")]
    [InlineData("CLIENT-KEY = abcdef123456", "password-assignment")]
    [InlineData("postgres://app:s3cretPass@db:5432/app", "connection-string-password")]
    [InlineData("aws_secret_access_key = Zq8vT2nLr5XyB7wK1pQ9sD4fH6jM3cV0gE8uA2tR", "aws-secret-access-key")]
    [InlineData("asia7hj2pq9wx4tr6lmb", "aws-access-key")]
    public void Redact_SecretsThePatternsListLiteralsFor_AreStillRedacted(string text, string rule)
    {
        var screen = new TextScreen(GuardrailPolicy.Load(TestPolicy.GuardrailsDirectory));

        Assert.Contains($"[REDACTED:{rule}]", screen.Redact(text), StringComparison.Ordinal);
        Assert.Equal(rule, screen.FindSecret(text)?.Id);
    }

    [Fact]
    public void CannotMatch_TextOutsideAscii_AlwaysRunsTheRegex()
    {
        var rule = GuardrailPolicy.Load(TestPolicy.GuardrailsDirectory).SecretPatterns.Single(p => p.Id == "password-assignment");

        // The Kelvin sign: the regex, ignoring case, reads "api_\u212Aey" as api_key; an ordinal search would not.
        const string kelvin = "api_\u212Aey=abcdef123456";

        Assert.False(rule.CannotMatch(kelvin));
        Assert.Matches(rule.Pattern, kelvin);
        Assert.True(rule.CannotMatch("status=Active name=payments"));
    }
}
