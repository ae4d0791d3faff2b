namespace AgentOps.Planning.Reading;

/// <summary>An amount of storage the request states, e.g. "2 TB", in whole gigabytes (rounded up).</summary>
internal sealed record StorageAmount(string Text, int Gigabytes);
