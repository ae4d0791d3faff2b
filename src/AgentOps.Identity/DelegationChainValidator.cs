using AgentOps.Core;

namespace AgentOps.Identity;

/// <summary>
/// The OIDC-A relying-party checks on a delegation chain. The RFC 8693 <c>act</c> claim cannot carry
/// per-hop scope, so this chain is what proves no hop widened what its delegator held.
/// </summary>
internal static class DelegationChainValidator
{
    public static string? Validate(IReadOnlyList<DelegationLink> chain, TokenClaims token, VerifierOptions options)
    {
        if (chain.Count > options.MaxChainDepth)
        {
            return $"the chain has {chain.Count} hops; at most {options.MaxChainDepth} are allowed";
        }
        for (var i = 0; i < chain.Count; i++)
        {
            var link = chain[i];
            if (link.Issuer != options.Issuer)
            {
                return $"entry {i} was recorded by '{link.Issuer}', which is not a trusted issuer";
            }
            if (i == 0)
            {
                continue;
            }
            var previous = chain[i - 1];
            if (link.DelegatedAt < previous.DelegatedAt)
            {
                return $"entry {i} is dated {link.DelegatedAt:O}, before entry {i - 1} ({previous.DelegatedAt:O})";
            }
            if (previous.Audience != link.Subject)
            {
                return $"entry {i - 1} delegates to '{previous.Audience}' but entry {i} is delegated by '{link.Subject}'";
            }
            if (!link.Scope.IsSubsetOf(previous.Scope))
            {
                return $"entry {i} widens scope: '{Uncovered(link.Scope, previous.Scope)}' is not within '{previous.Scope}'";
            }
        }

        var last = chain[^1];
        if (last.DelegatedAt > token.IssuedAt + options.ClockSkew)
        {
            return $"entry {chain.Count - 1} is dated {last.DelegatedAt:O}, after the token was issued ({token.IssuedAt:O})";
        }
        if (last.Audience != token.Subject)
        {
            return $"the last entry delegates to '{last.Audience}' but the token subject is '{token.Subject}'";
        }
        if (!token.Scope.IsSubsetOf(last.Scope))
        {
            return $"token scope widens the last delegation: '{Uncovered(token.Scope, last.Scope)}' is not within '{last.Scope}'";
        }
        if (token.DelegatorSubject != last.Subject)
        {
            return $"delegator_sub '{token.DelegatorSubject}' is not the last delegator '{last.Subject}'";
        }
        return null;
    }

    private static ScopeSet Uncovered(ScopeSet scope, ScopeSet ceiling) => new(scope.Where(s => !ceiling.Covers(s)));
}
