using System.Text.RegularExpressions;
using AgentOps.Guardrails.Policy;

namespace AgentOps.Guardrails.Tests.Policy;

/// <summary>
/// A secret pattern's <c>allow</c> regexes excuse known false positives (documentation keys, placeholders). They are
/// checked at load, honoured by FindSecret and Redact, and never excuse a real secret next to an excused one.
/// </summary>
public sealed class SecretAllowListTests : IDisposable
{
    private const string RealKey = "AKIA4QX7RM2KT9BW3NPZ";
    private const string DocumentationKey = "AKIAIOSFODNN7EXAMPLE";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "agentops-guardrails-tests", Guid.NewGuid().ToString("N"));

    public SecretAllowListTests()
    {
        Directory.CreateDirectory(_directory);
        foreach (var file in new[] { "injection.yaml", "secrets.yaml", "limits.yaml" })
        {
            File.Copy(Path.Combine(TestPolicy.GuardrailsDirectory, file), Path.Combine(_directory, file));
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string SecretsFile => Path.Combine(_directory, "secrets.yaml");

    private void ReplaceAwsAllow(string replacement)
    {
        const string Shipped = "    allow: ['^(?:AKIA|ASIA)[0-9A-Z]{9}EXAMPLE$']";
        var text = File.ReadAllText(SecretsFile);
        Assert.Contains(Shipped, text, StringComparison.Ordinal);
        File.WriteAllText(SecretsFile, text.Replace(Shipped, replacement, StringComparison.Ordinal));
    }

    private int LineOf(string text) =>
        File.ReadAllLines(SecretsFile).Select((line, i) => (line, i)).First(l => l.line.Contains(text, StringComparison.Ordinal)).i + 1;

    [Fact]
    public void Load_AllowRegexThatDoesNotCompile_FailsNamingFileLinePatternAndField()
    {
        ReplaceAwsAllow("    allow: ['EXAMPLE(']");

        var ex = Assert.Throws<InvalidDataException>(() => GuardrailPolicy.Load(_directory));

        Assert.StartsWith($"{SecretsFile}:{LineOf("allow: ['EXAMPLE(']")}:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("pattern 'aws-access-key' allow: 'EXAMPLE(' is not a valid regex", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("    allow: ['.*']")]
    [InlineData("    allow: ['x?']")]
    public void Load_AllowRegexMatchingEmptyText_FailsBecauseItWouldExcuseEverything(string line)
    {
        ReplaceAwsAllow(line);

        var ex = Assert.Throws<InvalidDataException>(() => GuardrailPolicy.LoadForRedaction(_directory));

        Assert.Contains("pattern 'aws-access-key' allow:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("matches empty text", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("    allow: []", "allow must be a non-empty list of regexes")]
    [InlineData("    allow: 'EXAMPLE$'", "allow must be a non-empty list of regexes")]
    [InlineData("    allow: ['']", "allow holds an empty or non-text entry")]
    public void Load_AllowNotAListOfRegexes_Fails(string line, string message)
    {
        ReplaceAwsAllow(line);

        var ex = Assert.Throws<InvalidDataException>(() => GuardrailPolicy.Load(_directory));

        Assert.Contains($"pattern 'aws-access-key' {message}", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith($"{SecretsFile}:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AllowOnAnInjectionPattern_IsRefusedRatherThanIgnored()
    {
        var injection = Path.Combine(_directory, "injection.yaml");
        var text = File.ReadAllText(injection);
        // The first pattern's regex (mentions: above the patterns has a regex of its own).
        var at = text.IndexOf("    regex:", text.IndexOf("\n  - id: ", StringComparison.Ordinal), StringComparison.Ordinal);
        File.WriteAllText(injection, text.Insert(at, "    allow: ['x']\n"));

        var ex = Assert.Throws<InvalidDataException>(() => GuardrailPolicy.Load(_directory));

        Assert.Contains("allow is only for secret patterns", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ShippedPolicy_KeepsRequiredLiteralsBesideTheAllowLists()
    {
        var policy = GuardrailPolicy.Load(TestPolicy.GuardrailsDirectory);
        var aws = policy.SecretPatterns.Single(p => p.Id == "aws-access-key");

        Assert.NotNull(aws.Allow);
        Assert.Equal(["AKIA", "ASIA"], aws.RequiredLiterals);
        Assert.True(aws.CannotMatch("replicas: 3"));
        Assert.Equal(
            ["aws-access-key", "aws-secret-access-key", "password-assignment", "connection-string-password"],
            policy.SecretPatterns.Where(p => p.Allow is not null).Select(p => p.Id));
    }

    [Theory]
    [InlineData($"{DocumentationKey} then {RealKey}")]
    [InlineData($"{RealKey} then {DocumentationKey}")]
    [InlineData($"aws_access_key_id = {DocumentationKey}\naws_access_key_id = {RealKey}")]
    public void FindSecretAndRedact_DocumentationKeyBesideARealOne_OnlyTheRealOneCounts(string text)
    {
        var screen = new TextScreen(TestPolicy.Policy);

        var redacted = screen.Redact(text);

        Assert.Equal("aws-access-key", screen.FindSecret(text)?.Id);
        Assert.DoesNotContain(RealKey, redacted, StringComparison.Ordinal);
        Assert.Contains(DocumentationKey, redacted, StringComparison.Ordinal);
        Assert.Contains("[REDACTED:aws-access-key]", redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_OnlyAllowedMatches_ReturnsTheSameInstance()
    {
        var screen = new TextScreen(TestPolicy.Policy);
        var text = $"keys in the docs: {DocumentationKey}, aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

        Assert.Same(text, screen.Redact(text));
        Assert.Null(screen.FindSecret(text));
    }

    [Fact]
    public void Allow_PlaceholderTackedOntoARealValue_DoesNotExcuseIt()
    {
        var screen = new TextScreen(TestPolicy.Policy);

        // The allow regexes are anchored: the whole value must be the placeholder.
        Assert.Equal("password-assignment", screen.FindSecret("password=Tr0ub4dor3:changeme")?.Id);
        Assert.Equal("password-assignment", screen.FindSecret("password=<x>Tr0ub4dor3")?.Id);
        Assert.Equal("aws-access-key", screen.FindSecret("AKIA4QX7RM2KEXAMPLEZ")?.Id);
        Assert.Equal("connection-string-password", screen.FindSecret("postgres://app:${X}s3cret@db/app")?.Id);
    }

    [Fact]
    public void IsAllowed_MatchAcrossALineBreak_IsNeverAllowed()
    {
        var rule = new PatternRule("t", new Regex(@"tok[a-z\n]+"), "t", Allow: [new Regex("q$")]);

        Assert.True(rule.IsAllowed("tokabq"));
        Assert.False(rule.IsAllowed("tokab\nq"));
        Assert.True(rule.FindsSecretIn("tokab\nq"));
        Assert.Equal("[R]", rule.Redact("tokab\nq", "[R]"));
        Assert.False(rule.FindsSecretIn("tokabq"));
    }
}
