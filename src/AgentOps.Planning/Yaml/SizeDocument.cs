namespace AgentOps.Planning.Yaml;

internal sealed class SizeDocument
{
    public string? Name { get; set; }
    public int StorageGb { get; set; }
    public int MaxStorageGb { get; set; }
}
