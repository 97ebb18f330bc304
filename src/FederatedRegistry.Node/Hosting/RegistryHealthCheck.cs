using FederatedRegistry.Grains;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FederatedRegistry.Node.Hosting;

/// <summary>Healthy when the silo answers a grain call, which also means the store served its counts.</summary>
internal sealed class RegistryHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.GetGrain<ISummaryGrain>(0).GetAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return HealthCheckResult.Healthy("silo and store answer");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("the silo or the store does not answer: " + e.Message);
        }
    }
}
