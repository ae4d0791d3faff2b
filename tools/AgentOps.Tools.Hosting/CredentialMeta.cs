namespace AgentOps.Tools.Hosting;

/// <summary>Where the delegated token travels on a stdio <c>tools/call</c>: a reverse-DNS key in <c>params._meta</c>.</summary>
public static class CredentialMeta
{
    public const string Key = "io.agentops/credential";
}
