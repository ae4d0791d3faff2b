using System.Diagnostics;
using System.Text.Json.Nodes;

namespace AgentOps.Cli.Tests;

/// <summary>Runs the real <c>agentops</c> binary as a child process against one data directory.</summary>
internal sealed class CliProcess(string dataDirectory, IReadOnlyDictionary<string, string>? environment = null)
{
    public string DataDirectory => dataDirectory;

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(null, args);

    /// <summary>Runs with <paramref name="standardInput"/> written to the process's standard input, which is then closed.</summary>
    public async Task<CliResult> RunWithInputAsync(string standardInput, params string[] args) => await RunAsync(standardInput, args);

    private async Task<CliResult> RunAsync(string? standardInput, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "agentops.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["AgentOps__DataDirectory"] = dataDirectory;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
            process.StandardInput.Close();
        }
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}

internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public JsonNode Json => JsonNode.Parse(Stdout) ?? throw new InvalidOperationException("empty output");

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
