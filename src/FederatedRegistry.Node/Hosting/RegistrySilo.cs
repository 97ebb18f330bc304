using FederatedRegistry.Grains;
using FederatedRegistry.Grains.Indexing;
using FederatedRegistry.Storage;
using Orleans.Configuration;

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
        var (node, database, settings) = NodeConfiguration.ReadStartupSettings(builder.Configuration);
        builder.UseOrleans(silo =>
        {
            if (database.Provider == StorageProvider.Postgres)
            {
                silo.UseClusterMode(node, database, settings);
            }
            else
            {
                // The embedded store is one process's file: one silo. Its reminders live in memory, and the grains
                // that need them register them again when the node starts and wakes them.
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, serviceId: node.Code, clusterId: node.Code);
                silo.UseInMemoryReminderService();
            }
            silo.AddRegistryGrains(database.Provider, database.ConnectionString);
            silo.Configure<GrainCollectionOptions>(o =>
            {
                o.CollectionQuantum = settings.CollectionQuantum;
                o.ClassSpecificCollectionAge[typeof(SystemGrain).FullName!] = settings.RecordCollectionAge;
                o.ClassSpecificCollectionAge[typeof(IncidentGrain).FullName!] = settings.RecordCollectionAge;
                o.EnableActivationSheddingOnMemoryPressure = settings.ShedGrainsUnderMemoryPressure;
            });
        });
        // After the silo, so that grains can be activated to repair the read model.
        builder.Services.AddHostedService<ReadModelRecoveryService>();
        return builder;
    }

    /// <summary>
    /// Every process started on the same PostgreSQL database with the same node code is a silo of one cluster: they
    /// find each other in the membership table and share the reminders table. Service and cluster id are the node
    /// code, so grain state and reminders stay the node's across upgrades.
    /// </summary>
    private static void UseClusterMode(this ISiloBuilder silo, NodeOptions node, RegistryDatabase database, SiloOptions settings)
    {
        var invariant = StorageConnection.AdoNetInvariant(database.Provider);
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = invariant;
            o.ConnectionString = database.ConnectionString;
        });
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = invariant;
            o.ConnectionString = database.ConnectionString;
        });
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = node.Code;
            o.ServiceId = node.Code;
        });
        silo.Configure<Orleans.Configuration.SiloOptions>(o => o.SiloName = settings.ResolveSiloName());
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = settings.ProbeTimeout;
            o.NumMissedProbesLimit = settings.MissedProbesLimit;
            o.IAmAliveTablePublishTimeout = settings.IAmAlivePeriod;
        });
        if (string.IsNullOrWhiteSpace(settings.AdvertisedAddress))
        {
            silo.ConfigureEndpoints(System.Net.Dns.GetHostName(), settings.SiloPort, settings.GatewayPort, System.Net.Sockets.AddressFamily.InterNetwork);
        }
        else
        {
            // A pod's IP is only known inside the pod; listening on every address lets the pod network reach it.
            silo.ConfigureEndpoints(System.Net.IPAddress.Parse(settings.AdvertisedAddress), settings.SiloPort, settings.GatewayPort,
                listenOnAnyHostAddress: true);
        }
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
