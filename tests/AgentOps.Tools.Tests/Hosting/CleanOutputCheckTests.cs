using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Tools.Hosting;

namespace AgentOps.Tools.Tests.Hosting;

/// <summary>
/// The fast path of output hygiene: one run of the secret patterns over every string of a result, joined by line
/// breaks, says whether redaction would change anything. It must never say "clean" where the value-by-value redaction
/// would have changed something; that is checked here against the real redaction over many shapes.
/// </summary>
public sealed class CleanOutputCheckTests
{
    private static readonly OutputHygiene s_hygiene = OutputHygiene.Load(Path.Combine(AppContext.BaseDirectory, "guardrails"));

    public static TheoryData<string> Values => new()
    {
        "payments",
        "kube-system",
        "Bearer authentication is configured",
        "Authorization: Bearer abcdefghij0123456789klmnop",
        "-----BEGIN RSA PRIVATE KEY-----",
        "AKIA4QX7RM2KT9BW3NPZ",
        "aws_secret_access_key = Zq8vT2nLr5XyB7wK1pQ9sD4fH6jM3cV0gE8uA2tR",
        "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
        "postgres://app:s3cretPass@db:5432/app",
        "the db password is Tr0ub4dor-and-3",
        "password=hunter22",
        "token: [REDACTED:jwt]",
        "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXBhcnQ",
        "line one\nAKIA4QX7RM2KT9BW3NPZ\nline three",
        "secretStorePath=/vault/kv",
        // Documentation keys are on the allow-list: left in place by both paths, so clean.
        "AKIAIOSFODNN7EXAMPLE",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AKIAIOSFODNN7EXAMPLE and AKIA4QX7RM2KT9BW3NPZ",
        "password: <password>",
        "postgres://app:${DB_PASSWORD}@db:5432/app",
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void IsClean_AgreesWithValueByValueRedaction(string value)
    {
        // The value alone, and between neighbours that could tempt a pattern to match across the join.
        foreach (var json in new[]
        {
            new JsonObject { ["name"] = value },
            new JsonObject { ["items"] = new JsonArray("AKIA", value, "4QX7RM2KT9BW3NPZXX", "password", "=hunter22") },
            new JsonObject { ["a"] = "Bearer", ["b"] = value, ["c"] = "x://user:pw@" },
        })
        {
            var element = JsonSerializer.SerializeToElement(json);
            var redacted = s_hygiene.RedactTree(JsonNode.Parse(element.GetRawText()))!.ToJsonString();
            var unchanged = JsonNode.DeepEquals(JsonNode.Parse(redacted), JsonNode.Parse(element.GetRawText()));

            var clean = s_hygiene.IsClean(element, out _);

            // "Clean" must imply "redaction changes nothing"; the converse may fail (then the slow path runs).
            Assert.True(!clean || unchanged, $"said clean, but redaction changed {element.GetRawText()} into {redacted}");
            if (!unchanged)
            {
                Assert.False(clean);
            }
        }
    }

    [Fact]
    public void IsClean_PlainListOfNamespaces_IsCleanSoNothingIsRebuilt()
    {
        var element = JsonSerializer.SerializeToElement(new JsonObject
        {
            ["namespaces"] = new JsonArray(new JsonObject { ["name"] = "default", ["status"] = "Active" }, new JsonObject { ["name"] = "payments", ["status"] = "Active" }),
        });

        Assert.True(s_hygiene.IsClean(element, out var untrusted));
        Assert.False(untrusted);
    }

    [Fact]
    public void IsClean_DocumentationKeyOnly_IsCleanAndLeftInPlace()
    {
        var json = new JsonObject { ["example"] = "aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE" };
        var element = JsonSerializer.SerializeToElement(json);

        Assert.True(s_hygiene.IsClean(element, out _));
        Assert.Equal(json.ToJsonString(), s_hygiene.RedactTree(JsonNode.Parse(element.GetRawText()))!.ToJsonString());
    }

    [Fact]
    public void IsClean_AllowedMatchOnlyWhenJoinedAcrossValues_IsNotClean()
    {
        // A pattern that can match across the line break joining two values, and an allow-list that would excuse the
        // joined match: value by value, "tokab" is a secret. The joined check must not call that clean.
        var policy = AgentOps.Guardrails.Policy.GuardrailPolicy.LoadForRedaction(Path.Combine(AppContext.BaseDirectory, "guardrails"));
        var hygiene = new OutputHygiene(policy with
        {
            SecretPatterns = [new AgentOps.Guardrails.Policy.PatternRule("t", new System.Text.RegularExpressions.Regex(@"tok[a-z\n]+"), "t",
                Allow: [new System.Text.RegularExpressions.Regex("q$")])],
        });
        var element = JsonSerializer.SerializeToElement(new JsonObject { ["items"] = new JsonArray("tokab", "q") });

        Assert.Contains("[REDACTED:t]", hygiene.RedactTree(JsonNode.Parse(element.GetRawText()))!.ToJsonString(), StringComparison.Ordinal);
        Assert.False(hygiene.IsClean(element, out _));
    }

    [Fact]
    public void IsClean_ValueUnderASecretNamedKey_IsNotClean()
    {
        var element = JsonSerializer.SerializeToElement(new JsonObject { ["data"] = new JsonObject { ["DB_PASSWORD"] = "plain" } });

        Assert.False(s_hygiene.IsClean(element, out _));
    }

    [Fact]
    public void IsClean_UntrustedTextInside_IsReported()
    {
        var element = JsonSerializer.SerializeToElement(new JsonObject { ["logs"] = new JsonObject { ["trust"] = "untrusted", ["text"] = "started" } });

        Assert.True(s_hygiene.IsClean(element, out var untrusted));
        Assert.True(untrusted);
    }

    [Theory]
    [InlineData(@"\bAKIA[0-9A-Z]{16}\b", true)]
    [InlineData(@"(?<![A-Za-z0-9])secret[:=][^\s""]{6,}", true)]
    [InlineData(@"Bearer[ \t]+(?!\[REDACTED:)[A-Za-z0-9]{20,}", true)]
    [InlineData(@"^password=", false)]
    [InlineData(@"token$", false)]
    [InlineData(@"\Akey", false)]
    [InlineData(@"(?<!\s)key=\w+", false)]
    [InlineData(@"(?![^a-z])x", false)]
    [InlineData(@"(?m)key", false)]
    [InlineData(@"[$^]key", true)]
    public void JoinedText_IsSafeFor_RefusesAnchorsAndLineBreakLookarounds(string pattern, bool safe) =>
        Assert.Equal(safe, JoinedText.IsSafeFor(pattern));

    [Fact]
    public void JoinedText_TheShippedSecretPatterns_AreAllSafe()
    {
        // Otherwise every result takes the slow path, silently: this test says so instead.
        var policy = AgentOps.Guardrails.Policy.GuardrailPolicy.LoadForRedaction(Path.Combine(AppContext.BaseDirectory, "guardrails"));

        Assert.All(policy.SecretPatterns, rule => Assert.True(JoinedText.IsSafeFor(rule.Pattern.ToString()), rule.Id));
    }
}
