using Microsoft.Extensions.Configuration;

namespace AgentOps.Cli;

/// <summary>
/// Where state and catalogues live. State defaults to <c>~/.agentops</c>; catalogues default to the copies
/// shipped next to the binary, so the CLI works from any working directory.
/// </summary>
internal sealed record RuntimePaths(string DataDirectory, string Skills, string Guardrails, string Agents, string Xrds, string Prompts)
{
    public static RuntimePaths From(IConfiguration configuration)
    {
        var baseDirectory = AppContext.BaseDirectory;
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var data = configuration["AgentOps:DataDirectory"] is { Length: > 0 } configured
            ? Path.GetFullPath(Environment.ExpandEnvironmentVariables(configured == "~" || configured.StartsWith("~/", StringComparison.Ordinal) ? home + configured[1..] : configured))
            : Path.Combine(home, ".agentops");
        return new RuntimePaths(
            data,
            Setting(configuration, "AgentOps:Skills:Directory", Path.Combine(baseDirectory, "prompts", "skills")),
            Setting(configuration, "AgentOps:Guardrails:Directory", Path.Combine(baseDirectory, "guardrails")),
            Setting(configuration, "AgentOps:Agents:Directory", Path.Combine(baseDirectory, "agents")),
            Setting(configuration, "AgentOps:Crossplane:Xrds", Path.Combine(baseDirectory, "platform", "xrds")),
            Setting(configuration, "AgentOps:Llm:Prompts", Path.Combine(baseDirectory, "prompts", "kernel")));
    }

    private static string Setting(IConfiguration configuration, string key, string fallback) =>
        configuration[key] is { Length: > 0 } value ? Path.GetFullPath(value) : fallback;
}
