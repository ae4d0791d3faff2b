using System.Text.Json.Nodes;

namespace AgentOps.Cli.Tests;

/// <summary>
/// <c>agentops identities list|revoke</c> over the issued-credential ledger, and revocation honoured by
/// <c>token verify</c> and <c>token inspect</c> in the next process.
/// </summary>
public sealed class IdentitiesCommandTests : IDisposable
{
    private const string Branch = "repo/platform-gitops/branch/agentops/payments/orders-db";
    private const string Provisioner = "spiffe://agentops.local/agent/infra-provisioner";
    private const string Planner = "spiffe://agentops.local/agent/planner";

    private readonly TempDirectory _data = new();
    private readonly CliProcess _sut;

    public IdentitiesCommandTests() => _sut = new CliProcess(_data.Path);

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task List_NothingIssued_ShowsCataloguedAgentsWithNoTokens()
    {
        var result = await _sut.RunAsync("identities", "list", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = Rows(result);
        Assert.Equal([Provisioner, "spiffe://agentops.local/agent/investigator", Planner], rows.Keys);
        Assert.Equal(0, rows[Provisioner]["tokensIssued"]!.GetValue<int>());
        Assert.Empty(rows[Provisioner]["activeTokens"]!.AsArray());
        Assert.Null(rows[Provisioner]["lastUsedAt"]);
    }

    [Fact]
    public async Task List_AfterIssuing_ShowsActiveTokensAndEveryScopeGranted()
    {
        var first = await IssueAsync($"git:commit:{Branch}");
        var second = await IssueAsync($"git:push:{Branch}");

        var result = await _sut.RunAsync("identities", "list", "--json");
        var text = await _sut.RunAsync("identities", "list");

        Assert.True(result.ExitCode == 0, result.ToString());
        var provisioner = Rows(result)[Provisioner];
        Assert.Equal(2, provisioner["tokensIssued"]!.GetValue<int>());
        Assert.Equal(
            new[] { first["jti"]!.GetValue<string>(), second["jti"]!.GetValue<string>() }.Order(StringComparer.Ordinal),
            provisioner["activeTokens"]!.AsArray().Select(t => t!["jti"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal([$"git:commit:{Branch}", $"git:push:{Branch}"], provisioner["scopesEverGranted"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal("spiffe://agentops.local/tool/git", provisioner["activeTokens"]![0]!["audience"]!.GetValue<string>());
        // The planner's goal tokens are identities' tokens too: for exchange at the broker only.
        Assert.Equal(2, Rows(result)[Planner]["tokensIssued"]!.GetValue<int>());
        Assert.Contains($"{Provisioner}\n  tokens issued 2, active 2, last used never", text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_AfterAChatRun_ShowsTheStepAgentsLastUseAndScopesFromTheToolServers()
    {
        var chat = await _sut.RunAsync("chat", ChatEndToEndTests.ReadmeRequest, "--json");
        Assert.True(chat.ExitCode == 0, chat.ToString());

        var result = await _sut.RunAsync("identities", "list", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var provisioner = Rows(result)[Provisioner];
        // The Git and Crossplane servers record each accepted token in the shared ledger.
        Assert.NotNull(provisioner["lastUsedAt"]);
        var scopes = provisioner["scopesEverGranted"]!.AsArray().Select(s => s!.GetValue<string>()).ToArray();
        Assert.Contains("git:commit:repo/platform-gitops/branch/agentops/payments/payments-api-db", scopes);
        Assert.Contains("crossplane:render:skill/provision-database", scopes);
        Assert.True(provisioner["tokensIssued"]!.GetValue<int>() >= 5);
        Assert.True(Rows(result)[Planner]["tokensIssued"]!.GetValue<int>() >= 1);
    }

    [Fact]
    public async Task RevokeJti_ThenVerify_Exits3WithRevocationReason()
    {
        var issued = await IssueAsync($"git:commit:{Branch}");
        var jti = issued["jti"]!.GetValue<string>();

        var revoke = await _sut.RunAsync("identities", "revoke", "--jti", jti, "--reason", "leaked in a CI log", "--as", "oncall@example.com", "--json");
        var verify = await VerifyAsync(issued);
        var list = await _sut.RunAsync("identities", "list", "--json");
        var audit = await _sut.RunAsync("audit", "export");

        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        Assert.Equal(1, revoke.Json["activeTokensWithdrawn"]!.GetValue<int>());
        Assert.False(revoke.Json["alreadyRevoked"]!.GetValue<bool>());
        Assert.True(verify.ExitCode == 3, verify.ToString());
        Assert.Equal("revoked", verify.Json["reason"]!["code"]!.GetValue<string>());
        Assert.Contains($"token {jti} was revoked", verify.Json["reason"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("leaked in a CI log (by oncall@example.com)", verify.Json["reason"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(Rows(list)[Provisioner]["activeTokens"]!.AsArray());
        Assert.Equal(1, Rows(list)[Provisioner]["tokensIssued"]!.GetValue<int>());
        Assert.Contains("\"identity/revoke\"", audit.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokeGoalJti_WithdrawsTheTokenExchangedFromIt()
    {
        var issued = await IssueAsync($"git:commit:{Branch}");
        var goalJti = issued["chain"]![0]!["jti"]!.GetValue<string>();

        var revoke = await _sut.RunAsync("identities", "revoke", "--jti", goalJti, "--json");
        var verify = await VerifyAsync(issued);

        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        Assert.True(verify.ExitCode == 3, verify.ToString());
        Assert.Contains($"token {goalJti} was revoked", verify.Json["reason"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokeAgent_RefusesItsTokensOldAndNew()
    {
        var before = await IssueAsync($"git:commit:{Branch}");

        var revoke = await _sut.RunAsync("identities", "revoke", "--agent", "infra-provisioner", "--reason", "compromised", "--json");
        var after = await IssueAsync($"git:commit:{Branch}");
        var old = await VerifyAsync(before);
        var fresh = await VerifyAsync(after);
        var list = await _sut.RunAsync("identities", "list", "--json");

        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        Assert.Equal(Provisioner, revoke.Json["value"]!.GetValue<string>());
        foreach (var result in new[] { old, fresh })
        {
            Assert.True(result.ExitCode == 3, result.ToString());
            Assert.Contains($"agent {Provisioner} was revoked", result.Json["reason"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        Assert.Contains("compromised", Rows(list)[Provisioner]["revoked"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokeRun_RefusesThatRunsTokensOnly()
    {
        var revokedRun = await IssueAsync($"git:commit:{Branch}", "run-a");
        var otherRun = await IssueAsync($"git:commit:{Branch}", "run-b");

        var revoke = await _sut.RunAsync("identities", "revoke", "--run", "run-a", "--json");
        var refused = await VerifyAsync(revokedRun);
        var accepted = await VerifyAsync(otherRun);
        var inspect = await _sut.RunAsync("token", "inspect", revokedRun["token"]!.GetValue<string>());

        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        Assert.Equal(2, revoke.Json["activeTokensWithdrawn"]!.GetValue<int>());
        Assert.True(refused.ExitCode == 3, refused.ToString());
        Assert.Contains("run run-a was revoked", refused.Json["reason"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(accepted.ExitCode == 0, accepted.ToString());
        Assert.True(inspect.ExitCode == 3, inspect.ToString());
        Assert.Contains("Token NOT VALID: revoked: run run-a was revoked", inspect.Stdout, StringComparison.Ordinal);
        Assert.Contains("UNVERIFIED", inspect.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokeTwice_SecondSaysAlreadyRevoked()
    {
        await _sut.RunAsync("identities", "revoke", "--run", "run-a", "--json");

        var again = await _sut.RunAsync("identities", "revoke", "--run", "run-a", "--json");

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.True(again.Json["alreadyRevoked"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData(new string[0], 2, "exactly one of --jti <id>, --agent <name or SPIFFE ID>, or --run <run id>")]
    [InlineData(new[] { "--jti", "abc", "--run", "r" }, 2, "exactly one of")]
    [InlineData(new[] { "--jti", "no-such-token" }, 1, "No token with jti 'no-such-token' was issued here")]
    [InlineData(new[] { "--agent", "cluster admin" }, 2, "--agent 'cluster admin' is neither an agent in the catalogue (infra-provisioner, investigator, planner) nor a SPIFFE ID")]
    public async Task Revoke_BadInput_ExitsNonZeroSayingWhy(string[] options, int exitCode, string message)
    {
        var result = await _sut.RunAsync(["identities", "revoke", .. options, "--json"]);

        Assert.True(result.ExitCode == exitCode, result.ToString());
        Assert.Contains(message, result.Json["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private async Task<JsonNode> IssueAsync(string scope, string? run = null)
    {
        string[] runArgs = run is null ? [] : ["--run", run];
        var result = await _sut.RunAsync(["token", "issue", "--agent", "infra-provisioner", "--audience", "git", "--scope", scope, .. runArgs, "--json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Json;
    }

    private Task<CliResult> VerifyAsync(JsonNode issued) =>
        _sut.RunAsync("token", "verify", issued["token"]!.GetValue<string>(), "--audience", "git", "--json");

    private static Dictionary<string, JsonNode> Rows(CliResult result) =>
        result.Json.AsArray().ToDictionary(r => r!["subject"]!.GetValue<string>(), r => r!, StringComparer.Ordinal);
}
