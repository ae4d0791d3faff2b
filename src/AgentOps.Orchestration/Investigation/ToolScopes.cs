using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AgentOps.Core;
using AgentOps.Orchestration.Tools;

namespace AgentOps.Orchestration.Investigation;

/// <summary>
/// The scope one call needs, read from the tool's own description: our servers end every description with
/// <c>Scope: k8s:read:ns/&lt;namespace&gt;.</c>, and some give alternatives
/// (<c>Scope: k8s:read:ns/&lt;namespace&gt;, or k8s:read:cluster without a namespace.</c>). Each alternative becomes a
/// <see cref="ScopeTemplate"/> (<c>&lt;arg&gt;</c> read as <c>{arg}</c>); the first whose arguments the call carries decides.
/// No scope sentence, a malformed one, or no alternative that fits: the scope is unknown and the call is refused.
/// The tool server checks the token against its own resolver as well, so a description that understated the
/// scope would get a token the server refuses, never a wider one.
/// A third-party server (which cannot check our token) has no say: the orchestrator's own scope map for it
/// (<see cref="ToolServerInfo.ScopeRules"/>) decides, and a tool without a rule there has no known scope.
/// </summary>
public static partial class ToolScopes
{
    /// <param name="scopeRules">The orchestrator's scope map for a third-party server; null for our own servers.</param>
    public static bool TryResolve(ToolDescriptor tool, JsonObject arguments, IReadOnlyDictionary<string, string>? scopeRules,
        [NotNullWhen(true)] out Scope? scope, [NotNullWhen(false)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(arguments);
        scope = null;
        if (scopeRules is not null)
        {
            if (!scopeRules.TryGetValue(tool.Name, out var rule))
            {
                reason = $"the scope map of third-party server {tool.Server} has no rule for {tool.Name}; a call whose scope is unknown is not made";
                return false;
            }
            try
            {
                return ScopeTemplate.Parse(rule).TryResolve(arguments, out scope, out reason);
            }
            catch (FormatException ex)
            {
                reason = $"the scope rule of {tool.Server}/{tool.Name} is unusable: {ex.Message}";
                return false;
            }
        }
        var match = tool.Description is { } description ? ScopeSentence().Match(description) : Match.Empty;
        if (!match.Success)
        {
            reason = $"{tool.Server}/{tool.Name} does not say which scope it needs (no 'Scope:' in its description); a call whose scope is unknown is not made";
            return false;
        }
        var alternatives = match.Groups[1].Value.Split(", or ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var alternative in alternatives)
        {
            // The template is the first word; what follows ("without a namespace") is for people.
            var text = AngleArgument().Replace(alternative.Split(' ', 2)[0].TrimEnd('.', ','), "{$1}");
            ScopeTemplate template;
            try
            {
                template = ScopeTemplate.Parse(text);
            }
            catch (FormatException ex)
            {
                reason = $"{tool.Server}/{tool.Name} declares an unusable scope '{text}': {ex.Message}";
                return false;
            }
            if (template.Placeholders.Any(p => arguments[p] is null || arguments[p] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length == 0))
            {
                continue;
            }
            return template.TryResolve(arguments, out scope, out reason);
        }
        reason = $"the arguments of {tool.Server}/{tool.Name} fit none of its scopes ({match.Groups[1].Value}); give the arguments the scope names";
        return false;
    }

    [GeneratedRegex(@"Scope:\s*(.+?)\.?\s*$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex ScopeSentence();

    [GeneratedRegex(@"<([A-Za-z_][A-Za-z0-9_]*)>", RegexOptions.CultureInvariant)]
    private static partial Regex AngleArgument();
}
