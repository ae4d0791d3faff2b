using AgentOps.Guardrails.Policy;

namespace AgentOps.Guardrails;

/// <summary>
/// A sliding one-minute window of tool calls per agent, from the AIAgent's <c>rateLimits.toolCallsPerMinute</c>.
/// It lives in the orchestrating process; a multi-replica deployment needs a shared store (see docs/architecture.md).
/// </summary>
public sealed class AgentRateLimiter(TimeProvider timeProvider)
{
    private static readonly TimeSpan s_window = TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _calls = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public bool TryAcquire(AgentSpec agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        lock (_gate)
        {
            var window = Window(agent.Name);
            if (window.Count >= agent.ToolCallsPerMinute)
            {
                return false;
            }
            window.Enqueue(timeProvider.GetUtcNow());
            return true;
        }
    }

    public bool WouldAllow(AgentSpec agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        lock (_gate)
        {
            return Window(agent.Name).Count < agent.ToolCallsPerMinute;
        }
    }

    private Queue<DateTimeOffset> Window(string agent)
    {
        if (!_calls.TryGetValue(agent, out var window))
        {
            _calls[agent] = window = new Queue<DateTimeOffset>();
        }
        var cutoff = timeProvider.GetUtcNow() - s_window;
        while (window.Count > 0 && window.Peek() <= cutoff)
        {
            window.Dequeue();
        }
        return window;
    }
}
