using System.Text.Json;
using AgentOps.Core;
using AgentOps.Tools.Hosting;

namespace AgentOps.Tools.Git;

/// <summary>Every Git tool acts on one repository: writes need <c>git:write:repo/&lt;name&gt;</c>, reads <c>git:read:repo/&lt;name&gt;</c>.</summary>
internal sealed class GitScopes : IToolScopeResolver
{
    private static readonly HashSet<string> s_writes = ["branch_create", "files_write", "commit", "push", "branch_delete", "pull_request_open", "pull_request_close"];
    private static readonly HashSet<string> s_reads = ["file_read", "pull_request_get", "pull_request_list"];

    public Scope? RequiredScope(string toolName, IReadOnlyDictionary<string, JsonElement> arguments)
    {
        var verb = s_writes.Contains(toolName) ? "write" : s_reads.Contains(toolName) ? "read" : null;
        if (verb is null)
        {
            return null;
        }
        // A missing or odd repository name still needs a scope for *that* name, so it can never match a wildcard by accident.
        var repo = arguments.TryGetValue("repo", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        return new Scope("git", verb, "repo/" + (string.IsNullOrWhiteSpace(repo) ? "<missing>" : repo));
    }
}
