using System.Text;
using System.Text.Json;
using AgentOps.Storage;
using Seeded = AgentOps.Testing.FakeKubernetesApi.Seeded;

namespace AgentOps.Tools.Kubectl.Tests;

/// <summary>
/// Revocation across processes: this test process writes the revocation into the shared database file, the way
/// <c>agentops identities revoke</c> does, and the running server (a child process) refuses the token at its next call.
/// </summary>
public sealed class KubectlRevocationTests(ReadServerFixture fixture) : IClassFixture<ReadServerFixture>
{
    private KubectlServer Sut => fixture.Sut;

    [Fact]
    public async Task PodsList_TokenRevokedByAnotherProcess_RefusedWithReason()
    {
        var revoked = Sut.Server.Token("k8s:read:ns/payments");
        var untouched = Sut.Server.Token("k8s:read:ns/payments");
        var database = await SqliteDatabase.OpenAsync(Path.Combine(Sut.Server.Directory, "agentops.db"));

        new SqliteRevocations(database, TimeProvider.System).RevokeJti(Jti(revoked), "leaked in a CI log");
        var refused = await Sut.Server.CallAsync("pods_list", Payments(), revoked);
        var allowed = await Sut.Server.CallAsync("pods_list", Payments(), untouched);

        Assert.True(refused.IsError == true);
        Assert.Contains("revoked", ToolServerFixture.Text(refused), StringComparison.Ordinal);
        Assert.Contains("leaked in a CI log", ToolServerFixture.Text(refused), StringComparison.Ordinal);
        Assert.NotEqual(true, allowed.IsError);
    }

    private static Dictionary<string, object?> Payments() => new() { ["namespace"] = Seeded.Payments };

    private static string Jti(string token)
    {
        var payload = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        var json = Encoding.UTF8.GetString(Convert.FromBase64String(payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=')));
        return JsonDocument.Parse(json).RootElement.GetProperty("jti").GetString()!;
    }
}
