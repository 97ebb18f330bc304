using FederatedRegistry.Federation;
using FederatedRegistry.Grains.Indexing;
using FederatedRegistry.Grains.Serialization;
using FederatedRegistry.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Serialization;

namespace FederatedRegistry.Grains;

public static class RegistrySiloExtensions
{
    /// <summary>
    /// What the registry's grains need in a silo: the serializer for domain types, the node's durable grain
    /// storage (ADO.NET on PostgreSQL or the embedded SQLite file, state as JSON), the read model and the audit log.
    /// The database schema must have been applied before the silo starts.
    /// </summary>
    public static ISiloBuilder AddRegistryGrains(this ISiloBuilder silo, StorageProvider provider, string connectionString)
    {
        silo.Services.AddSerializer(s => s.AddDomainTypes());
        silo.AddAdoNetGrainStorage(StorageNames.Registry, o =>
        {
            o.Invariant = StorageConnection.AdoNetInvariant(provider);
            (o.ConnectionString, o.DataSource) = StorageConnection.ForAdoNet(provider, connectionString);
            o.GrainStorageSerializer = new JsonGrainStorageSerializer();
        });
        silo.Services.TryAddSingleton(_ => RegistryIndex.Create(provider, connectionString));
        silo.Services.TryAddSingleton(_ => AuditLog.Create(provider, connectionString));
        silo.Services.TryAddSingleton(_ => AuditWitnessStore.Create(provider, connectionString));
        silo.Services.TryAddSingleton<AuditRecovery>();
        silo.Services.AddOptions<AuditOptions>();
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.TryAddSingleton<ReadModelRecovery>();
        // A node without peers sends nothing and believes no one; the host replaces these with its configured directory.
        silo.Services.TryAddSingleton(PeerDirectory.Empty);
        silo.Services.AddOptions<DeliveryOptions>();
        return silo;
    }
}
