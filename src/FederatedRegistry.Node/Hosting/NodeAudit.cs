using FederatedRegistry.Federation;
using FederatedRegistry.Grains;
using Microsoft.Extensions.Options;

namespace FederatedRegistry.Node.Hosting;

public static class NodeAudit
{
    /// <summary>
    /// The audit trail: its settings (the "Audit" section), and at start, once the silo runs, the entries a stop left
    /// out are appended and the sealer is woken.
    /// </summary>
    public static WebApplicationBuilder AddNodeAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>();
        builder.Services.AddHostedService<AuditStartService>();
        builder.Services.AddHostedService<AuditWitnessWakeService>();
        return builder;
    }

    // Runs before the API serves, after the read model recovery (which restores the entries of systems and incidents).
    private sealed class AuditStartService(AuditRecovery recovery, IGrainFactory grains) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await recovery.RunAsync(cancellationToken);
            await grains.GetGrain<IAuditChainGrain>(IAuditChainGrain.Node).WakeAsync();
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    // After the silo has started: one witness per peer, each checking its peer's audit checkpoints on its own timer.
    private sealed class AuditWitnessWakeService(PeerDirectory directory, IGrainFactory grains) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            foreach (var peer in directory.Peers)
            {
                await grains.GetGrain<IAuditWitnessGrain>(peer.Code).WakeAsync();
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class AuditOptionsValidator : IValidateOptions<AuditOptions>
    {
        public ValidateOptionsResult Validate(string? name, AuditOptions options)
        {
            var failures = new List<string>();
            if (options.CheckpointInterval < TimeSpan.Zero)
            {
                failures.Add($"Audit:CheckpointInterval '{options.CheckpointInterval}' must not be negative (00:00:00 signs a checkpoint after every seal).");
            }
            if (options.SealInterval < TimeSpan.FromMilliseconds(10) || options.SealInterval > TimeSpan.FromMinutes(1))
            {
                failures.Add($"Audit:SealInterval '{options.SealInterval}' must be between 00:00:00.010 and 00:01:00.");
            }
            if (options.WitnessInterval < TimeSpan.FromMilliseconds(10) || options.WitnessInterval > TimeSpan.FromDays(1))
            {
                failures.Add($"Audit:WitnessInterval '{options.WitnessInterval}' must be between 00:00:00.010 and 1.00:00:00.");
            }
            if (options.SealBatchSize is < 1 or > 10_000)
            {
                failures.Add($"Audit:SealBatchSize {options.SealBatchSize} must be between 1 and 10000.");
            }
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
