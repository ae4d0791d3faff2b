using System.Collections;

namespace AgentOps.Core;

/// <summary>A set of scopes, serialised space-separated as in OAuth's <c>scope</c> claim.</summary>
public sealed class ScopeSet : IReadOnlyCollection<Scope>, IEquatable<ScopeSet>
{
    private readonly Scope[] _scopes;

    public ScopeSet(IEnumerable<Scope> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        _scopes = scopes.Distinct().OrderBy(s => s.ToString(), StringComparer.Ordinal).ToArray();
    }

    public static ScopeSet Empty { get; } = new([]);

    public static ScopeSet Parse(string? text) =>
        new((text ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Scope.Parse));

    public int Count => _scopes.Length;

    /// <summary>True when some scope in this set allows everything <paramref name="scope"/> allows.</summary>
    // Checked on every tool call and every token hop: a loop, not a delegate and an enumerator per check.
    public bool Covers(Scope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        foreach (var candidate in _scopes)
        {
            if (scope.IsSubsetOf(candidate))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>True when every scope here is covered by <paramref name="other"/>: this set is no wider.</summary>
    public bool IsSubsetOf(ScopeSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return ReferenceEquals(this, other) || _scopes.All(other.Covers);
    }

    /// <summary>The scopes of this set that <paramref name="ceiling"/> covers. Used to attenuate: never widens.</summary>
    public ScopeSet Within(ScopeSet ceiling)
    {
        ArgumentNullException.ThrowIfNull(ceiling);
        return new ScopeSet(_scopes.Where(ceiling.Covers));
    }

    public IEnumerator<Scope> GetEnumerator() => ((IEnumerable<Scope>)_scopes).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(ScopeSet? other) => other is not null && _scopes.SequenceEqual(other._scopes);

    public override bool Equals(object? obj) => Equals(obj as ScopeSet);

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    public override string ToString() => string.Join(' ', _scopes.Select(s => s.ToString()));
}
