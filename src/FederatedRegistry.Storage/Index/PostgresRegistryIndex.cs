using System.Data;
using System.Data.Common;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace FederatedRegistry.Storage;

/// <summary>The read model on PostgreSQL: native text[] arrays and timestamptz.</summary>
internal sealed class PostgresRegistryIndex(string connectionString) : SqlRegistryIndex(StorageProvider.Postgres, connectionString)
{
    // A second upsert of the same row waits here until the first commits, then sees its version.
    protected override string LockRowClause => " FOR UPDATE";

    protected override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
        await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct).ConfigureAwait(false);

    protected override async Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken ct) =>
        await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);

    protected override object ArrayValue(string[] values) => values;

    protected override string[] ReadArray(DbDataReader reader, int ordinal) => reader.GetFieldValue<string[]>(ordinal);

    protected override object TimeValue(DateTimeOffset value) => value.ToUniversalTime();

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    // The containment form can use the GIN index on the array column.
    protected override string ArrayContains(string column, string parameter) => $"{column} @> ARRAY[{parameter}]::text[]";

    protected override string TextContains(string column, string parameter) => $"strpos({column}, {parameter}) > 0";

    // Converted to UTC first: to_char on a timestamptz formats it in the session's time zone.
    protected override string MonthOf(string column) => $"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM')";

    protected override string ArrayElements(string column, string alias) => $"LATERAL unnest({column}) AS {alias}(value)";

    // One round trip for all deltas and the sequence. ORDER BY keeps the lock order of concurrent upserts the same, and
    // the sequence is locked last: the subquery reads the inserted counts before the update finds its row.
    protected override async Task<long> ApplyDeltasAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<CountDelta> deltas, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            WITH applied AS (
                INSERT INTO registry_counts (dataset, dimension, value, count)
                SELECT d.dataset, d.dimension, d.value, d.delta
                FROM unnest(@datasets, @dimensions, @values, @deltas) AS d(dataset, dimension, value, delta)
                ORDER BY d.dataset COLLATE "C", d.dimension COLLATE "C", d.value COLLATE "C"
                ON CONFLICT (dataset, dimension, value) DO UPDATE SET count = registry_counts.count + EXCLUDED.count
                RETURNING 1
            )
            UPDATE registry_count_sequence SET value = value + 1
            WHERE id = 1 AND (SELECT count(*) FROM applied) >= 0
            RETURNING value
            """,
            (NpgsqlConnection)connection,
            (NpgsqlTransaction)transaction);
        command.Parameters.Add(new NpgsqlParameter("datasets", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = deltas.Select(d => d.Dataset).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("dimensions", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = deltas.Select(d => d.Dimension).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("values", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = deltas.Select(d => d.Value).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("deltas", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = deltas.Select(d => d.Delta).ToArray() });
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }
}
