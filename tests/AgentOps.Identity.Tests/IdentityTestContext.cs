using System.Text;
using System.Text.Json.Nodes;
using AgentOps.Core;
using Microsoft.Extensions.Time.Testing;

namespace AgentOps.Identity.Tests;

/// <summary>A broker with a real key on disk, a fake clock, and helpers to build tokens the broker would never issue.</summary>
internal sealed class IdentityTestContext : IDisposable
{
    public const string Human = "alice@example.com";
    public const string GitServer = "spiffe://agentops.local/tool/git";
    public const string K8sServer = "spiffe://agentops.local/tool/k8s";

    public IdentityTestContext(BrokerOptions? brokerOptions = null)
    {
        KeysDirectory = Path.Combine(Path.GetTempPath(), "agentops-identity-tests", Guid.NewGuid().ToString("N"));
        Keys = SigningKeyStore.OpenOrCreate(KeysDirectory, Time);
        Broker = new CredentialBroker(Keys, Time, brokerOptions ?? new BrokerOptions());
        Jwks = JsonWebKeySet.Load(Keys.JwksPath);
        Signer = new JwsSigner(Keys.SigningKey, Keys.KeyId);
    }

    public static AgentIdentity Planner { get; } = new(
        "spiffe://agentops.local/agent/planner", "autonomous", "gpt-4.1", "openai",
        ScopeSet.Parse("git:write:repo/* git:read k8s:read argocd:sync:app/*"));

    public static AgentIdentity GitAgent { get; } = new(
        "spiffe://agentops.local/agent/gitops-writer", "coding", "claude-sonnet", "anthropic",
        ScopeSet.Parse("git:write:repo/platform-* git:read"));

    public static AgentIdentity K8sReader { get; } = new(
        "spiffe://agentops.local/agent/cluster-reader", "retrieval", "qwen3", "local",
        ScopeSet.Parse("k8s:read"));

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 6, 2, 9, 30, 0, TimeSpan.Zero));

    public string KeysDirectory { get; }

    public SigningKeyStore Keys { get; }

    public CredentialBroker Broker { get; }

    public JsonWebKeySet Jwks { get; }

    public JwsSigner Signer { get; }

    public DelegatedCredential GoalToken(string scopes = "git:write:repo/platform-gitops git:read k8s:read") =>
        Broker.IssueForGoal(Human, Planner, ScopeSet.Parse(scopes), "provision a database", "goal-42");

    public DelegatedCredential GitStepToken() => Broker.Exchange(
        GoalToken().Token, GitAgent, GitServer, ScopeSet.Parse("git:write:repo/platform-gitops"), "open the pull request");

    /// <summary>
    /// A token at <see cref="GitServer"/> whose chain has <paramref name="hops"/> entries: the goal hop, then
    /// intermediate agents each exchanging for the next at the broker, then the git agent. One hop is the goal token itself.
    /// </summary>
    public DelegatedCredential ChainToken(int hops)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hops, 1);
        var current = GoalToken();
        for (var i = 1; i < hops - 1; i++)
        {
            current = Broker.Exchange(current.Token, HopAgent(i), BrokerOptions.DefaultIssuer, ScopeSet.Parse("git:write:repo/platform-gitops git:read"), $"hop {i}");
        }
        return hops == 1
            ? current
            : Broker.Exchange(current.Token, GitAgent, GitServer, ScopeSet.Parse("git:write:repo/platform-gitops"), "open the pull request");
    }

    public static AgentIdentity HopAgent(int index) => new(
        $"spiffe://agentops.local/agent/hop-{index}", "autonomous", "gpt-4.1", "openai",
        ScopeSet.Parse("git:write:repo/* git:read k8s:read"));

    public DelegatedTokenVerifier Verifier(
        VerifierOptions? options = null, IReplayCache? replayCache = null, IRevocationList? revocations = null, ICredentialLedger? ledger = null) =>
        new(Jwks, options ?? new VerifierOptions(), Time, replayCache, revocations, ledger);

    public static JsonObject Header(string token) => JsonNode.Parse(HeaderText(token))!.AsObject();

    public static string HeaderText(string token) => Encoding.UTF8.GetString(DecodeBytes(token.Split('.')[0]));

    public static JsonObject Payload(string token) => Decode(token.Split('.')[1]);

    /// <summary>Changes a genuine token's claims and signs the result with the broker's own key.</summary>
    public string Resign(string token, Action<JsonObject> editPayload, Action<JsonObject>? editHeader = null)
    {
        var header = Header(token);
        var payload = Payload(token);
        editPayload(payload);
        editHeader?.Invoke(header);
        return Signer.SignRaw(header, payload);
    }

    public static string Encode(string json) => Encode(Encoding.UTF8.GetBytes(json));

    public static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose()
    {
        Jwks.Dispose();
        Keys.Dispose();
        Directory.Delete(KeysDirectory, recursive: true);
    }

    private static JsonObject Decode(string part) => JsonNode.Parse(DecodeBytes(part))!.AsObject();

    private static byte[] DecodeBytes(string part)
    {
        var base64 = part.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '='));
    }
}
