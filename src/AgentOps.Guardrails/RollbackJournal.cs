using AgentOps.Core;

namespace AgentOps.Guardrails;

/// <summary>Compensations registered by L5, per run, in registration order. Undo runs them newest first.</summary>
public sealed class RollbackJournal
{
    private readonly Dictionary<string, List<(string StepId, Compensation Compensation)>> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public void Register(string runId, string stepId, Compensation compensation)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(runId, out var list))
            {
                _entries[runId] = list = [];
            }
            list.RemoveAll(e => e.StepId == stepId);
            list.Add((stepId, compensation));
        }
    }

    /// <summary>The registered compensations, newest first.</summary>
    public IReadOnlyList<(string StepId, Compensation Compensation)> Pending(string runId)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(runId, out var list) ? list.AsEnumerable().Reverse().ToArray() : [];
        }
    }

    public void Restore(string runId, IEnumerable<(string StepId, Compensation Compensation)> entries)
    {
        lock (_gate)
        {
            _entries[runId] = entries.ToList();
        }
    }
}
