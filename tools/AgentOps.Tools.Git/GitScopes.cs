using System.Text.Json;
using AgentOps.Core;
using AgentOps.Tools.Hosting;

namespace AgentOps.Tools.Git;

/// <summary>
/// A Git call needs a scope naming this very tool and what it touches: <c>git:&lt;tool&gt;:repo/&lt;repo&gt;/branch/&lt;branch&gt;</c>
/// for branch work, <c>git:&lt;tool&gt;:repo/&lt;repo&gt;</c> for repository-wide reads. A token minted for <c>commit</c> on one
/// branch therefore cannot close a pull request or delete another branch.
/// </summary>
internal sealed class GitScopes : IToolScopeResolver
{
    private static readonly HashSet<string> s_branchTools =
        ["branch_create", "files_write", "file_read", "commit", "push", "branch_delete", "pull_request_open", "pull_request_close"];

    private static readonly HashSet<string> s_repositoryTools = ["pull_request_get", "pull_request_list"];

    public Scope? RequiredScope(string toolName, IReadOnlyDictionary<string, JsonElement> arguments)
    {
        // A missing argument still yields a scope for "<missing>", which no real token names: deny, never widen.
        var repo = "repo/" + Text(arguments, "repo");
        if (s_branchTools.Contains(toolName))
        {
            return new Scope("git", toolName, $"{repo}/branch/{Text(arguments, "branch")}");
        }
        return s_repositoryTools.Contains(toolName) ? new Scope("git", toolName, repo) : null;
    }

    private static string Text(IReadOnlyDictionary<string, JsonElement> arguments, string name) =>
        arguments.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()!
            : "<missing>";
}
