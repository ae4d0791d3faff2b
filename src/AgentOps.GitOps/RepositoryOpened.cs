namespace AgentOps.GitOps;

/// <summary>
/// A forge repository as <see cref="ForgeUpstream.Open"/> left it. <paramref name="Remote"/> is null for a repository
/// that lives only on the forge; <paramref name="Updated"/> lists branches created or fast-forwarded from the remote,
/// <paramref name="Diverged"/> those left alone because the forge and the remote both moved.
/// </summary>
public sealed record RepositoryOpened(
    string Repository,
    string? Remote,
    string DefaultBranch,
    string? Head,
    IReadOnlyList<string> Branches,
    IReadOnlyList<string> Updated,
    IReadOnlyList<string> Diverged);
