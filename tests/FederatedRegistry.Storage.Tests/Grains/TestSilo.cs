using FederatedRegistry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Storage;

namespace FederatedRegistry.Storage.Tests.Grains;

/// <summary>A minimal single silo whose grain state goes through the real Orleans ADO.NET provider into our schema.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    public const string StorageName = "x";

    /// <summary>A second storage on the same database with <c>DeleteStateOnClear</c>, to exercise DeleteStorageKey.</summary>
    public const string DeletingStorageName = "x-delete";

    public const string ServiceId = "fedreg-storage-tests";

    private readonly IHost host;

    private TestSilo(IHost host) => this.host = host;

    public IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    public IGrainStorage Storage(string name = StorageName) => host.Services.GetRequiredKeyedService<IGrainStorage>(name);

    public static async Task<TestSilo> StartAsync(StorageProvider provider, string connectionString)
    {
        var host = Host.CreateDefaultBuilder()
            .UseOrleans(silo => silo
                .UseLocalhostClustering(FreePorts.Next(), FreePorts.Next(), serviceId: ServiceId, clusterId: "storage-tests-" + Guid.NewGuid().ToString("N")[..8])
                .AddAdoNetGrainStorage(StorageName, options =>
                {
                    options.Invariant = StorageConnection.AdoNetInvariant(provider);
                    (options.ConnectionString, options.DataSource) = StorageConnection.ForAdoNet(provider, connectionString);
                })
                .AddAdoNetGrainStorage(DeletingStorageName, options =>
                {
                    options.Invariant = StorageConnection.AdoNetInvariant(provider);
                    (options.ConnectionString, options.DataSource) = StorageConnection.ForAdoNet(provider, connectionString);
                    options.DeleteStateOnClear = true;
                }))
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .Build();
        await host.StartAsync();
        return new TestSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
