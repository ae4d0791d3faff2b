using System.Security.Cryptography;
using System.Text;
using AgentOps.Core;
using AgentOps.Identity;
using BenchmarkDotNet.Attributes;

namespace AgentOps.Benchmarks;

/// <summary>
/// What a delegated credential costs per step, against the raw ES256 operations it is built on (the baselines):
/// a mint is one goal-token verify plus one sign; a tool server's check is one verify plus chain and scope checks.
/// </summary>
[MemoryDiagnoser]
public class CredentialBenchmarks
{
    private static readonly AgentIdentity s_planner = new("spiffe://agentops.local/agent/planner", "autonomous", "runbook", "agentops",
        ScopeSet.Parse("git:write:repo/platform-gitops crossplane:render:skill/*"));
    private static readonly AgentIdentity s_step = s_planner with { Id = "spiffe://agentops.local/agent/infra-provisioner" };
    private static readonly Scope s_required = Scope.Parse("git:write:repo/platform-gitops");

    private string _directory = null!;
    private SigningKeyStore _keys = null!;
    private CredentialBroker _broker = null!;
    private DelegatedTokenVerifier _verifier = null!;
    private string _goalToken = null!;
    private string _stepToken = null!;
    private ECDsa _raw = null!;
    private byte[] _data = null!;
    private byte[] _signature = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "agentops-bench", Guid.NewGuid().ToString("N"));
        _keys = SigningKeyStore.OpenOrCreate(_directory, TimeProvider.System);
        _broker = new CredentialBroker(_keys, TimeProvider.System, new BrokerOptions());
        // No replay cache: the benchmark verifies the same token many times on purpose.
        _verifier = new DelegatedTokenVerifier(JsonWebKeySet.Load(_keys.JwksPath), new VerifierOptions(), TimeProvider.System, replayCache: null);
        _goalToken = _broker.IssueForGoal("developer@example.com", s_planner, ScopeSet.Parse("git:write:repo/platform-gitops"), "bench", "run-bench").Token;
        _stepToken = _broker.Exchange(_goalToken, s_step, "spiffe://agentops.local/tool/git", ScopeSet.Parse("git:write:repo/platform-gitops"), "bench").Token;
        _raw = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _data = Encoding.UTF8.GetBytes(_stepToken[.._stepToken.LastIndexOf('.')]);
        _signature = _raw.SignData(_data, HashAlgorithmName.SHA256);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _keys.Dispose();
        _raw.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "raw ES256 sign (baseline)")]
    public byte[] RawSign() => _raw.SignData(_data, HashAlgorithmName.SHA256);

    [Benchmark(Description = "raw ES256 verify")]
    public bool RawVerify() => _raw.VerifyData(_data, _signature, HashAlgorithmName.SHA256);

    [Benchmark(Description = "broker: exchange goal token for a step token")]
    public string Exchange() => _broker.Exchange(_goalToken, s_step, "spiffe://agentops.local/tool/git", ScopeSet.Parse("git:write:repo/platform-gitops"), "bench").Token;

    [Benchmark(Description = "tool server: verify step token (chain + scope)")]
    public bool Verify() => _verifier.Verify(_stepToken, "spiffe://agentops.local/tool/git", s_required).IsValid;
}
