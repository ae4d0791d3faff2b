using AgentOps.Core;

namespace AgentOps.Identity;

/// <summary>The broker would not delegate: the request would widen scope, or the delegation is otherwise not allowed.</summary>
public sealed class DelegationRefusedException : Exception
{
    public DelegationRefusedException()
    {
    }

    public DelegationRefusedException(string message)
        : base(message)
    {
    }

    public DelegationRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DelegationRefusedException(string message, ScopeSet refusedScopes)
        : base(message) => RefusedScopes = refusedScopes;

    /// <summary>The requested scopes that would have widened authority; empty when the refusal is not about scope.</summary>
    public ScopeSet RefusedScopes { get; } = ScopeSet.Empty;
}
