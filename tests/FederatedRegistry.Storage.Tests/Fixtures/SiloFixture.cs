using FederatedRegistry.Storage.Tests.Grains;

namespace FederatedRegistry.Storage.Tests.Fixtures;

/// <summary>A migrated database and one silo whose ADO.NET grain storage uses it, shared by one test class.</summary>
public abstract class SiloFixture<TDatabase> : IAsyncLifetime
    where TDatabase : StorageDatabase, new()
{
    private TestSilo? silo;

    public TDatabase Database { get; } = new();

    public TestSilo Silo => silo ?? throw new InvalidOperationException("The silo has not started.");

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        silo = await TestSilo.StartAsync(Database.Provider, Database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (silo is not null)
        {
            await silo.DisposeAsync();
        }

        await Database.DisposeAsync();
    }
}

public sealed class PostgresSilo : SiloFixture<PostgresDatabase>;

public sealed class SqliteSilo : SiloFixture<SqliteDatabase>;
