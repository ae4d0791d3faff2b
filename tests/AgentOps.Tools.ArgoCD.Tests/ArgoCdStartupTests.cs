using System.Diagnostics;
using AgentOps.Identity;

namespace AgentOps.Tools.ArgoCD.Tests;

/// <summary>A server without usable ArgoCD settings stops at start-up and says what is missing, instead of failing later per call.</summary>
public sealed class ArgoCdStartupTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "agentops-tools-tests", Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData(null, null, "AgentOps:ArgoCD:BaseUrl (--argocd-url) must be the absolute http(s) URL")]
    [InlineData("https://argocd.example.com", null, "No ArgoCD token: set ARGOCD_AUTH_TOKEN")]
    [InlineData("http://argocd.example.com", "argocd-fake-token", "the ArgoCD token would travel in clear")]
    public async Task Start_UnusableSettings_ExitsWithTheReason(string? baseUrl, string? token, string expected)
    {
        using var keys = SigningKeyStore.OpenOrCreate(Path.Combine(_directory, "keys"), TimeProvider.System);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, ArgoCdHarness.ServerAssembly), "--jwks", keys.JwksPath, "--data-dir", _directory })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment.Remove("ARGOCD_AUTH_TOKEN");
        start.Environment.Remove("AgentOps__ArgoCD__BaseUrl");
        start.Environment.Remove("AgentOps__ArgoCD__Token");
        if (baseUrl is not null)
        {
            start.Environment["AgentOps__ArgoCD__BaseUrl"] = baseUrl;
        }
        if (token is not null)
        {
            start.Environment["ARGOCD_AUTH_TOKEN"] = token;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(guard.Token);

        Assert.NotEqual(0, process.ExitCode);
        var text = await stderr;
        Assert.Equal(string.Empty, await stdout);
        Assert.Contains(expected, text, StringComparison.Ordinal);
        if (token is not null)
        {
            Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
