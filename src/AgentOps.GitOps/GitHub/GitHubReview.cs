namespace AgentOps.GitOps.GitHub;

/// <summary>One submitted review as the four-eyes check needs it. <paramref name="State"/> is GitHub's, upper case.</summary>
public sealed record GitHubReview(string Login, bool IsBot, string State, string? CommitId, DateTimeOffset SubmittedAt);
