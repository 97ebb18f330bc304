using Microsoft.Data.Sqlite;

namespace FederatedRegistry.Storage.Tests;

public abstract class SchemaMigratorTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>
    where TDatabase : StorageDatabase
{
    protected TDatabase Database => database;

    private StorageProvider Provider => database.Provider;

    [Fact]
    public void Scripts_AreOrleansPersistenceThenReadModelThenCountSequenceThenSummaryDimensionsThenAuditThenAuditWitness_ThenClusterOnPostgres_ThenFederationReplay_ThenTriageTime()
    {
        var scripts = SchemaMigrator.GetScripts(Provider);

        (int, string)[] common =
            [(1, "orleans_persistence"), (2, "read_model"), (3, "count_sequence"), (4, "summary_dimensions"), (5, "audit"), (6, "audit_witness")];
        // Membership and reminders serve several silos, which only a shared server has.
        Assert.Equal(
            Provider == StorageProvider.Postgres
                ? [.. common, (7, "orleans_cluster"), (8, "federation_replay"), (9, "triage_time")]
                : [.. common, (8, "federation_replay"), (9, "triage_time")],
            scripts.Select(s => (s.Version, s.Name)));
        Assert.All(scripts, s => Assert.StartsWith(Provider == StorageProvider.Postgres ? "Sql/postgres/" : "Sql/sqlite/", s.Path));
        Assert.All(scripts, s => Assert.False(string.IsNullOrWhiteSpace(s.Sql)));
    }

    [Fact]
    public void ScriptFiles_InTheRepository_AreTheEmbeddedScripts()
    {
        var projectDirectory = FindProjectDirectory();

        foreach (var script in SchemaMigrator.GetScripts(Provider))
        {
            Assert.Equal(File.ReadAllText(Path.Combine(projectDirectory, script.Path)), script.Sql);
        }
    }

    [Fact]
    public async Task Apply_OnEmptyDatabase_RecordsEveryScriptVersion()
    {
        var connectionString = await database.CreateEmptyDatabaseAsync("migrate_empty");

        await SchemaMigrator.ApplyAsync(Provider, connectionString);

        var applied = await SchemaMigrator.GetAppliedAsync(Provider, connectionString);
        Assert.Equal(SchemaMigrator.GetScripts(Provider).Select(s => (s.Version, s.Name)), applied.Select(a => (a.Version, a.Name)));
        Assert.All(applied, a => Assert.InRange(a.AppliedAt, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5)));
    }

    [Fact]
    public async Task GetPending_OnEmptyDatabase_IsEveryScript_AndCreatesNoRecordTable()
    {
        var connectionString = await database.CreateEmptyDatabaseAsync("pending_empty");

        var pending = await SchemaMigrator.GetPendingAsync(Provider, connectionString);

        Assert.Equal(SchemaMigrator.GetScripts(Provider), pending);
        var tables = Provider == StorageProvider.Postgres
            ? $"SELECT COUNT(*) FROM information_schema.tables WHERE table_name = '{SchemaMigrator.MigrationsTable}'"
            : $"SELECT COUNT(*) FROM sqlite_master WHERE name = '{SchemaMigrator.MigrationsTable}'";
        Assert.Equal(0, await DirectSql.CountAsync(Provider, connectionString, tables));
    }

    [Fact]
    public async Task GetPending_IsWhatTheRecordLacks_AndNothingOnceEveryScriptIsApplied()
    {
        var connectionString = await database.CreateEmptyDatabaseAsync("pending_latest");
        await SchemaMigrator.ApplyAsync(Provider, connectionString);
        var applied = await SchemaMigrator.GetPendingAsync(Provider, connectionString);
        var latest = SchemaMigrator.GetScripts(Provider)[^1];

        await DirectSql.ExecuteAsync(Provider, connectionString, $"DELETE FROM {SchemaMigrator.MigrationsTable} WHERE version = {latest.Version}");

        Assert.Empty(applied);
        Assert.Equal([latest], await SchemaMigrator.GetPendingAsync(Provider, connectionString));
    }

    [Fact]
    public async Task Apply_Again_ChangesNothingAndDoesNotFail()
    {
        var connectionString = await database.CreateEmptyDatabaseAsync("migrate_twice");
        await SchemaMigrator.ApplyAsync(Provider, connectionString);
        var first = await SchemaMigrator.GetAppliedAsync(Provider, connectionString);

        await SchemaMigrator.ApplyAsync(Provider, connectionString);

        Assert.Equal(first, await SchemaMigrator.GetAppliedAsync(Provider, connectionString));
    }

    [Fact]
    public async Task Scripts_RunByHandTwiceAndThenByTheMigrator_DoNotFail()
    {
        // What a deployment job that applies the plain .sql files does before the node starts.
        var connectionString = await database.CreateEmptyDatabaseAsync("migrate_by_hand");
        foreach (var script in SchemaMigrator.GetScripts(Provider).Concat(SchemaMigrator.GetScripts(Provider)))
        {
            await DirectSql.ExecuteAsync(Provider, connectionString, script.Sql);
        }

        await SchemaMigrator.ApplyAsync(Provider, connectionString);

        Assert.Equal(SchemaMigrator.GetScripts(Provider).Count, (await SchemaMigrator.GetAppliedAsync(Provider, connectionString)).Count);
    }

    [Fact]
    public async Task Apply_FromSeveralTasksAtOnce_SucceedsAndRecordsEachScriptOnce()
    {
        var connectionString = await database.CreateEmptyDatabaseAsync("migrate_concurrent");

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => SchemaMigrator.ApplyAsync(Provider, connectionString))));

        var applied = await SchemaMigrator.GetAppliedAsync(Provider, connectionString);
        Assert.Equal(SchemaMigrator.GetScripts(Provider).Select(s => s.Version), applied.Select(a => a.Version));
    }

    [Fact]
    public async Task OrleansQueries_AreThePersistenceQueries_AndOnPostgresTheClusteringAndReminderQueries()
    {
        var keys = new List<string>();
        await using var connection = await StorageConnection.OpenAsync(Provider, database.ConnectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }

        string[] persistence = ["ClearStorageKey", "DeleteStorageKey", "ReadFromStorageKey", "WriteToStorageKey"];
        // Every key the 10.4.2 clustering and reminder providers ask for.
        string[] cluster =
        [
            "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey", "UpdateIAmAlivetimeKey", "MembershipReadRowKey",
            "MembershipReadAllKey", "GatewaysQueryKey", "DeleteMembershipTableEntriesKey", "CleanupDefunctSiloEntriesKey",
            "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
            "DeleteReminderRowKey", "DeleteReminderRowsKey",
        ];
        var expected = Provider == StorageProvider.Postgres ? persistence.Concat(cluster) : persistence;
        Assert.Equal(expected.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
    }

    private static string FindProjectDirectory()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "src", "FederatedRegistry.Storage", "FederatedRegistry.Storage.csproj")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory?.FullName ?? throw new DirectoryNotFoundException("Repository root not found."), "src", "FederatedRegistry.Storage");
    }
}

