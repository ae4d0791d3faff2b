using System.Text.Json;
using System.Text.Json.Serialization;

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
            return JsonSerializer.Deserialize(File.ReadAllText(path), AuditCheckpointJson.Default.AuditCheckpoint);
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
        File.WriteAllText(temporary, JsonSerializer.Serialize(checkpoint, AuditCheckpointJson.Default.AuditCheckpoint));
        File.Move(temporary, path, overwrite: true);
    }
}

// Source-generated so the tool servers, which share this library, can be compiled ahead of time. Web defaults keep the
// file format the reflection serializer wrote before (camelCase, case-insensitive reads).
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AuditCheckpoint))]
internal sealed partial class AuditCheckpointJson : JsonSerializerContext;
