using System.Text;
using System.Text.RegularExpressions;
using AgentOps.Core;

namespace AgentOps.Guardrails.Approvals;

/// <summary>
/// A CODEOWNERS file in GitHub's syntax: one <c>pattern owner…</c> per line, <c>#</c> comments, and for each path the
/// <em>last</em> matching line wins (a later line with no owners un-owns the path). Owners are e-mail addresses,
/// <c>@login</c>s, or <c>@org/team</c>s that <c>teams:</c> in <c>approvals.yaml</c> maps to their members.
/// </summary>
public sealed class CodeOwners
{
    private readonly IReadOnlyList<OwnerRule> _rules;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _teams;

    private CodeOwners(IReadOnlyList<OwnerRule> rules, IReadOnlyDictionary<string, IReadOnlyList<string>> teams)
    {
        _rules = rules;
        _teams = teams;
    }

    /// <summary>No ownership at all: every eligible human may approve every path.</summary>
    public static CodeOwners Empty { get; } = new([], new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase));

    public int RuleCount => _rules.Count;

    /// <param name="source">Names the file in errors.</param>
    /// <param name="teams"><c>@org/team</c> → member identities.</param>
    public static CodeOwners Parse(string text, string source, IReadOnlyDictionary<string, IReadOnlyList<string>> teams)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(teams);
        var rules = new List<OwnerRule>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var hash = line.IndexOf(" #", StringComparison.Ordinal);
            if (hash >= 0)
            {
                line = line[..hash].TrimEnd();
            }
            var parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            var pattern = parts[0];
            if (pattern.Contains("[", StringComparison.Ordinal) || pattern.StartsWith('!'))
            {
                throw new InvalidDataException($"{source}:{i + 1}: pattern '{pattern}': GitHub CODEOWNERS supports neither '!' negation nor '[ ]' ranges.");
            }
            foreach (var owner in parts.Skip(1))
            {
                if (owner.StartsWith('@') && owner.Contains('/', StringComparison.Ordinal) && !teams.ContainsKey(owner))
                {
                    throw new InvalidDataException($"{source}:{i + 1}: owner '{owner}' is a team that 'teams:' in approvals.yaml does not list.");
                }
                if (!owner.StartsWith('@') && !owner.Contains('@', StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"{source}:{i + 1}: owner '{owner}' is neither an @login, an @org/team nor an e-mail address.");
                }
            }
            rules.Add(new OwnerRule(pattern, ToRegex(pattern), parts.Skip(1).ToArray(), i + 1));
        }
        return new CodeOwners(rules, teams);
    }

    /// <summary>The owners (as written, teams unexpanded) of the last line matching <paramref name="path"/>; empty when none.</summary>
    public OwnerMatch? Match(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var normalized = path.Replace('\\', '/').TrimStart('/');
        for (var i = _rules.Count - 1; i >= 0; i--)
        {
            if (_rules[i].Regex.IsMatch(normalized))
            {
                return new OwnerMatch(_rules[i].Pattern, _rules[i].Line, _rules[i].Owners);
            }
        }
        return null;
    }

    /// <summary>True when the last matching line names owners for <paramref name="path"/>.</summary>
    public bool HasOwners(string path) => Match(path) is { Owners.Count: > 0 };

    /// <summary>Does <paramref name="identity"/> own <paramref name="path"/>, directly or through a team?</summary>
    public bool Owns(string identity, string path)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return Match(path) is { } match && match.Owners.Any(owner => IsOwner(identity, owner));
    }

    /// <summary>The owners of <paramref name="path"/> with teams expanded to their members, for messages.</summary>
    public IReadOnlyList<string> Describe(string path) => Match(path)?.Owners ?? [];

    private bool IsOwner(string identity, string owner)
    {
        if (owner.StartsWith('@') && owner.Contains('/', StringComparison.Ordinal))
        {
            return _teams.TryGetValue(owner, out var members) && members.Any(m => PrincipalName.Same(m, identity));
        }
        return PrincipalName.Same(owner.TrimStart('@'), identity);
    }

    // gitignore-style, as GitHub reads CODEOWNERS: a pattern with a slash at its start or middle is anchored at the
    // root; one without matches at any depth; a match on a directory owns everything below it.
    private static Regex ToRegex(string pattern)
    {
        var directoryOnly = pattern.EndsWith('/');
        var body = pattern.Trim('/');
        var anchored = pattern.StartsWith('/') || body.Contains('/', StringComparison.Ordinal);
        var regex = new StringBuilder(anchored ? "^" : "^(?:.*/)?");
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c == '*' && i + 1 < body.Length && body[i + 1] == '*')
            {
                var slashAfter = i + 2 < body.Length && body[i + 2] == '/';
                regex.Append(slashAfter ? "(?:.*/)?" : ".*");
                i += slashAfter ? 2 : 1;
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }
        regex.Append(directoryOnly ? "/.*$" : "(?:/.*)?$");
        if (body.Length == 0 || body == "*")
        {
            return new Regex("^.*$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        return new Regex(regex.ToString(), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    }

    private sealed record OwnerRule(string Pattern, Regex Regex, IReadOnlyList<string> Owners, int Line);
}

/// <summary>The CODEOWNERS line that decided a path: its pattern, line number and owners as written.</summary>
public sealed record OwnerMatch(string Pattern, int Line, IReadOnlyList<string> Owners);
