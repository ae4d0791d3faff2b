namespace AgentOps.Orchestration.Tools;

/// <summary>Whether a tool server checks our delegated token itself, which decides whether the token is sent to it at all.</summary>
public enum ToolServerTrust
{
    /// <summary>One of our servers: it verifies the token against our JWKS, so the token travels in <c>_meta</c>.</summary>
    VerifiesToken,

    /// <summary>
    /// A server we did not write (<c>trust: unverified-token</c>). It cannot verify our token, and a bearer token handed
    /// to a third party is a leaked token, so it never receives one: the orchestrator checks the token in its place
    /// (<see cref="ThirdPartyToolGateway"/>), and the process starts with an empty environment.
    /// </summary>
    UnverifiedToken,
}
