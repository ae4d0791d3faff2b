namespace AgentOps.Testing;

/// <summary>How a child process ended and everything it printed.</summary>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>A one-line-per-stream account for assertion messages.</summary>
    public string Describe() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}
