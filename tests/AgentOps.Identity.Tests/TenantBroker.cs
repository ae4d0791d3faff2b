using AgentOps.Core;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Identity.Tests;

/// <summary>A second tenant: its own trust domain, broker, key and agents, for cross-tenant substitution tests.</summary>
internal sealed class TenantBroker : IDisposable
{
    public const string Issuer = "spiffe://tenant-b.local/broker";
    public const string GitServer = "spiffe://tenant-b.local/tool/git";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "agentops-identity-tests", Guid.NewGuid().ToString("N"));
    private readonly SigningKeyStore _keys;

    public TenantBroker()
    {
        _keys = SigningKeyStore.OpenOrCreate(_directory, TimeProvider.System);
        Jwks = JsonWebKeySet.Parse(_keys.JwksJson);
    }

    public static AgentIdentity Planner { get; } = new(
        "spiffe://tenant-b.local/agent/planner", "autonomous", "gpt-4.1", "openai", ScopeSet.Parse("git:write:repo/* git:read"));

    public static AgentIdentity GitAgent { get; } = new(
        "spiffe://tenant-b.local/agent/gitops-writer", "coding", "claude-sonnet", "anthropic", ScopeSet.Parse("git:write:repo/* git:read"));

    public JsonWebKeySet Jwks { get; }

    public string StepTokenFor(string audience, FakeTimeProvider time)
    {
        var broker = new CredentialBroker(_keys, time, new BrokerOptions { Issuer = Issuer });
        var goal = broker.IssueForGoal("bob@tenant-b.example", Planner, ScopeSet.Parse("git:write:repo/platform-gitops"), "tenant b work", "goal-b");
        return broker.Exchange(goal.Token, GitAgent, audience, ScopeSet.Parse("git:write:repo/platform-gitops"), "open the pull request").Token;
    }

    public void Dispose()
    {
        Jwks.Dispose();
        _keys.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
