using System.Security.Cryptography;
using System.Text;
using AgentOps.Core;
using AgentOps.Identity;
using BenchmarkDotNet.Attributes;

namespace AgentOps.Benchmarks;

/// <summary>
/// What a delegated credential costs, at chain depths 1, 3 and 5, against the raw ES256 operations it is built on,
/// measured in the same run over a signing input of the same size as that depth's token:
/// <list type="bullet">
/// <item>issue: depth 1 is a goal token (one sign); deeper is an RFC 8693 exchange of a depth-1 subject token (a
/// cached subject verify, chain checks, one sign). Target: at least 50% of raw signing throughput, i.e. at most 2.0x
/// the raw sign time.</item>
/// <item>verify: a tool server's full check (signature, claims, chain, scope), verified-token cache off. Target: at
/// most 1.3x one raw ES256 verify at depth 5.</item>
/// <item>verify, cached: the same token presented again, served by the verified-token cache (audience, time, scope
/// and revocation still checked; no replay cache, as for the broker's own subject checks).</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
public class CredentialBenchmarks
{
    private const string GitServer = "spiffe://agentops.local/tool/git";
    private static readonly ScopeSet s_scope = ScopeSet.Parse("git:write:repo/platform-gitops");
    private static readonly AgentIdentity s_planner = new("spiffe://agentops.local/agent/planner", "autonomous", "runbook", "agentops", s_scope);
    private static readonly AgentIdentity s_step = s_planner with { Id = "spiffe://agentops.local/agent/infra-provisioner" };
    private static readonly Scope s_required = Scope.Parse("git:write:repo/platform-gitops");

    private string _directory = null!;
    private SigningKeyStore _keys = null!;
    private CredentialBroker _broker = null!;
    private DelegatedTokenVerifier _verifier = null!;
    private DelegatedTokenVerifier _cachedVerifier = null!;
    private string _subjectToken = null!;
    private string _token = null!;
    private string _audience = null!;
    private ECDsa _raw = null!;
    private byte[] _data = null!;
    private byte[] _signature = null!;

    [Params(1, 3, 5)]
    public int Depth { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "agentops-bench", Guid.NewGuid().ToString("N"));
        _keys = SigningKeyStore.OpenOrCreate(_directory, TimeProvider.System);
        _broker = new CredentialBroker(_keys, TimeProvider.System, new BrokerOptions());
        // No replay cache: the benchmark verifies the same token many times on purpose.
        _verifier = new DelegatedTokenVerifier(JsonWebKeySet.Load(_keys.JwksPath), new VerifierOptions { VerifiedCacheCapacity = 0 }, TimeProvider.System, replayCache: null);
        _cachedVerifier = new DelegatedTokenVerifier(JsonWebKeySet.Load(_keys.JwksPath), new VerifierOptions(), TimeProvider.System, replayCache: null);

        // Depth-1 subject token, then hops at the broker's audience so each can be exchanged again.
        var current = _broker.IssueForGoal("developer@example.com", s_planner, s_scope, "bench", "run-bench").Token;
        for (var hop = 2; hop < Depth; hop++)
        {
            var agent = s_planner with { Id = $"spiffe://agentops.local/agent/hop-{hop}" };
            current = _broker.Exchange(current, agent, BrokerOptions.DefaultIssuer, s_scope, "bench").Token;
        }
        _subjectToken = current;
        (_token, _audience) = Depth == 1 ? (current, BrokerOptions.DefaultIssuer) : (Issue(), GitServer);
        if (!_verifier.Verify(_token, _audience, s_required).IsValid || !_cachedVerifier.Verify(_token, _audience, s_required).IsValid)
        {
            throw new InvalidOperationException("The benchmark token does not verify.");
        }

        _raw = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _data = Encoding.ASCII.GetBytes(_token[.._token.LastIndexOf('.')]);
        _signature = _raw.SignData(_data, HashAlgorithmName.SHA256);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _keys.Dispose();
        _raw.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "raw ES256 sign, same size")]
    public byte[] RawSign() => _raw.SignData(_data, HashAlgorithmName.SHA256);

    [Benchmark(Description = "raw ES256 verify, same size")]
    public bool RawVerify() => _raw.VerifyData(_data, _signature, HashAlgorithmName.SHA256);

    [Benchmark(Description = "broker: issue (depth 1) or exchange to this depth")]
    public string Issue() => Depth == 1
        ? _broker.IssueForGoal("developer@example.com", s_planner, s_scope, "bench", "run-bench").Token
        : _broker.Exchange(_subjectToken, s_step, GitServer, s_scope, "bench").Token;

    [Benchmark(Description = "verify in full (cache off)")]
    public bool Verify() => _verifier.Verify(_token, _audience, s_required).IsValid;

    [Benchmark(Description = "verify, verified-token cache hit")]
    public bool VerifyCached() => _cachedVerifier.Verify(_token, _audience, s_required).IsValid;
}
