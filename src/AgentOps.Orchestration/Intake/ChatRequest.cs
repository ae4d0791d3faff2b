namespace AgentOps.Orchestration.Intake;

public sealed record ChatRequest(string Text, string Requester, string Channel = "cli", bool DryRun = false);
