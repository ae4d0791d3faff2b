using System.Text;
using AgentOps.Core;

namespace AgentOps.Storage;

/// <summary>
/// Verifying a long, intact log on every core. The sequence range is cut into contiguous parts, each read on its own
/// connection and checked on its own thread (contiguous sequences, links inside the part, each stored hash against its
/// contents, the unsigned checkpoint's hash where it falls); then the seams are checked: each part's first record must
/// link to the previous part's last. This path can only answer "intact". Anything it is not sure of, from a bad record
/// to a row the raw reader declines, sends the whole log to the sequential walk, which finds and names the first bad
/// record exactly as before.
/// </summary>
public sealed partial class SqliteAuditLog
{
    /// <summary>Logs shorter than this are walked sequentially: the parts' connections and threads would cost more than they save.</summary>
    internal int ParallelVerifyMinimumRecords { get; init; } = 100_000;

    /// <summary>How many parts a long log is cut into; the machine's cores by default.</summary>
    internal int ParallelVerifyParts { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 8);

    internal async Task<AuditVerification?> TryVerifyInParallelAsync(AuditCheckpoint? expected, CancellationToken cancellationToken)
    {
        if (ParallelVerifyParts < 2)
        {
            return null;
        }
        var (first, last) = await SequenceBoundsAsync(cancellationToken).ConfigureAwait(false);
        // The sequential walk reports a log that does not start at 1, and one cut below the checkpoint.
        if (first != 1 || last < ParallelVerifyMinimumRecords || (expected is not null && expected.Sequence > last))
        {
            return null;
        }
        var size = (last + ParallelVerifyParts - 1) / ParallelVerifyParts;
        var parts = Enumerable.Range(0, ParallelVerifyParts)
            .Select(i => (From: 1 + (i * size), To: Math.Min(last, (i + 1) * size)))
            .Where(p => p.From <= p.To)
            .Select(p => Task.Run(() => VerifyPart(p.From, p.To, expected, cancellationToken), cancellationToken))
            .ToArray();
        var results = await Task.WhenAll(parts).ConfigureAwait(false);
        var previousHash = Encoding.UTF8.GetBytes(AuditRecordJson.GenesisHash);
        foreach (var part in results)
        {
            if (part is null || !part.FirstPrevHash.AsSpan().SequenceEqual(previousHash))
            {
                return null;
            }
            previousHash = part.LastHash;
        }
        return new AuditVerification(Intact: true, RecordsChecked: last, FirstBadSequence: null, Problem: null);
    }

    private async Task<(long First, long Last)> SequenceBoundsAsync(CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            // sequence is the rowid: both ends come from the b-tree's edges, not a scan.
            command.CommandText = "SELECT MIN(sequence), MAX(sequence) FROM audit_log;";
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && !reader.IsDBNull(0)
                    ? (reader.GetInt64(0), reader.GetInt64(1))
                    : (0, 0);
            }
        }
    }

    /// <summary>Checks records <paramref name="from"/> to <paramref name="to"/>; null as soon as anything is not certainly intact.</summary>
    private PartVerified? VerifyPart(long from, long to, AuditCheckpoint? expected, CancellationToken cancellationToken)
    {
        using var connection = database.OpenConnection();
        using var command = SelectRange(connection, from, to);
        using var reader = command.ExecuteReader();
        byte[]? firstPrevHash = null;
        var lastHash = Array.Empty<byte>();
        var expectedHash = expected is not null && expected.Sequence >= from && expected.Sequence <= to
            ? Encoding.UTF8.GetBytes(expected.Hash)
            : null;
        var next = from;
        while (reader.Read())
        {
            if ((next & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            if (!AuditLogRows.TryReadRaw(reader, out var row) || row.Sequence != next)
            {
                return null;
            }
            if (firstPrevHash is null)
            {
                firstPrevHash = row.PrevHash.ToArray();
            }
            else if (!row.PrevHash.SequenceEqual(lastHash))
            {
                return null;
            }
            if (!AuditRecordJson.RawHashMatches(row) || (expectedHash is not null && row.Sequence == expected!.Sequence && !row.Hash.SequenceEqual(expectedHash)))
            {
                return null;
            }
            if (lastHash.Length == row.Hash.Length)
            {
                row.Hash.CopyTo(lastHash);
            }
            else
            {
                lastHash = row.Hash.ToArray();
            }
            next++;
        }
        return next == to + 1 && firstPrevHash is not null ? new PartVerified(firstPrevHash, lastHash) : null;
    }

    private sealed record PartVerified(byte[] FirstPrevHash, byte[] LastHash);
}
