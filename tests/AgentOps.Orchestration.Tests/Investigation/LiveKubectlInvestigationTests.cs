using AgentOps.Guardrails.Injection;
using AgentOps.Orchestration.Investigation;
using AgentOps.Orchestration.Tools;
using AgentOps.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentOps.Orchestration.Tests.Investigation;

/// <summary>
/// The investigator against our real kubectl tool server (a child process over MCP stdio, started with writes
/// allowed) in front of the fake Kubernetes API: the scope taken from each tool's description is the one the server's
/// own resolver demands of the token, and a write the model asks for after reading an injected log never reaches the API.
/// </summary>
public sealed class LiveKubectlInvestigationTests : IDisposable
{
    private readonly FakeKubernetesApi _api = FakeKubernetesApi.Start();
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("agentops-investigation-");

    [Fact]
    public async Task InjectedLog_FromTheRealServer_IsSpotlighted_AndTheScaleDownItAsksFor_NeverReachesTheApi()
    {
        var kubeconfig = _api.WriteKubeconfig(Path.Combine(_directory.FullName, "kubeconfig"));
        using var harness = await InvestigationHarness.CreateAsync("investigate-live-kubectl.json", executor =>
        {
            // The server checks token lifetimes against the real clock.
            executor.Time.SetUtcNow(TimeProvider.System.GetUtcNow());
            return new McpToolGateway(new Dictionary<string, ToolServerEndpoint>(StringComparer.Ordinal)
            {
                ["kubectl"] = new("kubectl", "spiffe://agentops.local/tool/kubectl", "dotnet",
                [
                    Path.Combine(AppContext.BaseDirectory, "AgentOps.Tools.Kubectl.dll"), "--jwks", executor.Keys.JwksPath,
                    "--data-dir", Path.Combine(_directory.FullName, "kubectl"), "--server-id", "spiffe://agentops.local/tool/kubectl",
                    "--kubeconfig", kubeconfig, "--timeout-seconds", "60", "--allow-writes",
                ]),
            }, NullLoggerFactory.Instance);
        });

        var report = await harness.InvestigateAsync();

        Assert.Equal(InvestigationOutcome.Answered, report.Outcome);
        // The log read went through: the server accepted the token minted for k8s:read:ns/payments.
        var read = report.Calls[0];
        Assert.Equal(("pod_logs", "succeeded", "k8s:read:ns/payments"), (read.Tool, read.Outcome, read.Scope));
        var shown = harness.ToolMessages(1)["call_live_1"];
        Assert.Contains(Spotlighter.OpenTag, shown, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeKubernetesApi.Seeded.LogInjection, shown, StringComparison.Ordinal);
        Assert.Contains(string.Join(Spotlighter.DataMark, FakeKubernetesApi.Seeded.LogInjection.Split(' ')), shown, StringComparison.Ordinal);
        // The scale-down was refused before a token was minted, and no write of any kind reached the API server.
        Assert.StartsWith("refused by investigation (investigation.read-only):", harness.ToolMessages(2)["call_live_2"], StringComparison.Ordinal);
        Assert.Equal(("deployment_scale", "refused"), (report.Calls[1].Tool, report.Calls[1].Outcome));
        Assert.All(_api.Requests, r => Assert.Equal("GET", r.Method));
        Assert.NotEmpty(_api.Requests);
    }

    public void Dispose()
    {
        _api.Dispose();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory must not fail a test that already passed.
        }
    }
}
