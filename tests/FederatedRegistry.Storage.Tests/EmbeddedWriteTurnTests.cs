using System.Data.Common;
using FederatedRegistry.Testing;
using Microsoft.Data.Sqlite;

namespace FederatedRegistry.Storage.Tests;

/// <summary>
/// The writers of one embedded file in one process take turns, in the order they asked, instead of meeting SQLite's
/// lock and sleeping in its busy handler; readers do not wait for them.
/// </summary>
public sealed class EmbeddedWriteTurnTests
{
    // Long enough for a waiting writer to have got through if nothing held it back; it can only make a test pass late.
    private static readonly TimeSpan HeldBack = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_writer_waits_until_the_writer_before_it_closes_and_then_sees_its_commit()
    {
        var connectionString = await NewFileAsync();
        var (first, transaction) = await BeginWriteAsync(connectionString, writer: 1);

        var second = StorageConnection.OpenToWriteAsync(StorageProvider.Embedded, connectionString);
        await AssertStillWaitingAsync(second);

        await transaction.CommitAsync();
        await first.DisposeAsync();
        await using var opened = await second.WaitAsync(Generous);
        Assert.Equal(1L, await ScalarAsync(opened, "SELECT COUNT(*) FROM turns"));
    }

    [Fact]
    public async Task A_reader_does_not_wait_for_a_writer_and_sees_only_what_is_committed()
    {
        var connectionString = await NewFileAsync();
        var (writer, _) = await BeginWriteAsync(connectionString, writer: 1);
        await using (writer)
        {
            await using var reader = await StorageConnection.OpenAsync(StorageProvider.Embedded, connectionString).WaitAsync(Generous);

            Assert.Equal(0L, await ScalarAsync(reader, "SELECT COUNT(*) FROM turns"));
        }
    }

    [Fact]
    public async Task Orleans_grain_storage_connections_take_the_same_turn_as_the_nodes_own_writers()
    {
        var connectionString = await NewFileAsync();
        // Written another way, as Orleans' options may be given it: the same file, so the same turn.
        var orleansConnectionString = new SqliteConnectionStringBuilder(connectionString) { DefaultTimeout = 29 }.ToString();
        await using var source = StorageConnection.ForAdoNet(StorageProvider.Embedded, orleansConnectionString).DataSource!;
        var writer = await StorageConnection.OpenToWriteAsync(StorageProvider.Embedded, connectionString);

        var orleans = source.OpenConnectionAsync().AsTask();
        await AssertStillWaitingAsync(orleans);

        await writer.DisposeAsync();
        await using var opened = await orleans.WaitAsync(Generous);
        var next = StorageConnection.OpenToWriteAsync(StorageProvider.Embedded, connectionString);
        await AssertStillWaitingAsync(next);

        await opened.DisposeAsync();
        await (await next.WaitAsync(Generous)).DisposeAsync();
    }

    [Fact]
    public async Task Writers_get_their_turns_in_the_order_they_asked()
    {
        var connectionString = await NewFileAsync();
        var (first, transaction) = await BeginWriteAsync(connectionString, writer: 0);
        // Each asks on this thread, one after the other, while the first holds the file's lock; each then writes on
        // the thread pool, where, if nothing queued them, they would race for the lock in SQLite's busy handler.
        var writers = Enumerable.Range(1, 12).Select(n =>
        {
            var opening = StorageConnection.OpenToWriteAsync(StorageProvider.Embedded, connectionString);
            return Task.Run(async () =>
            {
                await using var connection = await opening;
                await ExecuteAsync(connection, $"INSERT INTO turns (writer) VALUES ({n})");
            });
        }).ToList();

        await transaction.CommitAsync();
        await first.DisposeAsync();
        await Task.WhenAll(writers).WaitAsync(Generous);

        await using var reader = await StorageConnection.OpenAsync(StorageProvider.Embedded, connectionString);
        await using var command = reader.CreateCommand();
        command.CommandText = "SELECT writer FROM turns ORDER BY position";
        var order = new List<long>();
        await using var rows = await command.ExecuteReaderAsync();
        while (await rows.ReadAsync())
        {
            order.Add(rows.GetInt64(0));
        }
        Assert.Equal(Enumerable.Range(0, 13).Select(n => (long)n), order);
    }

    [Fact]
    public async Task A_writer_kept_waiting_past_the_busy_timeout_is_told_the_file_is_locked_and_the_turn_moves_on()
    {
        var connectionString = await NewFileAsync(busyTimeoutSeconds: 1);
        var first = await StorageConnection.OpenToWriteAsync(StorageProvider.Embedded, connectionString);

        var refused = await Assert.ThrowsAsync<SqliteException>(() => StorageConnection.OpenToWriteAsync(StorageProvider.Embedded, connectionString));

        Assert.Equal(5, refused.SqliteErrorCode); // SQLITE_BUSY, what SQLite itself reports after its busy timeout
        Assert.Contains(new SqliteConnectionStringBuilder(connectionString).DataSource, refused.Message, StringComparison.Ordinal);
        await first.DisposeAsync();
        await using var next = await StorageConnection.OpenToWriteAsync(StorageProvider.Embedded, connectionString).WaitAsync(Generous);
        await ExecuteAsync(next, "INSERT INTO turns (writer) VALUES (2)");
    }

    [Fact]
    public async Task Reading_the_counts_while_a_write_is_under_way_neither_waits_for_it_nor_fails()
    {
        var connectionString = await NewFileAsync(busyTimeoutSeconds: 1);
        var index = RegistryIndex.Create(StorageProvider.Embedded, connectionString);
        await using var writer = await StorageConnection.OpenToWriteAsync(StorageProvider.Embedded, connectionString);
        await using var transaction = await writer.BeginTransactionAsync();
        await ExecuteAsync(writer, "UPDATE registry_count_sequence SET value = value + 1 WHERE id = 1", transaction);

        var snapshot = await index.ReadCountSnapshotAsync().WaitAsync(Generous);

        Assert.Equal(0L, snapshot.Sequence);
    }

    private static async Task<string> NewFileAsync(int busyTimeoutSeconds = 30)
    {
        var connectionString = StorageConnection.ForSqliteFile(TempSqlite.NewDatabasePath("turns"), busyTimeoutSeconds);
        await SchemaMigrator.ApplyAsync(StorageProvider.Embedded, connectionString);
        await using var connection = await StorageConnection.OpenToWriteAsync(StorageProvider.Embedded, connectionString);
        await ExecuteAsync(connection, "CREATE TABLE turns (position INTEGER PRIMARY KEY, writer INTEGER NOT NULL)");
        return connectionString;
    }

    private static async Task<(DbConnection Connection, DbTransaction Transaction)> BeginWriteAsync(string connectionString, int writer)
    {
        var connection = await StorageConnection.OpenToWriteAsync(StorageProvider.Embedded, connectionString);
        var transaction = await connection.BeginTransactionAsync();
        await ExecuteAsync(connection, $"INSERT INTO turns (writer) VALUES ({writer})", transaction);
        return (connection, transaction);
    }

    private static async Task AssertStillWaitingAsync(Task opening) =>
        Assert.NotSame(opening, await Task.WhenAny(opening, Task.Delay(HeldBack)));

    private static async Task ExecuteAsync(DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
