using FederatedRegistry.Grains;
using FederatedRegistry.Grains.Indexing;
using FederatedRegistry.Storage;

namespace FederatedRegistry.Node.Hosting;

public static class RegistrySilo
{
    /// <summary>
    /// The node's database: its schema is applied before the silo starts (the Orleans provider reads its
    /// queries from the database when it initialises), and the read model is registered for the grains.
    /// </summary>
    public static WebApplicationBuilder AddRegistryStorage(this WebApplicationBuilder builder)
    {
        var (node, database, _) = NodeConfiguration.ReadStartupSettings(builder.Configuration);
        if (database.Provider == StorageProvider.Embedded)
        {
            Directory.CreateDirectory(Path.GetFullPath(node.DataDirectory));
        }
        builder.Services.AddSingleton(database);
        // Registered before the silo so that it runs, and finishes, first.
        builder.Services.AddHostedService<SchemaMigrationService>();
        return builder;
    }

    /// <summary>The Orleans silo that holds the node's live state, co-hosted with the API.</summary>
    public static WebApplicationBuilder AddRegistrySilo(this WebApplicationBuilder builder)
    {
        var (node, database, ports) = NodeConfiguration.ReadStartupSettings(builder.Configuration);
        builder.UseOrleans(silo =>
        {
            // One silo per node for now: multi-silo clustering on PostgreSQL comes with cluster mode.
            silo.UseLocalhostClustering(ports.SiloPort, ports.GatewayPort, serviceId: node.Code, clusterId: node.Code);
            silo.AddRegistryGrains(database.Provider, database.ConnectionString);
        });
        // After the silo, so that grains can be activated to repair the read model.
        builder.Services.AddHostedService<ReadModelRecoveryService>();
        return builder;
    }

    // Runs before the API serves, so listings and counts never start out behind the acknowledged state.
    private sealed class ReadModelRecoveryService(ReadModelRecovery recovery) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => recovery.RunAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class SchemaMigrationService(RegistryDatabase database, ILogger<SchemaMigrationService> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await SchemaMigrator.ApplyAsync(database.Provider, database.ConnectionString, cancellationToken);
            logger.LogInformation("Schema is current on the {Storage} store", database.ProviderName);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
