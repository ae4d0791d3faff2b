using System.Text.Json;

namespace AgentOps.Storage;

/// <summary>
/// The newest audit checkpoint, kept in a file beside the database rather than in it, so that deleting the newest
/// records from the database is noticed by <c>audit verify</c>. It only ever moves forward.
/// </summary>
public sealed class AuditCheckpointFile(string path)
{
    public string Path => path;

    public AuditCheckpoint? Read()
    {
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<AuditCheckpoint>(File.ReadAllText(path), JsonSerializerOptions.Web);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The audit checkpoint '{path}' is unreadable: {ex.Message}", ex);
        }
    }

    /// <summary>Records <paramref name="checkpoint"/> unless the file already holds a later one (another process got there first).</summary>
    public void Advance(AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (Read() is { } current && current.Sequence >= checkpoint.Sequence)
        {
            return;
        }
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(checkpoint, JsonSerializerOptions.Web));
        File.Move(temporary, path, overwrite: true);
    }
}
