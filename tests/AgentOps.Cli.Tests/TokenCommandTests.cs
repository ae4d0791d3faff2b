using AgentOps.Guardrails.Policy;
using AgentOps.Identity;

namespace AgentOps.Cli.Tests;

/// <summary>
/// <c>agentops token issue|verify|inspect</c> against the real binary: tokens minted from the data directory's own
/// key, checked as a tool server would, and shown hop by hop; every refusal exits non-zero with the verifier's reason.
/// </summary>
public sealed class TokenCommandTests : IDisposable
{
    private const string Branch = "repo/platform-gitops/branch/agentops/payments/orders-db";
    private const string GitServer = "spiffe://agentops.local/tool/git";

    private readonly TempDirectory _data = new();
    private readonly CliProcess _sut;

    public TokenCommandTests() => _sut = new CliProcess(_data.Path);

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task IssueThenVerify_ScopeHeld_ExitsZeroWithSubjectAndScope()
    {
        var token = await IssueAsync(_sut);

        var result = await _sut.RunAsync("token", "verify", token, "--audience", "git", "--tool", "commit", "--resource", Branch, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(result.Json["valid"]!.GetValue<bool>());
        Assert.Equal("spiffe://agentops.local/agent/infra-provisioner", result.Json["subject"]!.GetValue<string>());
        Assert.Equal($"git:commit:{Branch}", result.Json["requiredScope"]!.GetValue<string>());
        Assert.Equal("spiffe://agentops.local/agent/planner", result.Json["delegator"]!.GetValue<string>());
        Assert.Equal("alice@example.com", result.Json["originalRequester"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("--audience", "crossplane", "wrong_audience", "token is for spiffe://agentops.local/tool/git")]
    [InlineData("--tool", "push", "insufficient_scope", "does not cover 'git:push:repo/platform-gitops/branch/agentops/payments/orders-db'")]
    [InlineData("--resource", "repo/platform-gitops/branch/main", "insufficient_scope", "does not cover 'git:commit:repo/platform-gitops/branch/main'")]
    public async Task Verify_TokenNotGoodForTheCall_Exits3WithVerifierCodeAndMessage(string option, string value, string code, string message)
    {
        var token = await IssueAsync(_sut);
        var args = new Dictionary<string, string> { ["--audience"] = "git", ["--tool"] = "commit", ["--resource"] = Branch };
        args[option] = value;

        var result = await _sut.RunAsync(["token", "verify", token, .. args.SelectMany(a => new[] { a.Key, a.Value }), "--json"]);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.False(result.Json["valid"]!.GetValue<bool>());
        Assert.Equal(code, result.Json["reason"]!["code"]!.GetValue<string>());
        Assert.Contains(message, result.Json["reason"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(code, result.Json["error"]!["code"]!.GetValue<string>());
        Assert.Equal(3, result.Json["error"]!["exitCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task Verify_TokenSignedByAnotherDataDirectory_Exits3UnknownKey()
    {
        using var other = new TempDirectory();
        var foreign = await IssueAsync(new CliProcess(other.Path));

        var result = await _sut.RunAsync("token", "verify", foreign, "--audience", "git", "--json");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal(TokenErrorCodes.UnknownKey, result.Json["reason"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Verify_SignatureAltered_Exits3InvalidSignatureInWords()
    {
        var token = await IssueAsync(_sut);
        // Inside the signature, away from its last character (whose spare bits must stay zero in strict base64url).
        var at = token.LastIndexOf('.') + 10;
        var tampered = token[..at] + (token[at] == 'A' ? 'B' : 'A') + token[(at + 1)..];

        var result = await _sut.RunAsync("token", "verify", tampered, "--audience", "git");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains($"NOT VALID at {GitServer}: {TokenErrorCodes.InvalidSignature}", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-token", TokenErrorCodes.Malformed)]
    [InlineData("a.b.c", TokenErrorCodes.InvalidBase64Url)]
    public async Task Verify_Garbage_Exits3Malformed(string token, string code)
    {
        var result = await _sut.RunAsync("token", "verify", token, "--audience", "git", "--json");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal(code, result.Json["reason"]!["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(new[] { "--audience", "gti" }, "--audience 'gti' is neither a configured tool server (crossplane, git)")]
    [InlineData(new[] { "--audience", "git", "--tool", "commit", "--scope", "git:commit" }, "either --scope, or --tool with --resource")]
    [InlineData(new[] { "--audience", "git", "--tool", "com mit" }, "is not a scope")]
    public async Task Verify_BadOptions_ExitsUsageSayingWhatToType(string[] options, string message)
    {
        var token = await IssueAsync(_sut);

        var result = await _sut.RunAsync(["token", "verify", token, .. options, "--json"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Json["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue_ScopeBeyondAgentCeiling_Exits3NamingTheScope()
    {
        var result = await _sut.RunAsync("token", "issue", "--agent", "infra-provisioner", "--audience", "git",
            "--scope", $"git:commit:{Branch} git:commit:repo/platform-gitops/branch/main", "--json");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal("delegation-refused", result.Json["error"]!["code"]!.GetValue<string>());
        Assert.Contains("git:commit:repo/platform-gitops/branch/main", result.Json["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(result.Json["token"]);
    }

    [Theory]
    [InlineData(new[] { "--agent", "cluster-admin" }, 2, "--agent 'cluster-admin' is not in the agent catalogue (infra-provisioner, investigator, planner)")]
    [InlineData(new[] { "--ttl", "16m" }, 2, "--ttl 960s is longer than the 15m any delegated token may live")]
    [InlineData(new[] { "--ttl", "5" }, 2, "--ttl '5' is not a duration")]
    [InlineData(new[] { "--scope", "git commit" }, 2, "--scope 'git' is not a scope")]
    [InlineData(new[] { "--as", "spiffe://agentops.local/agent/planner" }, 2, "is an agent identity")]
    public async Task Issue_BadInput_ExitsNonZeroSayingWhy(string[] overrides, int exitCode, string message)
    {
        var args = new Dictionary<string, string> { ["--agent"] = "infra-provisioner", ["--audience"] = "git", ["--scope"] = $"git:commit:{Branch}" };
        for (var i = 0; i < overrides.Length; i += 2)
        {
            args[overrides[i]] = overrides[i + 1];
        }

        var result = await _sut.RunAsync(["token", "issue", .. args.SelectMany(a => new[] { a.Key, a.Value }), "--json"]);

        Assert.True(result.ExitCode == exitCode, result.ToString());
        Assert.Contains(message, result.Json["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue_TtlBeyondSpecTokenLifetime_ExitsUsageNamingTheAgent()
    {
        using var catalog = new TempDirectory();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "agents"), "*.yaml"))
        {
            File.WriteAllText(Path.Combine(catalog.Path, Path.GetFileName(file)), File.ReadAllText(file).Replace("spec:\n", "spec:\n  tokenLifetime: 2m\n", StringComparison.Ordinal));
        }
        var sut = new CliProcess(_data.Path, new Dictionary<string, string> { ["AgentOps__Agents__Directory"] = catalog.Path });

        var refused = await sut.RunAsync("token", "issue", "--agent", "infra-provisioner", "--audience", "git", "--scope", $"git:commit:{Branch}", "--ttl", "3m", "--json");
        var allowed = await sut.RunAsync("token", "issue", "--agent", "infra-provisioner", "--audience", "git", "--scope", $"git:commit:{Branch}", "--ttl", "2m", "--json");

        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains("longer than agent 'infra-provisioner' allows (spec.tokenLifetime 120s)", refused.Json["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        // Without --ttl the broker cuts its 5m default to the specs' 2m itself (the step token ends with the goal token).
        var defaulted = await sut.RunAsync("token", "issue", "--agent", "infra-provisioner", "--audience", "git", "--scope", $"git:commit:{Branch}", "--json");
        Assert.True(defaulted.ExitCode == 0, defaulted.ToString());
        var issuedAt = DateTimeOffset.Parse(defaulted.Json["chain"]![0]!["delegatedAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var expiresAt = DateTimeOffset.Parse(defaulted.Json["expiresAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromMinutes(2), expiresAt - issuedAt);
    }

    [Fact]
    public async Task Issue_SigningKey_IsOwnerOnlyAndNeverPrinted()
    {
        var result = await _sut.RunAsync("token", "issue", "--agent", "infra-provisioner", "--audience", "git", "--scope", $"git:commit:{Branch}");

        Assert.True(result.ExitCode == 0, result.ToString());
        var keyFile = Path.Combine(_data.Path, "keys", SigningKeyStore.KeyFileName);
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(_data.Path, "keys")));
        var pem = File.ReadAllText(keyFile);
        var keyBody = pem.Split('\n')[1];
        Assert.DoesNotContain("PRIVATE KEY", result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(keyBody, result.Stdout + result.Stderr, StringComparison.Ordinal);
        // Text mode: the token alone on stdout, so TOKEN=$(agentops token issue …) works.
        Assert.Equal(3, result.Stdout.Trim().Split('.').Length);
        Assert.DoesNotContain('\n', result.Stdout.Trim());
    }

    [Fact]
    public async Task Inspect_ValidToken_DrawsEachHopAndExitsZero()
    {
        var token = await IssueAsync(_sut, purpose: "provision orders-db");

        var text = await _sut.RunAsync("token", "inspect", token);
        var json = await _sut.RunAsync("token", "inspect", token, "--json");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("Token VERIFIED", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("Delegation chain, oldest first (2 hops):", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("  1. alice@example.com\n       └─▶ spiffe://agentops.local/agent/planner", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("  2. spiffe://agentops.local/agent/planner\n       └─▶ spiffe://agentops.local/agent/infra-provisioner", text.Stdout, StringComparison.Ordinal);
        Assert.Contains($"           scope    git:commit:{Branch}", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("           purpose  provision orders-db", text.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("UNVERIFIED", text.Stdout, StringComparison.Ordinal);
        Assert.True(json.Json["verified"]!.GetValue<bool>());
        var chain = json.Json["chain"]!.AsArray();
        Assert.Equal(2, chain.Count);
        Assert.Equal("alice@example.com", chain[0]!["delegator"]!.GetValue<string>());
        Assert.Equal("spiffe://agentops.local/agent/infra-provisioner", chain[1]!["delegatee"]!.GetValue<string>());
        Assert.Equal("provision orders-db", chain[1]!["purpose"]!.GetValue<string>());
        Assert.NotNull(chain[1]!["delegatedAt"]);
    }

    [Fact]
    public async Task Inspect_InvalidToken_ShowsClaimsMarkedUnverifiedAndExits3()
    {
        using var other = new TempDirectory();
        var foreign = await IssueAsync(new CliProcess(other.Path));

        var text = await _sut.RunAsync("token", "inspect", foreign);
        var json = await _sut.RunAsync("token", "inspect", foreign, "--json");

        Assert.True(text.ExitCode == 3, text.ToString());
        Assert.Contains($"Token NOT VALID: {TokenErrorCodes.UnknownKey}", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("UNVERIFIED: what follows is what the token claims", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("  subject    spiffe://agentops.local/agent/infra-provisioner", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("└─▶ spiffe://agentops.local/agent/infra-provisioner", text.Stdout, StringComparison.Ordinal);
        Assert.True(json.ExitCode == 3, json.ToString());
        Assert.False(json.Json["verified"]!.GetValue<bool>());
        Assert.Equal(TokenErrorCodes.UnknownKey, json.Json["reason"]!["code"]!.GetValue<string>());
        Assert.Equal("spiffe://agentops.local/agent/infra-provisioner", json.Json["claims"]!["sub"]!.GetValue<string>());
        Assert.Equal(2, json.Json["chain"]!.AsArray().Count);
    }

    [Fact]
    public async Task Inspect_NotAJwt_SaysWhyAndExits3()
    {
        var result = await _sut.RunAsync("token", "inspect", "hello");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("Nothing could be decoded: a JWT has three dot-separated parts (header.payload.signature); this has 1.", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void AgentSpecLifetimeCap_EqualsTheBrokerCap()
    {
        Assert.Equal(BrokerOptions.MaxTokenLifetime, AgentSpec.MaxTokenLifetime);
    }

    private static async Task<string> IssueAsync(CliProcess cli, string purpose = "test")
    {
        var result = await cli.RunAsync("token", "issue", "--agent", "infra-provisioner", "--audience", "git",
            "--scope", $"git:commit:{Branch}", "--purpose", purpose, "--as", "alice@example.com", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Json["token"]!.GetValue<string>();
    }
}
