namespace AgentOps.Core;

/// <summary>What somebody asked for, before any planning: who, what, through which channel.</summary>
public sealed record Goal(
    string Id,
    string Requester,
    string Text,
    string Channel,
    string CorrelationId,
    DateTimeOffset ReceivedAt);
