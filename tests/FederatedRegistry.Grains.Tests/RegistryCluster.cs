using FederatedRegistry.Grains.Serialization;
using FederatedRegistry.Storage;
using FederatedRegistry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace FederatedRegistry.Grains.Tests;

/// <summary>
/// One silo for the whole collection, on a real embedded (SQLite) store with the node's schema, and a clock
/// the tests move by hand. Tests use fresh product ids, so they never see each other's records.
/// </summary>
public sealed class RegistryCluster : IAsyncLifetime
{
    public const string NodeCode = "KE";

    // The silo is configured by delegates that run inside the builder, so they read these statics.
    private static readonly FakeTimeProvider SharedClock = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
    private static string s_connectionString = "";

    public InProcessTestCluster Cluster { get; private set; } = null!;
    public FakeTimeProvider Clock => SharedClock;
    public IRegistryIndex Index { get; private set; } = null!;
    public string ConnectionString => s_connectionString;

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        s_connectionString = StorageConnection.ForSqliteFile(TempSqlite.NewDatabasePath("grains"));
        await SchemaMigrator.ApplyAsync(StorageProvider.Embedded, s_connectionString);
        Index = RegistryIndex.Create(StorageProvider.Embedded, s_connectionString);

        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<TimeProvider>(SharedClock);
            silo.Services.Configure<NodeOptions>(o =>
            {
                o.Code = NodeCode;
                o.Name = "Test node";
                o.DataDirectory = Path.GetTempPath();
            });
            silo.Services.Configure<ReportingOptions>(o => o.OtherDays = 30);
            silo.AddRegistryGrains(StorageProvider.Embedded, s_connectionString);
        });
        builder.ConfigureClient(client => client.Services.AddSerializer(s => s.AddDomainTypes()));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>The size of the stored state of the grain keyed <paramref name="key"/> whose type name contains <paramref name="grainType"/>.</summary>
    public async Task<long> StoredStateBytesAsync(string key, string grainType)
    {
        await using var connection = await StorageConnection.OpenAsync(StorageProvider.Embedded, ConnectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT length(payload) FROM orleans_storage WHERE grain_id_extension = @key AND grain_type LIKE '%' || @type || '%'";
        foreach (var (name, value) in new[] { ("key", key), ("type", grainType) })
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

[CollectionDefinition(Name)]
public sealed class RegistryClusterCollection : ICollectionFixture<RegistryCluster>
{
    public const string Name = "registry cluster";
}
