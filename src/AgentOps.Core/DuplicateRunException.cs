namespace AgentOps.Core;

/// <summary>Another live run already targets the same resource; the store refused to record a second one.</summary>
public sealed class DuplicateRunException(string dedupKey, Exception? inner = null)
    : InvalidOperationException($"A live run for '{dedupKey}' already exists.", inner)
{
    public string DedupKey { get; } = dedupKey;
}
