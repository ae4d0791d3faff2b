using AgentOps.Core;
using FsCheck;
using FsCheck.Xunit;

namespace AgentOps.Identity.Tests;

/// <summary>
/// Property-based: whatever sequence of exchanges is asked for, by whichever agents, with whatever scopes, no token
/// the broker mints is ever wider than its parent or its holder's ceiling, and the verifier refuses any chain in
/// which a hop was widened after signing.
/// </summary>
public sealed class AttenuationPropertyTests : IDisposable
{
    private const int MaxDepth = 8;

    // Patterns that nest in each other (repo/* contains repo/platform-*, which contains repo/platform-gitops), so
    // random requests hit every case: narrower, equal, wider and unrelated.
    private static readonly string[] s_universe =
    [
        "git:write:repo/*", "git:write:repo/platform-*", "git:write:repo/platform-gitops", "git:read",
        "k8s:read", "k8s:read:ns/payments", "argocd:sync:app/*", "argocd:sync:app/payments-staging",
    ];

    private static readonly AgentIdentity[] s_agents =
    [
        Agent("writer", "git:write:repo/platform-* git:read"),
        Agent("reader", "k8s:read git:read"),
        Agent("syncer", "argocd:sync:app/payments-staging k8s:read:ns/payments"),
        Agent("wide", "git:write:repo/* git:read k8s:read argocd:sync:app/*"),
        Agent("narrow", "git:write:repo/platform-gitops"),
    ];

    private readonly IdentityTestContext _context = new(new BrokerOptions { MaxChainDepth = MaxDepth });

    public void Dispose() => _context.Dispose();

    [Property(MaxTest = 150)]
    public bool Exchange_RandomAttenuationSequence_NeverWiderThanParent(NonEmptyArray<int> moves)
    {
        var verifier = _context.Verifier(new VerifierOptions { MaxChainDepth = MaxDepth });
        var current = _context.Broker.IssueForGoal(
            IdentityTestContext.Human, IdentityTestContext.Planner, ScopeSet.Parse("git:write:repo/* git:read k8s:read argocd:sync:app/*"), "property", "goal-p");
        foreach (var move in moves.Get)
        {
            var requested = ScopeSetFrom(move & 0xFF);
            var actor = s_agents[(int)((uint)move >> 8) % s_agents.Length];
            if (requested.Count == 0)
            {
                continue;
            }
            DelegatedCredential next;
            try
            {
                next = _context.Broker.Exchange(current.Token, actor, BrokerOptions.DefaultIssuer, requested, "property step");
            }
            catch (DelegationRefusedException)
            {
                // A refusal is only ever for a reason: wider than held, beyond the ceiling, too deep, or a cycle.
                var widens = !requested.IsSubsetOf(current.Scope) || !requested.IsSubsetOf(actor.Ceiling);
                var tooDeep = current.Chain.Count + 1 > MaxDepth;
                var cycle = actor.Id != current.Subject &&
                    (current.Chain[0].Subject == actor.Id || current.Chain.Any(l => l.Audience == actor.Id));
                if (!widens && !tooDeep && !cycle)
                {
                    return false;
                }
                continue;
            }
            var verified = verifier.Verify(next.Token, BrokerOptions.DefaultIssuer);
            if (!next.Scope.IsSubsetOf(current.Scope) || !next.Scope.IsSubsetOf(actor.Ceiling) ||
                next.ExpiresAt > current.ExpiresAt || next.Chain.Count != current.Chain.Count + 1 || !verified.IsValid ||
                !verified.Credential!.Scope.IsSubsetOf(current.Scope))
            {
                return false;
            }
            current = next;
        }
        // Every hop of the final chain is within the one before it.
        return current.Chain.Zip(current.Chain.Skip(1)).All(pair => pair.Second.Scope.IsSubsetOf(pair.First.Scope));
    }

    [Property(MaxTest = 100)]
    public bool Verify_HopWidenedAfterSigning_RefusedAsScopeWidened(PositiveInt hopChoice, PositiveInt scopeChoice)
    {
        var genuine = _context.ChainToken(4).Token;
        var chain = IdentityTestContext.Payload(genuine)["delegation_chain"]!.AsArray();
        var hop = 1 + hopChoice.Get % (chain.Count - 1);
        var held = ScopeSet.Parse((string)chain[hop - 1]!["scope"]!);
        // A scope the previous hop does not cover, added to this hop: a widening the broker would never sign.
        var outside = s_universe.Select(Scope.Parse).Where(s => !held.Covers(s)).ToArray();
        var extra = outside[scopeChoice.Get % outside.Length];
        var forged = _context.Resign(genuine, p =>
        {
            var entry = p["delegation_chain"]![hop]!.AsObject();
            entry["scope"] = $"{(string)entry["scope"]!} {extra}";
        });

        var result = _context.Verifier().Verify(forged, IdentityTestContext.GitServer);

        return result.ErrorCode == TokenErrorCodes.ScopeWidened;
    }

    private static ScopeSet ScopeSetFrom(int mask) =>
        new(s_universe.Where((_, i) => (mask & (1 << i)) != 0).Select(Scope.Parse));

    private static AgentIdentity Agent(string name, string ceiling) =>
        new($"spiffe://agentops.local/agent/{name}", "autonomous", "gpt-4.1", "openai", ScopeSet.Parse(ceiling));
}
