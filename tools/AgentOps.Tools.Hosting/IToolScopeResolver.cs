using System.Text.Json;
using AgentOps.Core;

namespace AgentOps.Tools.Hosting;

/// <summary>
/// Says which scope a call needs, from the tool name and its arguments: <c>files_write</c> on
/// <c>platform-gitops</c> on branch <c>b</c> needs <c>git:files_write:repo/platform-gitops/branch/b</c>. Null means the tool is unknown: deny.
/// </summary>
public interface IToolScopeResolver
{
    Scope? RequiredScope(string toolName, IReadOnlyDictionary<string, JsonElement> arguments);
}
