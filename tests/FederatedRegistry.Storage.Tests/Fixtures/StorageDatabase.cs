using FederatedRegistry.Testing;

namespace FederatedRegistry.Storage.Tests.Fixtures;

/// <summary>A migrated database of one provider, shared by the tests of one class (tests use fresh ids).</summary>
public abstract class StorageDatabase : IAsyncLifetime
{
    public abstract StorageProvider Provider { get; }

    public string ConnectionString { get; private set; } = string.Empty;

    public IRegistryIndex Index => RegistryIndex.Create(Provider, ConnectionString);

    /// <summary>Another database of the same provider, empty: no schema applied. Dropped with the fixture.</summary>
    public abstract Task<string> CreateEmptyDatabaseAsync(string prefix);

    public async Task InitializeAsync()
    {
        ConnectionString = await CreateEmptyDatabaseAsync(GetType().Name).ConfigureAwait(false);
        await SchemaMigrator.ApplyAsync(Provider, ConnectionString).ConfigureAwait(false);
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Runs a statement directly, for arranging what the code under test does not do itself.</summary>
    public Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters) =>
        DirectSql.ExecuteAsync(Provider, ConnectionString, sql, parameters);

    public Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters) =>
        DirectSql.CountAsync(Provider, ConnectionString, sql, parameters);
}

public sealed class PostgresDatabase : StorageDatabase
{
    private readonly System.Collections.Concurrent.ConcurrentBag<string> created = [];

    public override StorageProvider Provider => StorageProvider.Postgres;

    public override async Task<string> CreateEmptyDatabaseAsync(string prefix)
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync(prefix);
        created.Add(connectionString);
        return connectionString;
    }

    public override async Task DisposeAsync()
    {
        foreach (var connectionString in created)
        {
            await PostgresServer.DropDatabaseAsync(connectionString);
        }
    }
}

public sealed class SqliteDatabase : StorageDatabase
{
    public override StorageProvider Provider => StorageProvider.Embedded;

    public override Task<string> CreateEmptyDatabaseAsync(string prefix) =>
        Task.FromResult(StorageConnection.ForSqliteFile(TempSqlite.NewDatabasePath(prefix)));
}
