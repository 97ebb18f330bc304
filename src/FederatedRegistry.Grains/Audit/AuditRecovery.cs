using FederatedRegistry.Storage;
using Microsoft.Extensions.Logging;

namespace FederatedRegistry.Grains;

/// <summary>
/// Appends, at start, the audit entries that a crash between a grain's state write and its append left out. Systems
/// and incidents need nothing here: their entries go in with their read model row, which <see cref="Indexing.ReadModelRecovery"/>
/// re-applies. A provider records one change, whose entry is derived from its state: those without it are activated and
/// append it. The policy, outboxes and exchanges keep entries not yet appended in their state and append them when
/// activated: they are few, so all of them are activated.
/// </summary>
public sealed partial class AuditRecovery(
    IGrainFactory grains,
    IAuditLog log,
    IRegistryIndex index,
    ILogger<AuditRecovery> logger)
{
    /// <summary>Activates every grain that may hold an unrecorded change; returns how many providers lacked their entry.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var providers = 0;
        await foreach (var key in log.FindGrainKeysWithoutEntryAsync(StateNames.Provider, ProviderGrain.AuditKeyPrefix, ProviderGrain.AuditKeySuffix, ct))
        {
            await grains.GetGrain<IProviderGrain>(key).GetAsync();
            providers++;
        }
        await grains.GetGrain<IPolicyGrain>(IPolicyGrain.NodePolicy).GetAsync();
        await foreach (var key in index.FindGrainKeysAsync(StateNames.Exchange, serviceId: null, ct))
        {
            await grains.GetGrain<IExchangeGrain>(key).GetAlertsAsync();
        }
        await foreach (var key in index.FindGrainKeysAsync(StateNames.Outbox, serviceId: null, ct))
        {
            await grains.GetGrain<IOutboxGrain>(key).GetStatusAsync();
        }
        if (providers > 0)
        {
            LogRecovered(providers);
        }
        return providers;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit log: {Count} providers had no entry for their creation (a stop between the two writes); they appended it")]
    private partial void LogRecovered(int count);
}
