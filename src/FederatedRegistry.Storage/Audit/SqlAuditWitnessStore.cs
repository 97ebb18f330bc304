using System.Data.Common;

namespace FederatedRegistry.Storage;

/// <summary>Creates the witness store of a node's database.</summary>
public static class AuditWitnessStore
{
    /// <summary>The witness store in the database at <paramref name="connectionString"/> (apply <see cref="SchemaMigrator"/> first).</summary>
    public static IAuditWitnessStore Create(StorageProvider provider, string connectionString)
    {
        StorageConnection.CheckStore(provider, connectionString);
        return new SqlAuditWitnessStore(provider, connectionString);
    }
}

/// <summary>The witness store on PostgreSQL or SQLite: plain inserts that skip what is there, and reads.</summary>
internal sealed class SqlAuditWitnessStore(StorageProvider provider, string connectionString) : IAuditWitnessStore
{
    private const int MaxEvidence = 100;

    private const string EvidenceColumns =
        "id, peer, detected_at, seen_size, seen_head_hash, seen_at, seen_node_code, seen_key_id, seen_signature, " +
        "answered_size, answered_head_hash, answered_at, answered_node_code, answered_key_id, answered_signature, findings, answer_envelope";

    public async Task SaveCheckpointAsync(string peer, AuditCheckpointRow checkpoint, DateTimeOffset witnessedAt, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(peer);
        ArgumentNullException.ThrowIfNull(checkpoint);
        await using var connection = await OpenToWriteAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO audit_witnessed_checkpoints (peer, size, head_hash, at, node_code, key_id, signature, witnessed_at)
            VALUES (@peer, @size, @head_hash, @at, @node_code, @key_id, @signature, @witnessed_at)
            ON CONFLICT (peer, size) DO NOTHING
            """;
        command.AddParameter("peer", peer);
        command.AddParameter("size", checkpoint.Size);
        command.AddParameter("head_hash", checkpoint.HeadHash);
        command.AddParameter("at", AuditSql.TimeValue(provider, checkpoint.At));
        command.AddParameter("node_code", checkpoint.NodeCode);
        command.AddParameter("key_id", checkpoint.KeyId);
        command.AddParameter("signature", checkpoint.Signature);
        command.AddParameter("witnessed_at", AuditSql.TimeValue(provider, witnessedAt));
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async Task<WitnessedCheckpointRow?> ReadLatestCheckpointAsync(string peer, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(peer);
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT size, head_hash, at, node_code, key_id, signature, witnessed_at FROM audit_witnessed_checkpoints
            WHERE peer = @peer ORDER BY size DESC LIMIT 1
            """;
        command.AddParameter("peer", peer);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false)
            ? new WitnessedCheckpointRow(peer,
                new AuditCheckpointRow(reader.GetInt64(0), reader.GetString(1), AuditSql.ReadTime(provider, reader, 2), reader.GetString(3),
                    reader.GetString(4), reader.GetString(5)),
                AuditSql.ReadTime(provider, reader, 6))
            : null;
    }

    public async Task<bool> RecordEvidenceAsync(WitnessEvidenceRow evidence, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentException.ThrowIfNullOrEmpty(evidence.Peer, "evidence.Peer");
        await using var connection = await OpenToWriteAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO audit_witness_evidence (peer, evidence_key, detected_at,
                seen_size, seen_head_hash, seen_at, seen_node_code, seen_key_id, seen_signature,
                answered_size, answered_head_hash, answered_at, answered_node_code, answered_key_id, answered_signature,
                findings, answer_envelope)
            VALUES (@peer, @evidence_key, @detected_at,
                @seen_size, @seen_head_hash, @seen_at, @seen_node_code, @seen_key_id, @seen_signature,
                @answered_size, @answered_head_hash, @answered_at, @answered_node_code, @answered_key_id, @answered_signature,
                @findings, @answer_envelope)
            ON CONFLICT (peer, evidence_key) DO NOTHING
            """;
        command.AddParameter("peer", evidence.Peer);
        // One record per kept checkpoint: the first answer that contradicts it is the evidence, and stays.
        command.AddParameter("evidence_key", evidence.Seen is { } kept ? $"{kept.Size}:{kept.HeadHash}" : "none");
        command.AddParameter("detected_at", AuditSql.TimeValue(provider, evidence.DetectedAt));
        AddCheckpoint(command, "seen", evidence.Seen);
        AddCheckpoint(command, "answered", evidence.Answered);
        command.AddParameter("findings", evidence.Findings);
        command.AddParameter("answer_envelope", evidence.AnswerEnvelope);
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
    }

    public async Task<IReadOnlyList<WitnessEvidenceRow>> ReadEvidenceAsync(string peer, int limit, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(peer);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {EvidenceColumns} FROM audit_witness_evidence WHERE peer = @peer ORDER BY id DESC LIMIT @limit";
        command.AddParameter("peer", peer);
        command.AddParameter("limit", Math.Min(limit, MaxEvidence));
        var rows = new List<WitnessEvidenceRow>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            rows.Add(new WitnessEvidenceRow(reader.GetString(1), AuditSql.ReadTime(provider, reader, 2), ReadCheckpoint(reader, 3),
                ReadCheckpoint(reader, 9), reader.GetString(15), reader.GetString(16), reader.GetInt64(0)));
        }
        return rows;
    }

    private void AddCheckpoint(DbCommand command, string prefix, AuditCheckpointRow? checkpoint)
    {
        command.AddParameter($"{prefix}_size", checkpoint?.Size);
        command.AddParameter($"{prefix}_head_hash", checkpoint?.HeadHash);
        command.AddParameter($"{prefix}_at", checkpoint is null ? null : AuditSql.TimeValue(provider, checkpoint.At));
        command.AddParameter($"{prefix}_node_code", checkpoint?.NodeCode);
        command.AddParameter($"{prefix}_key_id", checkpoint?.KeyId);
        command.AddParameter($"{prefix}_signature", checkpoint?.Signature);
    }

    // Six columns from ordinal: size, head hash, at, node code, key id, signature; all NULL for none.
    private AuditCheckpointRow? ReadCheckpoint(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal)
        ? null
        : new AuditCheckpointRow(reader.GetInt64(ordinal), reader.GetString(ordinal + 1), AuditSql.ReadTime(provider, reader, ordinal + 2),
            reader.GetString(ordinal + 3), reader.GetString(ordinal + 4), reader.GetString(ordinal + 5));

    private Task<DbConnection> OpenAsync(CancellationToken ct) => StorageConnection.OpenAsync(provider, connectionString, ct);

    private Task<DbConnection> OpenToWriteAsync(CancellationToken ct) => StorageConnection.OpenToWriteAsync(provider, connectionString, ct);
}
