using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace FederatedRegistry.Storage;

/// <summary>The read model on an embedded SQLite file: arrays as JSON text, times as fixed-width UTC text.</summary>
internal sealed class SqliteRegistryIndex(string connectionString) : SqlRegistryIndex(StorageProvider.Embedded, connectionString)
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    // The IMMEDIATE transaction below already holds the database's single write lock.
    protected override string LockRowClause => string.Empty;

    // IMMEDIATE takes the write lock before the first read, so two upserts cannot both read the old row.
    protected override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    // Deferred: in WAL mode its first read fixes the snapshot the rest see, and it takes no write lock (an isolation
    // level alone would make Microsoft.Data.Sqlite begin IMMEDIATE, as a writer).
    protected override Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken ct) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

    protected override object ArrayValue(string[] values) => JsonSerializer.Serialize(values);

    protected override string[] ReadArray(DbDataReader reader, int ordinal) =>
        JsonSerializer.Deserialize<string[]>(reader.GetString(ordinal)) ?? [];

    protected override object TimeValue(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        DateTimeOffset.ParseExact(reader.GetString(ordinal), TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    protected override string ArrayContains(string column, string parameter) =>
        $"EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.value = {parameter})";

    protected override string TextContains(string column, string parameter) => $"instr({column}, {parameter}) > 0";

    // Times are stored as UTC text that starts with yyyy-MM.
    protected override string MonthOf(string column) => $"substr({column}, 1, 7)";

    protected override string ArrayElements(string column, string alias) => $"json_each({column}) AS {alias}";
}
