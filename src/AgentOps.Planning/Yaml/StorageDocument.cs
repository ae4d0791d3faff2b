namespace AgentOps.Planning.Yaml;

internal sealed class StorageDocument
{
    public string? Parameter { get; set; }
    public string? SizeParameter { get; set; }
    public string? Description { get; set; }
    public List<SizeDocument>? Sizes { get; set; }
}
