namespace AgentOps.GitOps;

/// <summary>
/// The pull-request backend failed or refused the call (bad credentials, not found, validation, unreachable, timed
/// out). The message says what to check; it never holds a credential.
/// </summary>
public sealed class PullRequestProviderException(string message, Exception? innerException = null) : Exception(message, innerException);
