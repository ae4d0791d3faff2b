namespace AgentOps.Cli;

/// <summary>Exit codes scripts can rely on. Anything non-zero means the command failed or was refused.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int Refused = 3;
    public const int NeedsInput = 4;
    public const int Duplicate = 5;
}
