using System.Text.Json;
using AgentOps.Core;
using AgentOps.Identity;
using Microsoft.Data.Sqlite;

namespace AgentOps.Storage;

/// <summary>Signed checkpoints over the RFC 6962 Merkle tree of the log, inclusion proofs, and verifying against them.</summary>
public sealed partial class SqliteAuditLog
{
    /// <summary>
    /// Signs a checkpoint at every multiple of the interval the log has reached since the newest stored checkpoint and,
    /// when <paramref name="atHead"/>, one more at the newest record (a checkpoint on demand). Only the records after
    /// the newest checkpoint are read: its saved frontier, once it folds to the signed root, stands for the rest. Those
    /// records must continue the chain from the checkpoint's head hash, so a checkpoint is never signed over a tamper.
    /// New checkpoints are always of the current format (<see cref="SignedAuditCheckpoint.CurrentVersion"/>); when the
    /// newest stored one is older, its frontier is over other leaves, so the first new one reads the log from record 1
    /// (once), and the record at the old checkpoint's size must still have its signed head hash.
    /// </summary>
    /// <returns>The checkpoints this call added, oldest first (none when another process signed them first).</returns>
    /// <exception cref="AuditCheckpointException">The newest checkpoint's signature or frontier does not hold, or a newer record breaks the chain.</exception>
    public async Task<IReadOnlyList<SignedAuditCheckpoint>> SignCheckpointsAsync(
        AuditCheckpointing checkpointing, bool atHead, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpointing);
        var frontier = new MerkleFrontier();
        var previousHash = AuditRecordJson.GenesisHash;
        // Below this the records are covered already; an older-format checkpoint's head hash must be met on the way there.
        long covered = 0;
        SignedAuditCheckpoint? olderFormat = null;
        if (checkpointing.Store.LatestWithFrontier() is { } latest)
        {
            if (AuditCheckpointVerifier.Problem(latest.Checkpoint, checkpointing.TrustedKeys) is { } problem)
            {
                throw new AuditCheckpointException(null, $"Refusing to sign further checkpoints: {problem}.");
            }
            covered = latest.Checkpoint.TreeSize;
            if (latest.Checkpoint.Version != SignedAuditCheckpoint.CurrentVersion)
            {
                olderFormat = latest.Checkpoint;
            }
            else
            {
                if (Convert.ToHexStringLower(latest.Frontier.Root()) != latest.Checkpoint.RootHash)
                {
                    throw new AuditCheckpointException(null,
                        $"Refusing to sign further checkpoints: the frontier saved with the checkpoint of {latest.Checkpoint.TreeSize} records does not fold to its signed root.");
                }
                frontier = latest.Frontier;
                previousHash = latest.Checkpoint.HeadHash;
            }
        }

