namespace AgentOps.Identity;

/// <summary>
/// Tokens that already passed the signature, claim-format and chain checks (rules 1 and 3 to 7), so a repeated
/// presentation of the same token skips the ECDSA verification and the JSON parsing. Keyed by the token's signature
/// part; a hit also requires the whole token text to match, so a forged header or payload under a known signature can
/// never borrow a cached result. Entries live until the token's <c>exp</c> plus skew, and the cache holds at most
/// <see cref="VerifierOptions.VerifiedCacheCapacity"/> of them.
/// <para>
/// What is cached is only what the bytes of the token prove, which cannot change. Everything that can change between
/// two calls runs again on every hit: audience, time (expiry, not-before), the scope this call needs, revocation, and
/// the single-use check. A verifier with a replay cache therefore still refuses the second presentation (as
/// <c>replayed</c>), only sooner; the saving is for verifiers without one (the broker re-reading a subject token, the
/// orchestrator inspecting a token it holds) and for refusing replays cheaply.
/// </para>
/// </summary>
internal sealed class VerifiedTokenCache(int capacity)
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    internal int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public Entry? TryGet(string token, DateTimeOffset now)
    {
        var signature = SignatureOf(token);
        lock (_gate)
        {
            if (!_entries.TryGetValue(signature, out var entry))
            {
                return null;
            }
            if (now >= entry.EvictAt)
            {
                _entries.Remove(signature);
                return null;
            }
            return string.Equals(entry.Token, token, StringComparison.Ordinal) ? entry : null;
        }
    }

    public void Add(string token, TokenClaims claims, IReadOnlyList<DelegationLink> chain, DateTimeOffset evictAt, DateTimeOffset now)
    {
        var signature = SignatureOf(token);
        lock (_gate)
        {
            if (_entries.Count >= capacity && !_entries.ContainsKey(signature))
            {
                foreach (var (key, entry) in _entries)
                {
                    if (now >= entry.EvictAt)
                    {
                        _entries.Remove(key);
                    }
                }
                if (_entries.Count >= capacity)
                {
                    // Full of live tokens: verifying in full is always correct, so simply do not cache this one.
                    return;
                }
            }
            _entries[signature] = new Entry(token, claims, chain, evictAt);
        }
    }

    private static string SignatureOf(string token) => token[(token.LastIndexOf('.') + 1)..];

    internal sealed record Entry(string Token, TokenClaims Claims, IReadOnlyList<DelegationLink> Chain, DateTimeOffset EvictAt);
}
