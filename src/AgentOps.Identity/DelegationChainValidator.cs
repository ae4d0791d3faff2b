using AgentOps.Core;

namespace AgentOps.Identity;

/// <summary>
/// The OIDC-A relying-party checks on a delegation chain, one rule at a time over the whole chain, in DESIGN's order:
/// trusted issuer per entry, then order by <c>delegated_at</c>, then <c>aud[n] == sub[n+1]</c> continuity (with the
/// splice and cycle checks), then scope subsets, then constraints, then depth. The RFC 8693 <c>act</c> claim cannot
/// carry per-hop scope, so this chain is what proves no hop widened what its delegator held.
/// </summary>
internal static class DelegationChainValidator
{
    /// <returns>Null when the chain holds, else the failing rule's code and an explanation an operator can act on.</returns>
    public static (string Code, string Detail)? Validate(IReadOnlyList<DelegationLink> chain, TokenClaims token, VerifierOptions options)
    {
        return CheckIssuers(chain, token)
            ?? CheckOrder(chain, token, options)
            ?? CheckContinuity(chain, token)
            ?? CheckScopes(chain, token)
            ?? CheckConstraints(chain, token)
            ?? CheckDepth(chain, options);
    }

    private static (string, string)? CheckIssuers(IReadOnlyList<DelegationLink> chain, TokenClaims token)
    {
        var hasTrustDomain = Subjects.TryGetTrustDomain(token.Issuer, out var trustDomain);
        for (var i = 0; i < chain.Count; i++)
        {
            var link = chain[i];
            if (link.Issuer != token.Issuer)
            {
                return (TokenErrorCodes.WrongIssuer, $"entry {i} was recorded by '{link.Issuer}', not by the token's issuer '{token.Issuer}'");
            }
            foreach (var principal in (ReadOnlySpan<string>)[link.Subject, link.Audience])
            {
                if (hasTrustDomain && Subjects.IsInOtherTrustDomain(principal, trustDomain))
                {
                    return (TokenErrorCodes.ForeignTrustDomain, $"entry {i} names '{principal}' from trust domain '{Subjects.TrustDomainOf(principal)}'; the issuer's is '{trustDomain}'");
                }
            }
        }
        return null;
    }

    private static (string, string)? CheckOrder(IReadOnlyList<DelegationLink> chain, TokenClaims token, VerifierOptions options)
    {
        for (var i = 1; i < chain.Count; i++)
        {
            if (chain[i].DelegatedAt < chain[i - 1].DelegatedAt)
            {
                return (TokenErrorCodes.ChainOutOfOrder, $"entry {i} is dated {chain[i].DelegatedAt:O}, before entry {i - 1} ({chain[i - 1].DelegatedAt:O})");
            }
        }
        var last = chain[^1];
        if (last.DelegatedAt > token.IssuedAt + options.ClockSkew)
        {
            return (TokenErrorCodes.ChainOutOfOrder, $"entry {chain.Count - 1} is dated {last.DelegatedAt:O}, after the token was issued ({token.IssuedAt:O})");
        }
        return null;
    }

    private static (string, string)? CheckContinuity(IReadOnlyList<DelegationLink> chain, TokenClaims token)
    {
        for (var i = 1; i < chain.Count; i++)
        {
            if (chain[i - 1].Audience != chain[i].Subject)
            {
                return (TokenErrorCodes.ChainBroken, $"entry {i - 1} delegates to '{chain[i - 1].Audience}' but entry {i} is delegated by '{chain[i].Subject}'");
            }
        }
        var last = chain[^1];
        if (last.Audience != token.Subject)
        {
            return (TokenErrorCodes.ChainBroken, $"the last entry delegates to '{last.Audience}' but the token subject is '{token.Subject}'");
        }
        if (token.DelegatorSubject != last.Subject)
        {
            return (TokenErrorCodes.ChainBroken, $"delegator_sub '{token.DelegatorSubject}' is not the last delegator '{last.Subject}'");
        }

        // Every hop's token id is rooted in the first hop's, so a hop lifted from another chain (even one whose
        // principals happen to line up) carries a foreign root; and the token must be the one minted at the last hop.
        var root = chain[0].Jti!;
        for (var i = 1; i < chain.Count; i++)
        {
            var jti = chain[i].Jti!;
            if (jti.Length <= root.Length + 1 || !jti.StartsWith(root, StringComparison.Ordinal) || jti[root.Length] != '.')
            {
                return (TokenErrorCodes.ChainSpliced, $"entry {i} (jti {Short(jti)}) does not descend from this chain's first hop (jti {Short(root)})");
            }
        }
        if (token.Jti != last.Jti)
        {
            return (TokenErrorCodes.ChainSpliced, $"the token's jti {Short(token.Jti)} is not the last hop's ({Short(last.Jti!)}): the chain belongs to another token");
        }

        // A principal may narrow its own token (consecutive self-delegation) but never reappear after handing off.
        var seen = new HashSet<string>(StringComparer.Ordinal) { chain[0].Subject };
        var previous = chain[0].Subject;
        for (var i = 0; i < chain.Count; i++)
        {
            var delegatee = chain[i].Audience;
            if (delegatee != previous && !seen.Add(delegatee))
            {
                return (TokenErrorCodes.ChainCycle, $"entry {i} delegates back to '{delegatee}', which already appears earlier in the chain");
            }
            previous = delegatee;
        }
        return null;
    }

