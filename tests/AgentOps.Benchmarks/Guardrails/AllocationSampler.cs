using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace AgentOps.Benchmarks.Guardrails;

/// <summary>
/// Which types a stretch of code allocates, from the runtime's own allocation sampling (one GCAllocationTick event per
/// ~100 KB allocated, naming the type that crossed the mark): proportional to bytes, with no profiler attached.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, int> _samples = new(StringComparer.Ordinal);
    private volatile bool _recording;

    public void Start()
    {
        _samples.Clear();
        _recording = true;
    }

    public IReadOnlyList<(string Type, int Samples)> Stop()
    {
        _recording = false;
        return _samples.OrderByDescending(p => p.Value).Select(p => (p.Key, p.Value)).ToArray();
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_recording || eventData.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.PayloadNames is null)
        {
            return;
        }
        var index = eventData.PayloadNames.IndexOf("TypeName");
        if (index >= 0 && eventData.Payload?[index] is string type)
        {
            _samples.AddOrUpdate(type, 1, (_, n) => n + 1);
        }
    }
}
