using FederatedRegistry.Storage;
using Microsoft.Extensions.Logging;

namespace FederatedRegistry.Grains.Indexing;

/// <summary>
/// Repairs the read model after a crash between a grain's state write (the acknowledged change) and its
/// read model update: every grain whose stored state is newer than its row writes its row again. The stored
/// state is the truth; the read model and the counts follow it.
/// </summary>
public sealed partial class ReadModelRecovery(
    IGrainFactory grains,
    IRegistryIndex index,
    ILogger<ReadModelRecovery> logger)
{
    /// <summary>Re-applies every stale registration and incident; returns how many were repaired.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var repaired = 0;
        await foreach (var key in index.FindStaleGrainKeysAsync(StateNames.System, RegistryIndex.SystemsDataset, serviceId: null, ct))
        {
            await grains.GetGrain<ISystemGrain>(key).ReindexAsync();
            repaired++;
        }
        await foreach (var key in index.FindStaleGrainKeysAsync(StateNames.Incident, RegistryIndex.IncidentsDataset, serviceId: null, ct))
        {
            await grains.GetGrain<IIncidentGrain>(key).ReindexAsync();
            repaired++;
        }
        if (repaired > 0)
        {
            LogRepaired(repaired);
        }
        return repaired;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Read model repaired from grain state: {Count} records had not reached it before the last stop")]
    private partial void LogRepaired(int count);
}
