namespace AgentOps.Identity;

/// <summary>
/// The outcome of <see cref="DelegatedTokenVerifier.Verify"/>. <paramref name="Error"/> is
/// <c>"&lt;code&gt;: &lt;explanation&gt;"</c>, the code being one of <see cref="TokenErrorCodes"/>.
/// </summary>
public sealed record TokenVerification(bool IsValid, string? Error, VerifiedCredential? Credential)
{
    public string? ErrorCode => Error?.Split(':', 2)[0];

    internal static TokenVerification Success(VerifiedCredential credential) => new(true, null, credential);

    internal static TokenVerification Failure(string error) => new(false, error, null);
}
