using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentOps.Storage;

/// <summary>
/// Signed audit checkpoints, one JSON object a line, oldest first, in a file beside the database (like
/// <see cref="AuditCheckpointFile"/>) so that rewriting the database does not rewrite them. Each line also keeps the
/// Merkle frontier at that size, unsigned: it is trusted only after it folds to the signed root, and it lets the next
/// checkpoint be signed from the new records alone. Ship the file (or <c>audit checkpoint --json</c>) somewhere the
/// database's owner cannot write to make the log's history provable to others.
/// </summary>
public sealed class AuditCheckpointLog(string path)
{
    private static readonly TimeSpan s_lockTimeout = TimeSpan.FromSeconds(10);

    public string Path => path;

    public IReadOnlyList<SignedAuditCheckpoint> ReadAll() => ReadEntries().Select(e => e.Checkpoint).ToArray();

    public SignedAuditCheckpoint? Latest() => ReadEntries().LastOrDefault()?.Checkpoint;

    /// <summary>The newest checkpoint with the frontier saved beside it (not yet checked against the signed root).</summary>
    internal StoredCheckpoint? LatestWithFrontier() => ReadEntries().LastOrDefault();

    /// <summary>
    /// Adds <paramref name="checkpoint"/> unless the file already holds one of the same or a larger tree (another
    /// process signed first); returns whether it was added. Writers take a lock file so the check and the append are one step.
    /// </summary>
    internal async Task<bool> AppendAsync(SignedAuditCheckpoint checkpoint, MerkleFrontier frontier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(frontier);
        if (frontier.Size != checkpoint.TreeSize)
        {
            throw new ArgumentException("The frontier must be the tree the checkpoint signs.", nameof(frontier));
        }
        using var writeLock = await AcquireLockAsync(cancellationToken).ConfigureAwait(false);
        if (Latest() is { } latest && latest.TreeSize >= checkpoint.TreeSize)
        {
            return false;
        }
        var line = checkpoint.ToJson();
        line["frontier"] = new JsonArray(frontier.Subtrees.Select(s => (JsonNode?)JsonValue.Create(Convert.ToHexStringLower(s))).ToArray());
        var bytes = Encoding.UTF8.GetBytes(line.ToJsonString() + "\n");
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }
        return true;
    }

    private List<StoredCheckpoint> ReadEntries()
    {
        var entries = new List<StoredCheckpoint>();
        if (!File.Exists(path))
        {
            return entries;
        }
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }
            try
            {
                var json = JsonNode.Parse(line);
                var checkpoint = SignedAuditCheckpoint.FromJson(json);
                var subtrees = (json!["frontier"] as JsonArray ?? throw new InvalidDataException("frontier is missing"))
                    .Select(n => Convert.FromHexString(n?.GetValue<string>() ?? throw new InvalidDataException("frontier holds null")))
                    .ToArray();
                if (entries.Count > 0 && entries[^1].Checkpoint.TreeSize >= checkpoint.TreeSize)
                {
                    throw new InvalidDataException($"treeSize {checkpoint.TreeSize} does not grow past the line before ({entries[^1].Checkpoint.TreeSize})");
                }
                entries.Add(new StoredCheckpoint(checkpoint, MerkleFrontier.Restore(checkpoint.TreeSize, subtrees)));
            }
            catch (Exception ex) when (ex is JsonException or InvalidDataException or FormatException or InvalidOperationException)
            {
                throw new InvalidDataException($"The audit checkpoint log '{path}' line {lineNumber} is unreadable: {ex.Message}", ex);
            }
        }
        return entries;
    }

    private async Task<FileStream> AcquireLockAsync(CancellationToken cancellationToken)
    {
        // The lock file is left in place: deleting it on close would let two writers lock two different files.
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                return new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (Stopwatch.GetElapsedTime(started) < s_lockTimeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}

/// <summary>A checkpoint as stored, with the frontier that lets the next one be signed incrementally.</summary>
internal sealed record StoredCheckpoint(SignedAuditCheckpoint Checkpoint, MerkleFrontier Frontier);
