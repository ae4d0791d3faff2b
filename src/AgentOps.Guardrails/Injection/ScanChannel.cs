namespace AgentOps.Guardrails.Injection;

/// <summary>Where text being screened for injection came from; each channel has its own weights and thresholds.</summary>
public enum ScanChannel
{
    /// <summary>A request from a person (chat, API): direct injection.</summary>
    Request,

    /// <summary>What a tool returned (logs, events, annotations, pull-request and issue text): indirect injection.</summary>
    ToolOutput,

    /// <summary>An argument the orchestrator is about to send to a tool.</summary>
    ToolArgument,
}

/// <summary>The channel names used in <c>guardrails/injection.yaml</c> and on the command line.</summary>
public static class ScanChannels
{
    public static string Name(ScanChannel channel) => channel switch
    {
        ScanChannel.Request => "request",
        ScanChannel.ToolOutput => "tool_output",
        ScanChannel.ToolArgument => "tool_argument",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, null),
    };

    public static bool TryParse(string? name, out ScanChannel channel)
    {
        foreach (var candidate in Enum.GetValues<ScanChannel>())
        {
            if (string.Equals(Name(candidate), name, StringComparison.Ordinal))
            {
                channel = candidate;
                return true;
            }
        }
        channel = default;
        return false;
    }
}
