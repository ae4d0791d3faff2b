namespace AgentOps.Guardrails.Injection;

/// <summary>What an injection scan concludes: nothing found, suspicious (recorded, and it taints), or refused.</summary>
public enum ScanVerdict
{
    Allow,
    Flag,
    Block,
}
