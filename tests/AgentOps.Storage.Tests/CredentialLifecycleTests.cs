using AgentOps.Core;
using AgentOps.Identity;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Storage.Tests;

/// <summary>
/// The real broker, verifier and SQLite stores together: what the CLI writes is what a tool server in another process
/// reads from the same file. Each store is opened through its own <see cref="SqliteDatabase"/>, as separate processes do.
/// </summary>
public sealed class CredentialLifecycleTests : IDisposable
{
    private const string Human = "alice@example.com";
    private const string GitServer = "spiffe://agentops.local/tool/git";

    private static readonly AgentIdentity s_planner = new(
        "spiffe://agentops.local/agent/planner", "autonomous", "gpt-4.1", "openai", ScopeSet.Parse("git:write:repo/* git:read"));

    private static readonly AgentIdentity s_gitAgent = new(
        "spiffe://agentops.local/agent/gitops-writer", "coding", "claude-sonnet", "anthropic", ScopeSet.Parse("git:write:repo/platform-* git:read"));

    private readonly TestDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
    private readonly SigningKeyStore _keys;

    public CredentialLifecycleTests() => _keys = SigningKeyStore.OpenOrCreate(Path.Combine(_directory.Root, "keys"), _time);

    public void Dispose()
    {
        _keys.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task Revoke_InCliProcess_ToolServerRefusesNextCallAtOnce()
    {
        var (broker, _, cliRevocations) = await CliAsync();
        var toolServer = await ToolServerVerifierAsync();
        var first = Step(broker, "run-1");
        var second = Step(broker, "run-1");
        Assert.True(toolServer.Verify(first.Token, GitServer).IsValid);

        cliRevocations.RevokeAgent(s_gitAgent.Id, "agent decommissioned");
        var result = toolServer.Verify(second.Token, GitServer);

        Assert.Equal(TokenErrorCodes.Revoked, result.ErrorCode);
        Assert.Contains("agent decommissioned", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokeJti_GoalToken_StepTokensExchangedFromItRefused()
    {
        var (broker, _, cliRevocations) = await CliAsync();
        var toolServer = await ToolServerVerifierAsync();
        var goal = broker.IssueForGoal(Human, s_planner, ScopeSet.Parse("git:write:repo/platform-gitops"), "change", "run-2");
        var step = broker.Exchange(goal.Token, s_gitAgent, GitServer, ScopeSet.Parse("git:write:repo/platform-gitops"), "write");

        cliRevocations.RevokeJti(goal.Jti, "goal withdrawn");

        Assert.Equal(TokenErrorCodes.Revoked, toolServer.Verify(step.Token, GitServer).ErrorCode);
        Assert.Throws<DelegationRefusedException>(() => broker.Exchange(goal.Token, s_gitAgent, GitServer, ScopeSet.Parse("git:read"), "read"));
    }

    [Fact]
    public async Task RevokeRun_OtherRunUnaffected()
    {
        var (broker, _, cliRevocations) = await CliAsync();
        var toolServer = await ToolServerVerifierAsync();
        var stopped = Step(broker, "run-3");
        var other = Step(broker, "run-4");

        cliRevocations.RevokeRun("run-3", "operator stopped the run");

        Assert.Equal(TokenErrorCodes.Revoked, toolServer.Verify(stopped.Token, GitServer).ErrorCode);
        Assert.True(toolServer.Verify(other.Token, GitServer).IsValid);
    }

    [Fact]
    public async Task IssueExchangeVerify_Ledger_ListsIdentityWithLastUseAndScopes()
    {
        var (broker, ledger, _) = await CliAsync();
        var toolServer = await ToolServerVerifierAsync();
        var step = Step(broker, "run-5");
        _time.Advance(TimeSpan.FromSeconds(7));

        Assert.True(toolServer.Verify(step.Token, GitServer).IsValid);

        var identities = ledger.ListIdentities();
        Assert.Equal([s_gitAgent.Id, s_planner.Id], identities.Select(i => i.Subject));
        var agent = identities[0];
        Assert.Equal(step.Jti, Assert.Single(agent.ActiveTokens).Credential.Jti);
        Assert.Equal(_time.GetUtcNow(), agent.LastUsedAt);
        Assert.Equal(["git:write:repo/platform-gitops"], agent.ScopesEverGranted);
        var entry = ledger.Find(step.Jti)!;
        Assert.Equal("run-5", entry.Credential.RunId);
        Assert.Equal(GitServer, entry.Credential.Audience);
        Assert.Equal(step.Chain[0].Jti, entry.Credential.ParentJti);
    }

    private async Task<(CredentialBroker Broker, SqliteCredentialLedger Ledger, SqliteRevocations Revocations)> CliAsync()
    {
        var database = await SqliteDatabase.OpenAsync(_directory.DatabasePath);
        var ledger = new SqliteCredentialLedger(database, _time);
        var revocations = new SqliteRevocations(database, _time);
        return (new CredentialBroker(_keys, _time, new BrokerOptions(), ledger, revocations), ledger, revocations);
    }

    private async Task<DelegatedTokenVerifier> ToolServerVerifierAsync()
    {
        var database = await SqliteDatabase.OpenAsync(_directory.DatabasePath);
        return new DelegatedTokenVerifier(
            JsonWebKeySet.Load(_keys.JwksPath),
            new VerifierOptions(),
            _time,
            replayCache: null,
            new SqliteRevocations(database, _time),
            new SqliteCredentialLedger(database, _time));
    }

    private static DelegatedCredential Step(CredentialBroker broker, string runId)
    {
        var goal = broker.IssueForGoal(Human, s_planner, ScopeSet.Parse("git:write:repo/platform-gitops"), "change", runId);
        return broker.Exchange(goal.Token, s_gitAgent, GitServer, ScopeSet.Parse("git:write:repo/platform-gitops"), "write");
    }
}