    private static (string, string)? CheckScopes(IReadOnlyList<DelegationLink> chain, TokenClaims token)
    {
        for (var i = 1; i < chain.Count; i++)
        {
            if (!chain[i].Scope.IsSubsetOf(chain[i - 1].Scope))
            {
                return (TokenErrorCodes.ScopeWidened, $"entry {i} widens scope: '{Uncovered(chain[i].Scope, chain[i - 1].Scope)}' is not within '{chain[i - 1].Scope}'");
            }
        }
        var last = chain[^1];
        if (!token.Scope.IsSubsetOf(last.Scope))
        {
            return (TokenErrorCodes.ScopeWidened, $"token scope widens the last delegation: '{Uncovered(token.Scope, last.Scope)}' is not within '{last.Scope}'");
        }
        return null;
    }

    private static (string, string)? CheckConstraints(IReadOnlyList<DelegationLink> chain, TokenClaims token)
    {
        for (var i = 1; i < chain.Count; i++)
        {
            if (chain[i - 1].Constraints is { } earlier && earlier.IsRelaxedBy(chain[i].Constraints))
            {
                return (TokenErrorCodes.ConstraintsRelaxed, $"entry {i} relaxes max_duration {earlier.MaxDurationSeconds} s of entry {i - 1} to {Describe(chain[i].Constraints)}");
            }
        }
        if (chain[^1].Constraints is { } lastConstraints && lastConstraints.IsRelaxedBy(token.Constraints))
        {
            return (TokenErrorCodes.ConstraintsRelaxed, $"the token relaxes max_duration {lastConstraints.MaxDurationSeconds} s of the last entry to {Describe(token.Constraints)}");
        }
        for (var i = 0; i < chain.Count; i++)
        {
            if (chain[i].Constraints?.MaxDurationSeconds is { } seconds && token.ExpiresAt > chain[i].DelegatedAt.AddSeconds(seconds))
            {
                return (TokenErrorCodes.ConstraintViolated, $"token expires at {token.ExpiresAt:O}, after entry {i}'s delegation ends ({chain[i].DelegatedAt.AddSeconds(seconds):O})");
            }
        }
        var lifetime = (long)(token.ExpiresAt - token.IssuedAt).TotalSeconds;
        if (token.MaxDurationSeconds is { } maxDuration && lifetime > maxDuration)
        {
            return (TokenErrorCodes.ConstraintViolated, $"token lifetime {lifetime} s exceeds its max_duration constraint of {maxDuration} s");
        }
        return null;
    }

    private static (string, string)? CheckDepth(IReadOnlyList<DelegationLink> chain, VerifierOptions options) =>
        chain.Count > options.MaxChainDepth
            ? (TokenErrorCodes.ChainTooDeep, $"the chain has {chain.Count} hops; at most {options.MaxChainDepth} are allowed")
            : null;

    private static string Describe(DelegationConstraints? constraints) =>
        constraints?.MaxDurationSeconds is { } seconds ? $"{seconds} s" : "no limit";

    private static string Short(string jti) => jti.Length <= 48 ? jti : jti[..48] + "…";

    private static ScopeSet Uncovered(ScopeSet scope, ScopeSet ceiling) => new(scope.Where(s => !ceiling.Covers(s)));
}
