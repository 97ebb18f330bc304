using System.Data;
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace FederatedRegistry.Storage;

/// <summary>Creates the audit log of a node's database.</summary>
public static class AuditLog
{
    /// <summary>The largest number of entries one read returns.</summary>
    public const int MaxReadLimit = 10_000;

    /// <summary>The audit log in the database at <paramref name="connectionString"/> (apply <see cref="SchemaMigrator"/> first).</summary>
    public static IAuditLog Create(StorageProvider provider, string connectionString)
    {
        StorageConnection.CheckStore(provider, connectionString);
        return new SqlAuditLog(provider, connectionString);
    }
}

/// <summary>The audit log on PostgreSQL (timestamptz, batches through unnest) or SQLite (UTC text, one statement per row).</summary>
internal sealed class SqlAuditLog(StorageProvider provider, string connectionString) : IAuditLog
{
    private const string EntryColumns = "sequence, at, actor, action, subject, payload_hash, previous_hash, entry_hash, source_key, payload";
    private const string CheckpointColumns = "size, head_hash, at, node_code, key_id, signature";

    public async Task AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }
        await using var connection = await OpenToWriteAsync(ct).ConfigureAwait(false);
        if (provider == StorageProvider.Postgres || records.Count == 1)
        {
            await AuditSql.InsertAsync(provider, connection, null, records, ct).ConfigureAwait(false);
            return;
        }
        // One SQLite statement per row: one transaction makes them one commit (one fsync) instead of one each.
        await using var transaction = ((SqliteConnection)connection).BeginTransaction(deferred: false);
        await AuditSql.InsertAsync(provider, connection, transaction, records, ct).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<UnsealedAuditRecord>> ReadUnsealedAsync(int limit, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, at, actor, action, subject, payload_hash FROM audit_entries WHERE sequence IS NULL ORDER BY id LIMIT @limit";
        command.AddParameter("limit", Math.Min(limit, AuditLog.MaxReadLimit));
        var rows = new List<UnsealedAuditRecord>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            rows.Add(new UnsealedAuditRecord(reader.GetInt64(0), AuditSql.ReadTime(provider, reader, 1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5)));
        }
        return rows;
    }

    public async Task<AuditChainHead> ReadHeadAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT sequence, entry_hash FROM audit_entries WHERE sequence IS NOT NULL ORDER BY sequence DESC LIMIT 1";
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false)
            ? new AuditChainHead(reader.GetInt64(0), reader.GetString(1))
            : new AuditChainHead(0, null);
    }

    public async Task SealAsync(IReadOnlyList<AuditSeal> seals, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(seals);
        if (seals.Count == 0)
        {
            return;
        }
        await using var connection = await OpenToWriteAsync(ct).ConfigureAwait(false);
        await using var transaction = provider == StorageProvider.Embedded
            ? ((SqliteConnection)connection).BeginTransaction(deferred: false)
            : await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct).ConfigureAwait(false);
        var sealedCount = provider == StorageProvider.Postgres
            ? await SealPostgresAsync((NpgsqlConnection)connection, (NpgsqlTransaction)transaction, seals, ct).ConfigureAwait(false)
            : await SealOneByOneAsync(connection, transaction, seals, ct).ConfigureAwait(false);
        if (sealedCount != seals.Count)
        {
            await transaction.RollbackAsync(ct).ConfigureAwait(false);
            throw new InvalidOperationException(
                $"Only {sealedCount} of {seals.Count} audit entries could be sealed: the others are gone or were sealed by another writer. Nothing was sealed.");
        }
        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SealedAuditEntry>> ReadEntriesAsync(long fromSequence, int limit, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {EntryColumns} FROM audit_entries WHERE sequence >= @from ORDER BY sequence LIMIT @limit";
        command.AddParameter("from", fromSequence);
        command.AddParameter("limit", Math.Min(limit, AuditLog.MaxReadLimit));
        var entries = new List<SealedAuditEntry>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            entries.Add(new SealedAuditEntry(reader.GetInt64(0), AuditSql.ReadTime(provider, reader, 1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.GetString(9)));
        }
        return entries;
    }

    public async Task<IReadOnlyList<AuditRecord>> ReadBySourceKeyPrefixAsync(string sourceKeyPrefix, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = PrefixCommand(connection, "source_key, at, actor, action, subject, payload, payload_hash", sourceKeyPrefix);
        command.CommandText += " ORDER BY id";
        var records = new List<AuditRecord>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            records.Add(new AuditRecord(reader.GetString(0), AuditSql.ReadTime(provider, reader, 1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5), reader.GetString(6)));
        }
        return records;
    }

    public async Task<long> CountBySourceKeyPrefixAsync(string sourceKeyPrefix, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = PrefixCommand(connection, "count(*)", sourceKeyPrefix);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    // A range rather than LIKE: both stores walk the unique index in byte order for it, and no character of the prefix is
    // a wildcard. The end is the prefix with its last character raised by one.
    private static DbCommand PrefixCommand(DbConnection connection, string selectList, string sourceKeyPrefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourceKeyPrefix);
        var command = connection.CreateCommand();
        command.CommandText = $"SELECT {selectList} FROM audit_entries WHERE source_key >= @from AND source_key < @to";
        command.AddParameter("from", sourceKeyPrefix);
        command.AddParameter("to", sourceKeyPrefix[..^1] + (char)(sourceKeyPrefix[^1] + 1));
        return command;
    }

    public async Task<IReadOnlySet<string>> FindSourceKeysAsync(IReadOnlyCollection<string> sourceKeys, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sourceKeys);
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (sourceKeys.Count == 0)
        {
            return found;
        }
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        // One parameter per key (SQLite has no arrays), in chunks well below either store's parameter limit.
        foreach (var chunk in sourceKeys.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT source_key FROM audit_entries WHERE source_key IN ({string.Join(", ", chunk.Select((_, i) => "@k" + i))})";
            for (var i = 0; i < chunk.Length; i++)
            {
                command.AddParameter("k" + i, chunk[i]);
            }
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                found.Add(reader.GetString(0));
            }
        }
        return found;
    }

    public async Task<long> CountUnsealedAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM audit_entries WHERE sequence IS NULL";
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    public async Task SaveCheckpointAsync(AuditCheckpointRow checkpoint, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        await using var connection = await OpenToWriteAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO audit_checkpoints ({CheckpointColumns}) VALUES (@size, @head_hash, @at, @node_code, @key_id, @signature) "
            + "ON CONFLICT (size) DO NOTHING";
        command.AddParameter("size", checkpoint.Size);
        command.AddParameter("head_hash", checkpoint.HeadHash);
        command.AddParameter("at", AuditSql.TimeValue(provider, checkpoint.At));
        command.AddParameter("node_code", checkpoint.NodeCode);
        command.AddParameter("key_id", checkpoint.KeyId);
        command.AddParameter("signature", checkpoint.Signature);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public Task<AuditCheckpointRow?> ReadLatestCheckpointAsync(CancellationToken ct = default) =>
        ReadCheckpointAsync("ORDER BY size DESC LIMIT 1", null, ct);

    public Task<AuditCheckpointRow?> ReadCheckpointAsync(long size, CancellationToken ct = default) =>
        ReadCheckpointAsync("WHERE size = @size", size, ct);

    public IAsyncEnumerable<string> FindGrainKeysWithoutEntryAsync(
        string grainTypeString, string sourceKeyPrefix, string sourceKeySuffix, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sourceKeyPrefix);
        ArgumentNullException.ThrowIfNull(sourceKeySuffix);
        return GrainKeys.ReadAsync(provider, connectionString, grainTypeString, join: string.Empty,
            "AND NOT EXISTS (SELECT 1 FROM audit_entries a WHERE a.source_key = @prefix || s.grain_id_extension || @suffix)",
            command =>
            {
                command.AddParameter("prefix", sourceKeyPrefix);
                command.AddParameter("suffix", sourceKeySuffix);
            },
            ct);
    }

    private async Task<AuditCheckpointRow?> ReadCheckpointAsync(string condition, long? size, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {CheckpointColumns} FROM audit_checkpoints {condition}";
        if (size is { } s)
        {
            command.AddParameter("size", s);
        }
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false)
            ? new AuditCheckpointRow(reader.GetInt64(0), reader.GetString(1), AuditSql.ReadTime(provider, reader, 2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5))
            : null;
    }

    private static async Task<int> SealPostgresAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<AuditSeal> seals, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE audit_entries a
            SET sequence = s.sequence, previous_hash = s.previous_hash, entry_hash = s.entry_hash
            FROM unnest(@ids, @sequences, @previous, @hashes) AS s(id, sequence, previous_hash, entry_hash)
            WHERE a.id = s.id AND a.sequence IS NULL
            """,
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = seals.Select(s => s.Id).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("sequences", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = seals.Select(s => s.Sequence).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("previous", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = seals.Select(s => s.PreviousHash).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("hashes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = seals.Select(s => s.EntryHash).ToArray() });
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static async Task<int> SealOneByOneAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<AuditSeal> seals, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE audit_entries SET sequence = @sequence, previous_hash = @previous, entry_hash = @hash WHERE id = @id AND sequence IS NULL";
        var id = command.AddParameter("id", null);
        var sequence = command.AddParameter("sequence", null);
        var previous = command.AddParameter("previous", null);
        var hash = command.AddParameter("hash", null);
        var count = 0;
        foreach (var seal in seals)
        {
            id.Value = seal.Id;
            sequence.Value = seal.Sequence;
            previous.Value = seal.PreviousHash;
            hash.Value = seal.EntryHash;
            count += await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        return count;
    }

    private Task<DbConnection> OpenAsync(CancellationToken ct) => StorageConnection.OpenAsync(provider, connectionString, ct);

    private Task<DbConnection> OpenToWriteAsync(CancellationToken ct) => StorageConnection.OpenToWriteAsync(provider, connectionString, ct);
}

/// <summary>The audit SQL that the read model's upserts share: appending inside their transaction, and time columns.</summary>
internal static class AuditSql
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    /// <summary>Inserts unsealed entries, skipping source keys already present, on <paramref name="transaction"/> if given.</summary>
    public static async Task InsertAsync(StorageProvider provider, DbConnection connection, DbTransaction? transaction, IReadOnlyList<AuditRecord> records, CancellationToken ct)
    {
        if (records.Count == 0)
        {
            return;
        }
        foreach (var record in records)
        {
            ArgumentNullException.ThrowIfNull(record);
            ArgumentException.ThrowIfNullOrEmpty(record.SourceKey, "records[].SourceKey");
        }
        if (provider == StorageProvider.Postgres)
        {
            // One round trip for all records.
            await using var batch = new NpgsqlCommand(PostgresInsert(condition: null), (NpgsqlConnection)connection, (NpgsqlTransaction?)transaction);
            AddPostgresParameters(batch, records);
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return;
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO audit_entries (source_key, at, actor, action, subject, payload, payload_hash)
            VALUES (@source_key, @at, @actor, @action, @subject, @payload, @payload_hash)
            ON CONFLICT (source_key) DO NOTHING
            """;
        var sourceKey = command.AddParameter("source_key", null);
        var at = command.AddParameter("at", null);
        var actor = command.AddParameter("actor", null);
        var action = command.AddParameter("action", null);
        var subject = command.AddParameter("subject", null);
        var payload = command.AddParameter("payload", null);
        var payloadHash = command.AddParameter("payload_hash", null);
        foreach (var record in records)
        {
            sourceKey.Value = record.SourceKey;
            at.Value = TimeValue(provider, record.At);
            actor.Value = record.Actor;
            action.Value = record.Action;
            subject.Value = record.Subject;
            payload.Value = record.Payload;
            payloadHash.Value = record.PayloadHash;
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// PostgreSQL's insert of the records bound by <see cref="AddPostgresParameters"/>: one statement, in the order
    /// given (WITH ORDINALITY), each source key at most once; only when <paramref name="condition"/> holds, if given,
    /// so that an upsert can make its entries depend on its own update in the same statement.
    /// </summary>
    public static string PostgresInsert(string? condition) => $"""
        INSERT INTO audit_entries (source_key, at, actor, action, subject, payload, payload_hash)
        SELECT r.source_key, r.at, r.actor, r.action, r.subject, r.payload, r.payload_hash
        FROM unnest(@audit_source_keys, @audit_ats, @audit_actors, @audit_actions, @audit_subjects, @audit_payloads, @audit_payload_hashes)
             WITH ORDINALITY AS r(source_key, at, actor, action, subject, payload, payload_hash, n)
        {(condition is null ? "" : "WHERE " + condition)}
        ORDER BY r.n
        ON CONFLICT (source_key) DO NOTHING
        """;

    public static void AddPostgresParameters(NpgsqlCommand command, IReadOnlyList<AuditRecord> records)
    {
        foreach (var record in records)
        {
            ArgumentNullException.ThrowIfNull(record);
            ArgumentException.ThrowIfNullOrEmpty(record.SourceKey, "records[].SourceKey");
        }
        command.Parameters.Add(Array("audit_source_keys", NpgsqlDbType.Text, records.Select(r => r.SourceKey)));
        command.Parameters.Add(new NpgsqlParameter("audit_ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
        {
            Value = records.Select(r => Truncate(r.At).UtcDateTime).ToArray(),
        });
        command.Parameters.Add(Array("audit_actors", NpgsqlDbType.Text, records.Select(r => r.Actor)));
        command.Parameters.Add(Array("audit_actions", NpgsqlDbType.Text, records.Select(r => r.Action)));
        command.Parameters.Add(Array("audit_subjects", NpgsqlDbType.Text, records.Select(r => r.Subject)));
        command.Parameters.Add(Array("audit_payloads", NpgsqlDbType.Text, records.Select(r => r.Payload)));
        command.Parameters.Add(Array("audit_payload_hashes", NpgsqlDbType.Text, records.Select(r => r.PayloadHash)));
    }

    public static object TimeValue(StorageProvider provider, DateTimeOffset value) => provider == StorageProvider.Postgres
        ? Truncate(value)
        : Truncate(value).UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset ReadTime(StorageProvider provider, DbDataReader reader, int ordinal) => provider == StorageProvider.Postgres
        ? reader.GetFieldValue<DateTimeOffset>(ordinal)
        : DateTimeOffset.ParseExact(reader.GetString(ordinal), TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    // Both providers keep microseconds; what is stored is what is hashed.
    private static DateTimeOffset Truncate(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - ticks % TimeSpan.TicksPerMicrosecond, TimeSpan.Zero);
    }

    private static NpgsqlParameter Array(string name, NpgsqlDbType type, IEnumerable<string> values) =>
        new(name, NpgsqlDbType.Array | type) { Value = values.ToArray() };
}
