using System.Text.Json;

namespace AgentOps.Interop.Tests;

/// <summary>
/// <c>@modelcontextprotocol/conformance</c>'s server scenarios, run on Node 20 through the loader hook in
/// tests/interop/conformance/register.mjs. Each run writes its checks to <c>checks.json</c>, which is read back here
/// rather than trusting the exit code or scraping the coloured console output.
/// </summary>
internal static class ConformanceSuite
{
    /// <summary>The pinned release, 0.1.16.</summary>
    public const string Release = "@modelcontextprotocol/conformance";

    /// <summary>0.2.0-alpha.12 under an npm alias: the first to have <c>server-stateless</c> (SEP-2575, protocol 2026-07-28).</summary>
    public const string PreRelease = "conformance-next";

    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(120);

    public static async Task<ScenarioRun> RunAsync(string package, string scenario, Uri endpoint)
    {
        var entry = NpmTools.PackagePath(Path.Combine(package, "dist", "index.js"));
        var register = Path.Combine(NpmTools.InteropDirectory, "conformance", "register.mjs");
        var output = Directory.CreateTempSubdirectory("agentops-conformance-");
        try
        {
            var run = await NpmTools.RunNodeAsync(
                ["--import", new Uri(register).AbsoluteUri, entry, "server", "--url", endpoint.ToString(), "--scenario", scenario, "--output-dir", output.FullName],
                s_timeout);
            var checks = output.EnumerateFiles("checks.json", SearchOption.AllDirectories)
                .SelectMany(f => JsonSerializer.Deserialize<ConformanceCheck[]>(File.ReadAllText(f.FullName), JsonSerializerOptions.Web) ?? [])
                .ToArray();
            return new ScenarioRun(scenario, package, checks, run);
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }
}

/// <summary>One check of a scenario as <c>checks.json</c> records it. <see cref="Status"/> is SUCCESS, FAILURE, WARNING, SKIPPED or INFO.</summary>
public sealed record ConformanceCheck(string Id, string Status, string? Description, string? ErrorMessage);

public sealed record ScenarioRun(string Scenario, string Package, IReadOnlyList<ConformanceCheck> Checks, ProcessResult Process)
{
    public int Count(string status) => Checks.Count(c => c.Status == status);
}
