using System.Globalization;
using AgentOps.Core;
using AgentOps.Identity;
using AgentOps.Orchestration.Tools;

namespace AgentOps.Cli.Tokens;

/// <summary>Turns what an operator typed into what the broker and the verifier take, or says what to type instead.</summary>
internal static class TokenInputs
{
    /// <summary>A token argument, or <c>-</c> for the token on standard input (keeps it out of shell history).</summary>
    public static string Token(string? argument, TextReader input)
    {
        var token = argument == "-" ? input.ReadToEnd() : argument;
        return string.IsNullOrWhiteSpace(token)
            ? throw new ArgumentException("No token given: pass the JWT as the argument, or '-' to read it from standard input.")
            : token.Trim();
    }

    /// <summary>A tool server's name (<c>git</c>) or its SPIFFE ID (<c>spiffe://agentops.local/tool/git</c>).</summary>
    public static string Audience(string? text, IReadOnlyList<ToolServerInfo> servers)
    {
        var known = string.Join(", ", servers.Select(s => s.Name));
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException($"--audience is required: the tool server the token is for, by name ({known}) or SPIFFE ID.");
        }
        if (servers.FirstOrDefault(s => s.Name == text) is { } server)
        {
            return server.ServerId;
        }
        return Subjects.IsValidSpiffeId(text)
            ? text
            : throw new ArgumentException($"--audience '{text}' is neither a configured tool server ({known}) nor a valid SPIFFE ID such as spiffe://agentops.local/tool/git.");
    }

    /// <summary>
    /// The scope a call needs, from <c>--scope</c>, or from <c>--tool</c> (a verb, or <c>server:verb</c>) and <c>--resource</c>.
    /// A bare verb takes its server from the audience's last path segment (<c>…/tool/git</c> → <c>git</c>).
    /// </summary>
    public static Scope? RequiredScope(string? scope, string? tool, string? resource, string audience)
    {
        if (scope is not null)
        {
            return tool is null && resource is null
                ? ParseScope(scope, "--scope")
                : throw new ArgumentException("Give either --scope, or --tool with --resource, not both.");
        }
        if (tool is null)
        {
            return resource is null ? null : throw new ArgumentException("--resource needs --tool: the verb the call needs, e.g. --tool commit or --tool k8s:read.");
        }
        var permission = tool.Contains(':', StringComparison.Ordinal) ? tool : $"{audience[(audience.LastIndexOf('/') + 1)..]}:{tool}";
        return ParseScope(resource is null ? permission : $"{permission}:{resource}", "--tool/--resource");
    }

    public static ScopeSet Scopes(IEnumerable<string> texts)
    {
        var scopes = texts.SelectMany(t => t.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(t => ParseScope(t, "--scope")).ToArray();
        return scopes.Length > 0
            ? new ScopeSet(scopes)
            : throw new ArgumentException("--scope is required: the scopes to delegate, e.g. --scope git:commit:repo/platform-gitops/branch/agentops/x");
    }

    /// <summary><c>90s</c> or <c>5m</c>.</summary>
    public static TimeSpan Duration(string text, string option)
    {
        var unit = text.Length > 1 ? text[^1] : '\0';
        if (unit is not ('s' or 'm') || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount == 0)
        {
            throw new ArgumentException($"{option} '{text}' is not a duration: write a positive whole number of seconds or minutes, e.g. 90s or 5m.");
        }
        return unit == 's' ? TimeSpan.FromSeconds(amount) : TimeSpan.FromMinutes(amount);
    }

    private static Scope ParseScope(string text, string option) =>
        Scope.TryParse(text, out var scope)
            ? scope
            : throw new ArgumentException($"{option} '{text}' is not a scope: expected <server>:<verb>[:<resource>], e.g. git:commit:repo/platform-gitops/branch/agentops/x.");
}