public sealed class PostgresSchemaMigratorTests(PostgresDatabase database) : SchemaMigratorTests<PostgresDatabase>(database);

public sealed class SqliteSchemaMigratorTests(SqliteDatabase db) : SchemaMigratorTests<SqliteDatabase>(db)
{
    [Fact]
    public async Task Apply_CreatesTheDirectoryOfTheDatabaseFile()
    {
        var path = FederatedRegistry.Testing.TempSqlite.NewDatabasePath("directory");
        Assert.False(Directory.Exists(Path.GetDirectoryName(path)));

        await SchemaMigrator.ApplyAsync(StorageProvider.Embedded, StorageConnection.ForSqliteFile(path));

        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task Database_IsInWalModeAndWritesFsyncOnCommit()
    {
        // A connection opened the way Orleans opens its own: WAL must already be the file's mode.
        await using var plain = new SqliteConnection(Database.ConnectionString);
        await plain.OpenAsync();
        await using var command = plain.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());

        await using var ours = await StorageConnection.OpenAsync(StorageProvider.Embedded, Database.ConnectionString);
        await using var synchronous = ours.CreateCommand();
        synchronous.CommandText = "PRAGMA synchronous";
        Assert.Equal(2L, (long)(await synchronous.ExecuteScalarAsync())!); // 2 = FULL
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OrleansConnections_FromTheEmbeddedDataSource_WaitForTheWriteLockInSqlite_AndFsyncOnCommit(bool async)
    {
        // Without a busy timeout a statement meeting another writer fails at once, and Microsoft.Data.Sqlite sleeps
        // 150 ms before each retry: the grain-state writes' tail latency under concurrent writers.
        // A timeout of its own per case: a pooled connection keeps its pragmas, so the cases must not share a pool.
        var seconds = async ? 7 : 8;
        var connectionString = new SqliteConnectionStringBuilder(Database.ConnectionString) { DefaultTimeout = seconds }.ToString();
        await using var source = StorageConnection.ForAdoNet(StorageProvider.Embedded, connectionString).DataSource!;
        await using var connection = source.CreateConnection();
        if (async)
        {
            await connection.OpenAsync();
        }
        else
        {
            connection.Open();
        }

        Assert.Equal(seconds * 1000L, await ScalarAsync(connection, "PRAGMA busy_timeout"));
        Assert.Equal(2L, await ScalarAsync(connection, "PRAGMA synchronous")); // 2 = FULL
        Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode"));
    }

    private static async Task<object?> ScalarAsync(System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
