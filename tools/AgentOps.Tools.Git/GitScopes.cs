using System.Globalization;
using System.Text.Json;
using AgentOps.Core;
using AgentOps.Tools.Hosting;

namespace AgentOps.Tools.Git;

/// <summary>
/// A Git call needs a scope naming this very tool and what it touches:
/// <list type="bullet">
/// <item><c>git:&lt;tool&gt;:repo/&lt;repo&gt;/branch/&lt;branch&gt;</c> for branch work (and <c>diff</c>, <c>revert</c>);</item>
/// <item><c>git:&lt;tool&gt;:repo/&lt;repo&gt;</c> for repository-wide calls (<c>repository_clone</c>, pull-request reads);</item>
/// <item><c>git:pull_request_merge:repo/&lt;repo&gt;/pr/&lt;number&gt;</c> for a merge, bound to that one pull request.</item>
/// </list>
/// A token minted for <c>commit</c> on one branch therefore cannot close a pull request, delete another branch, or
/// merge anything. Merge scopes are outside the <c>repo/&lt;repo&gt;/branch/agentops/*</c> ceiling agents get, so an
/// agent holds one only when a human delegated that very merge.
/// </summary>
internal sealed class GitScopes : IToolScopeResolver
{
    private static readonly HashSet<string> s_branchTools =
        ["branch_create", "files_write", "file_read", "commit", "push", "branch_delete", "pull_request_open", "pull_request_close", "diff", "revert"];

    private static readonly HashSet<string> s_repositoryTools = ["repository_clone", "pull_request_get", "pull_request_list"];

    private static readonly HashSet<string> s_pullRequestTools = ["pull_request_merge"];

    public Scope? RequiredScope(string toolName, IReadOnlyDictionary<string, JsonElement> arguments)
    {
        // A missing argument still yields a scope for "<missing>", which no real token names: deny, never widen.
        var repo = "repo/" + Text(arguments, "repo");
        if (s_branchTools.Contains(toolName))
        {
            return new Scope("git", toolName, $"{repo}/branch/{Text(arguments, "branch")}");
        }
        if (s_pullRequestTools.Contains(toolName))
        {
            return new Scope("git", toolName, $"{repo}/pr/{Number(arguments, "number")}");
        }
        return s_repositoryTools.Contains(toolName) ? new Scope("git", toolName, repo) : null;
    }

    private static string Text(IReadOnlyDictionary<string, JsonElement> arguments, string name) =>
        arguments.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()!
            : "<missing>";

    // The scope names the number the tool will act on: an integer, or a string of digits the tool would also accept.
    private static string Number(IReadOnlyDictionary<string, JsonElement> arguments, string name)
    {
        if (!arguments.TryGetValue(name, out var value))
        {
            return "<missing>";
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number > 0)
        {
            return number.ToString(CultureInfo.InvariantCulture);
        }
        return value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0
            ? parsed.ToString(CultureInfo.InvariantCulture)
            : "<invalid>";
    }
}