        var added = new List<SignedAuditCheckpoint>();
        var lastSigned = covered;
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = SelectRange(connection, frontier.Size + 1, toSequence: null);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var record = ReadForCheckpoint(reader);
                    var expected = frontier.Size + 1;
                    if (record.Sequence != expected)
                    {
                        throw new AuditCheckpointException(expected, $"Refusing to sign a checkpoint: record {expected} is missing.");
                    }
                    if (!string.Equals(record.PrevHash, previousHash, StringComparison.Ordinal) ||
                        !AuditRecordJson.HashMatches(record))
                    {
                        throw new AuditCheckpointException(record.Sequence,
                            $"Refusing to sign a checkpoint: record {record.Sequence} was changed or does not continue the chain from the last signed checkpoint; run 'agentops audit verify'.");
                    }
                    frontier.Append(AuditRecordJson.ChainHashLeafHash(record.Hash));
                    previousHash = record.Hash;
                    if (olderFormat is not null && record.Sequence == olderFormat.TreeSize && !string.Equals(record.Hash, olderFormat.HeadHash, StringComparison.Ordinal))
                    {
                        throw new AuditCheckpointException(record.Sequence,
                            $"Refusing to sign a checkpoint: record {record.Sequence} no longer has the head hash the checkpoint of {olderFormat.TreeSize} records signed; run 'agentops audit verify'.");
                    }
                    if (record.Sequence > covered && record.Sequence % checkpointing.Interval == 0)
                    {
                        await SignAndStoreAsync(checkpointing, frontier, previousHash, added, cancellationToken).ConfigureAwait(false);
                        lastSigned = record.Sequence;
                    }
                }
            }
        }
        if (atHead && frontier.Size > lastSigned)
        {
            await SignAndStoreAsync(checkpointing, frontier, previousHash, added, cancellationToken).ConfigureAwait(false);
        }
        return added;
    }

    /// <summary>
    /// The RFC 6962 inclusion proof of record <paramref name="sequence"/> in the tree that <paramref name="checkpoint"/>
    /// signs. The log must still produce the checkpoint's root; if it does not, it was changed since, and this throws.
    /// </summary>
    public async Task<AuditInclusionProof> ProveAsync(long sequence, SignedAuditCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (sequence < 1 || sequence > checkpoint.TreeSize)
        {
            throw new ArgumentOutOfRangeException(nameof(sequence), sequence,
                $"Record {sequence} is not covered by the newest signed checkpoint, which covers records 1 to {checkpoint.TreeSize}; run 'agentops audit checkpoint' first.");
        }
        var leaves = new List<byte[]>();
        string? line = null;
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = SelectRange(connection, 1, checkpoint.TreeSize);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var record = ReadForCheckpoint(reader);
                    if (record.Sequence != leaves.Count + 1)
                    {
                        throw new AuditCheckpointException(leaves.Count + 1, $"Record {leaves.Count + 1} is missing; run 'agentops audit verify'.");
                    }
                    if (record.Sequence == sequence)
                    {
                        // A format 2 root commits to the record's hash, not its fields: the line handed out must still hash to it.
                        if (!AuditRecordJson.HashMatches(record))
                        {
                            throw new AuditCheckpointException(sequence, $"Record {sequence} was changed: its stored hash does not match its contents; run 'agentops audit verify'.");
                        }
                        line = System.Text.Encoding.UTF8.GetString(AuditRecordJson.LeafBytes(record));
                    }
                    leaves.Add(LeafHashOrRefuse(record, checkpoint.Version));
                }
            }
        }
        if (leaves.Count != checkpoint.TreeSize || line is null)
        {
            throw new AuditCheckpointException(leaves.Count + 1,
                $"The log holds {leaves.Count} of the {checkpoint.TreeSize} records the checkpoint covers; run 'agentops audit verify'.");
        }
        if (Convert.ToHexStringLower(MerkleTree.RootHash(leaves)) != checkpoint.RootHash)
        {
            throw new AuditCheckpointException(null,
                $"Records 1 to {checkpoint.TreeSize} no longer have the root the checkpoint signed; run 'agentops audit verify' to find the first bad record.");
        }
        var path = MerkleTree.InclusionProof(leaves, sequence - 1).Select(Convert.ToHexStringLower).ToArray();
        return new AuditInclusionProof(sequence, sequence - 1, checkpoint.TreeSize, line, Convert.ToHexStringLower(leaves[(int)(sequence - 1)]), path, checkpoint);
    }

    /// <summary>
    /// Like <see cref="VerifyAsync(AuditCheckpoint, CancellationToken)"/> (with or without the unsigned head), and
    /// also against every signed checkpoint: each must carry a valid signature from <paramref name="trustedKeys"/>, and
    /// at each one's size the record's hash must be its head hash and the Merkle root its root. A chain rebuilt after
    /// a checkpoint was signed fails there; records cut off below a checkpoint's size are reported as truncation.
    /// </summary>
    /// <exception cref="AuditCheckpointException">A checkpoint's signature does not hold (forged or altered checkpoint).</exception>
    public async Task<AuditVerification> VerifyAsync(
        AuditCheckpoint? head, IReadOnlyList<SignedAuditCheckpoint> signedCheckpoints, JsonWebKeySet trustedKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signedCheckpoints);
        ArgumentNullException.ThrowIfNull(trustedKeys);
        // The signatures are checked while the chain is read: reading leaves the cores part idle, and the checks are pure
        // CPU. A checkpoint that fails its signature still decides: whatever the chain's answer (or failure), it is
        // refused, exactly as when the signatures were checked first.
        var signatures = Task.Run(() => AuditCheckpointVerifier.FirstProblem(signedCheckpoints, trustedKeys), cancellationToken);
        var ordered = signedCheckpoints.OrderBy(c => c.TreeSize).ToArray();
        var chain = VerifyChainAsync(head, cancellationToken, ordered);
        try
        {
            await chain.ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Observed below, once the signatures have had their say.
        }
        if (await signatures.ConfigureAwait(false) is { } problem)
        {
            throw new AuditCheckpointException(null, $"Refusing the signed checkpoints: {problem}.");
        }
        return await chain.ConfigureAwait(false);
    }

    private static byte[] LeafHashOrRefuse(AuditRecord record, int version)
    {
        try
        {
            return AuditRecordJson.LeafHashInFormat(record, version);
        }
        catch (FormatException)
        {
            throw new AuditCheckpointException(record.Sequence, $"Record {record.Sequence}'s stored hash is not a SHA-256 hash; run 'agentops audit verify'.");
        }
    }

    private static AuditRecord ReadForCheckpoint(SqliteDataReader reader)
    {
        try
        {
            return AuditLogRows.Read(reader);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or InvalidCastException)
        {
            var sequence = reader.GetInt64(0);
            throw new AuditCheckpointException(sequence, $"Record {sequence} can no longer be read ({ex.Message}); run 'agentops audit verify'.");
        }
    }

    private async Task SignAndStoreAsync(
        AuditCheckpointing checkpointing, MerkleFrontier frontier, string headHash, List<SignedAuditCheckpoint> added, CancellationToken cancellationToken)
    {
        var checkpoint = checkpointing.Signer.Sign(frontier.Size, Convert.ToHexStringLower(frontier.Root()), headHash, timeProvider.GetUtcNow());
        if (await checkpointing.Store.AppendAsync(checkpoint, frontier, cancellationToken).ConfigureAwait(false))
        {
            added.Add(checkpoint);
        }
    }
}
