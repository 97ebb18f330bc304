using System.Data.Common;
using FederatedRegistry.Node.Tests.Support;
using FederatedRegistry.Storage;

namespace FederatedRegistry.Node.Tests.Durability;

/// <summary>
/// Copies the read model (every <c>registry_*</c> table: rows, counts, count sequence) of a stopped node aside and puts
/// it back later, so that a test can make the node wake up as if it had crashed after its grain state writes and before
/// the read model updates that follow them.
/// </summary>
public sealed class ReadModelSnapshot
{
    private const string Prefix = "snapshot_";
    private readonly StorageProvider _provider;
    private readonly string _connectionString;

    public ReadModelSnapshot(NodeSettings settings)
    {
        if (settings.Values["Storage:Provider"] == "postgres")
        {
            _provider = StorageProvider.Postgres;
            _connectionString = settings.Values["ConnectionStrings:Registry"]!;
        }
        else
        {
            _provider = StorageProvider.Embedded;
            _connectionString = StorageConnection.ForSqliteFile(Path.Combine(settings.DataDirectory, "registry.db"));
        }
    }

    public async Task TakeAsync()
    {
        await using var connection = await StorageConnection.OpenAsync(_provider, _connectionString);
        foreach (var table in await ReadModelTablesAsync(connection))
        {
            await ExecuteAsync(connection, $"DROP TABLE IF EXISTS {Prefix}{table}");
            await ExecuteAsync(connection, $"CREATE TABLE {Prefix}{table} AS SELECT * FROM {table}");
        }
    }

    public async Task RestoreAsync()
    {
        await using var connection = await StorageConnection.OpenAsync(_provider, _connectionString);
        foreach (var table in await ReadModelTablesAsync(connection))
        {
            await ExecuteAsync(connection, $"DELETE FROM {table}");
            await ExecuteAsync(connection, $"INSERT INTO {table} SELECT * FROM {Prefix}{table}");
            await ExecuteAsync(connection, $"DROP TABLE {Prefix}{table}");
        }
    }

    private async Task<List<string>> ReadModelTablesAsync(DbConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = _provider == StorageProvider.Postgres
            ? "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'registry%'"
            : "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'registry%'";
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }
        Assert.Contains("registry_systems", tables);
        Assert.Contains("registry_counts", tables);
        return tables;
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
