using System.CommandLine;

namespace AgentOps.Cli.Commands;

/// <summary>Options every command shares.</summary>
internal static class CommonOptions
{
    public static readonly Option<bool> Json = new("--json") { Description = "Machine-readable JSON output", Recursive = true };

    public static readonly Option<string?> As = new("--as")
    {
        Description = "Who is acting (the requester, reviewer or approver). Defaults to AgentOps:User from configuration.",
        Recursive = true,
    };
}
