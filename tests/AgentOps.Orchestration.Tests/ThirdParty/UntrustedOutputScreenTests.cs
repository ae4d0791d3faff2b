using System.Text.Json.Nodes;
using AgentOps.Guardrails;
using AgentOps.Guardrails.Policy;
using AgentOps.Orchestration.Tools;

namespace AgentOps.Orchestration.Tests.ThirdParty;

public sealed class UntrustedOutputScreenTests
{
    // The shape kubernetes-mcp-server prints with --list-output yaml.
    private const string PodListYaml = """
        - apiVersion: v1
          kind: Pod
          metadata:
            annotations:
              note: pulled with ghp_abcdefghijklmnopqrstuvwxyz0123456789
            name: api-1
            namespace: payments
          spec:
            containers:
            - env:
              - name: DB_PASSWORD
                value: hunter2-but-longer
              - name: LOG_LEVEL
                value: debug
              image: registry.example.com/api:1.4.2
              name: api
          status:
            phase: Running
        """;

    // One policy for the class: its patterns build their automata once, as in a long-running orchestrator.
    private static readonly UntrustedOutputScreen s_sut = new(new TextScreen(GuardrailPolicy.Load(Path.Combine(AppContext.BaseDirectory, "guardrails"))));

    [Fact]
    public void Screen_SecretPatternTimesOutOnEveryAttempt_WithholdsTheOutputAndReportsAFailure()
    {
        // The lookahead keeps it on the backtracking interpreter (the linear engine cannot run it), and its linear prefilter (the
        // pattern without the lookahead) matches this text, so it times out on every attempt.
        var slow = new PatternRule("catastrophic",
            new System.Text.RegularExpressions.Regex("(a+)+(?=b)", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromMilliseconds(1)), "backtracks");
        var policy = GuardrailPolicy.Load(Path.Combine(AppContext.BaseDirectory, "guardrails")) with { SecretPatterns = [slow] };
        var sut = new UntrustedOutputScreen(new TextScreen(policy));
        var output = "log line " + new string('a', 40) + "!";

        var screened = sut.Screen("pods_list", new ToolCallOutcome(false, null, output));

        Assert.True(screened.IsError);
        Assert.DoesNotContain(output, screened.Text, StringComparison.Ordinal);
        Assert.Contains("withheld", screened.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void RedactText_PodListYaml_RedactsSecretEnvValueAndTokenAndKeepsTheRestAsWritten()
    {
        var redacted = s_sut.RedactText(PodListYaml);

        Assert.DoesNotContain("hunter2-but-longer", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("ghp_abcdefghijklmnopqrstuvwxyz0123456789", redacted, StringComparison.Ordinal);
        Assert.Contains("value: \"[REDACTED:secret-key]\"", redacted, StringComparison.Ordinal);
        Assert.Contains("[REDACTED:github-token]", redacted, StringComparison.Ordinal);
        // Everything that is not a secret stays exactly where the server put it.
        Assert.Equal(
            PodListYaml.Replace("hunter2-but-longer", "\"[REDACTED:secret-key]\"", StringComparison.Ordinal)
                .Replace("ghp_abcdefghijklmnopqrstuvwxyz0123456789", "[REDACTED:github-token]", StringComparison.Ordinal),
            redacted);
    }

    [Fact]
    public void RedactText_SecretNamedKeyInYaml_RedactsTheValueWhateverItLooksLike()
    {
        var redacted = s_sut.RedactText("data:\n  api-token: abc\n  replicas: \"3\"\n");

        Assert.Equal("data:\n  api-token: \"[REDACTED:secret-key]\"\n  replicas: \"3\"\n", redacted);
    }

    [Fact]
    public void RedactText_BlockScalarUnderSecretKey_ReplacesTheWholeBlockButNotTheLinesAfterIt()
    {
        var redacted = s_sut.RedactText("private_key: |\n  line one\n  line two\nname: x\n");

        Assert.Equal("private_key: \"[REDACTED:secret-key]\"\nname: x\n", redacted);
    }

    [Fact]
    public void RedactText_JsonText_RedactsBySecretKeyAndPattern()
    {
        var redacted = s_sut.RedactText("""{"password":"x","env":[{"name":"API_TOKEN","value":"v"}],"note":"Bearer abcdefghij0123456789xyz"}""");

        var tree = JsonNode.Parse(redacted)!;
        Assert.Equal(UntrustedOutputScreen.SecretKeyMarker, tree["password"]!.GetValue<string>());
        Assert.Equal(UntrustedOutputScreen.SecretKeyMarker, tree["env"]![0]!["value"]!.GetValue<string>());
        Assert.Equal("API_TOKEN", tree["env"]![0]!["name"]!.GetValue<string>());
        Assert.Contains("[REDACTED:bearer-token]", tree["note"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void RedactText_ProseThatIsNotYaml_GetsPatternRedactionOnly()
    {
        var redacted = s_sut.RedactText("failed: [unbalanced { with postgres://app:s3cretpw@db:5432/x");

        Assert.DoesNotContain("s3cretpw", redacted, StringComparison.Ordinal);
        Assert.StartsWith("failed: [unbalanced {", redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void Screen_Outcome_WrapsItAsUntrustedTextNamingItsOrigin()
    {
        var screened = s_sut.Screen("kubernetes/pods_list_in_namespace", new ToolCallOutcome(false, null, PodListYaml));

        Assert.True(screened.Untrusted);
        Assert.False(screened.IsError);
        var wrapped = Assert.IsType<JsonObject>(screened.Structured);
        Assert.Equal("untrusted", wrapped["trust"]!.GetValue<string>());
        Assert.Equal("kubernetes/pods_list_in_namespace", wrapped["origin"]!.GetValue<string>());
        Assert.Equal(screened.Text, wrapped["text"]!.GetValue<string>());
        Assert.DoesNotContain("hunter2-but-longer", screened.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Screen_StructuredContent_IsRedactedToo()
    {
        var screened = s_sut.Screen("x/y", new ToolCallOutcome(false, new JsonObject { ["clientSecret"] = "abc", ["name"] = "n" }, "ok"));

        var content = screened.Structured!["content"]!;
        Assert.Equal(UntrustedOutputScreen.SecretKeyMarker, content["clientSecret"]!.GetValue<string>());
        Assert.Equal("n", content["name"]!.GetValue<string>());
    }

    [Fact]
    public void Screen_ErrorOutcome_StaysAnErrorAndIsStillScreened()
    {
        var screened = s_sut.Screen("x/y", new ToolCallOutcome(true, null, "denied for token=ghp_abcdefghijklmnopqrstuvwxyz0123456789"));

        Assert.True(screened.IsError);
        Assert.True(screened.Untrusted);
        Assert.DoesNotContain("ghp_", screened.Text, StringComparison.Ordinal);
    }
}
