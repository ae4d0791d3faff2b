using Seeded = AgentOps.Testing.FakeKubernetesApi.Seeded;

namespace AgentOps.Tools.Kubectl.Tests;

/// <summary>A log longer than MaxLogBytes keeps its end, from the start of a line.</summary>
public sealed class KubectlPodLogLimitTests
{
    [Fact]
    public async Task PodLogs_LongerThanLimit_KeepsWholeLastLinesAndSaysTruncated()
    {
        await using var sut = await KubectlServer.StartAsync("--AgentOps:Kubectl:MaxLogBytes=1024");
        var lines = Enumerable.Range(1, 200).Select(i => $"INFO request {i:D4} served in 12 ms by payments-api").ToArray();
        sut.Api.SetPodLog(Seeded.Payments, Seeded.PaymentsPod, Seeded.PaymentsContainer, lines);

        var result = await sut.CallAsync("pod_logs", new() { ["namespace"] = Seeded.Payments, ["name"] = Seeded.PaymentsPod, ["tailLines"] = 5000 }, "k8s:read:ns/payments");

        var logs = KubectlServer.Structured(result);
        var text = logs.GetProperty("log").GetProperty("text").GetString()!;
        Assert.True(logs.GetProperty("truncated").GetBoolean());
        Assert.True(text.Length <= 1024, $"{text.Length} characters");
        Assert.StartsWith("INFO request ", text, StringComparison.Ordinal);
        Assert.EndsWith(lines[^1] + "\n", text, StringComparison.Ordinal);
        Assert.Equal(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, logs.GetProperty("lines").GetInt32());
    }
}
