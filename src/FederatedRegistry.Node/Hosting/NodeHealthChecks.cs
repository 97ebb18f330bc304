using FederatedRegistry.Grains;
using FederatedRegistry.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FederatedRegistry.Node.Hosting;

/// <summary>
/// Whether this node's silo is between the end of its start and the beginning of its stop: Orleans' own lifecycle says
/// so, which a grain call alone cannot (during shutdown grains may still answer while the silo hands them off).
/// </summary>
internal sealed class SiloActivity : ILifecycleParticipant<ISiloLifecycle>
{
    private volatile bool _active;

    public bool IsActive => _active;

    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(
        nameof(SiloActivity),
        ServiceLifecycleStage.Active,
        _ =>
        {
            _active = true;
            return Task.CompletedTask;
        },
        // Stages stop in reverse order, so this runs first when the silo begins to stop: the pod leaves the Services
        // before its grains are handed off.
        _ =>
        {
            _active = false;
            return Task.CompletedTask;
        });
}

/// <summary>Healthy when the silo is active and a grain answers.</summary>
internal sealed class SiloHealthCheck(SiloActivity silo, IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!silo.IsActive)
        {
            return HealthCheckResult.Unhealthy("the silo is not active: it is starting or shutting down");
        }
        try
        {
            await grains.GetGrain<ISummaryGrain>(0).GetAsync().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy("the silo is active and its grains answer");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("the silo is active but a grain did not answer: " + e.Message);
        }
    }
}

/// <summary>Healthy when a connection to the node's database opens and answers a query.</summary>
internal sealed class DatabaseHealthCheck(RegistryDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await StorageConnection.OpenAsync(database.Provider, database.ConnectionString, cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy($"the {database.ProviderName} database answers");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"the {database.ProviderName} database cannot be reached: {e.Message}");
        }
    }
}

/// <summary>
/// Healthy when the database's schema record (<see cref="SchemaMigrator.MigrationsTable"/>) lists every script this
/// build ships: a node whose schema is behind its code would fail on the first query that needs the newer tables.
/// </summary>
internal sealed class SchemaHealthCheck(RegistryDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var scripts = SchemaMigrator.GetScripts(database.Provider);
        IReadOnlyList<SchemaScript> pending;
        try
        {
            pending = await SchemaMigrator.GetPendingAsync(database.Provider, database.ConnectionString, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"the schema version cannot be read from the {database.ProviderName} database: {e.Message}");
        }
        if (pending.Count == 0)
        {
            var latest = scripts[^1];
            return HealthCheckResult.Healthy($"all {scripts.Count} schema scripts are applied, the latest {Label(latest)}");
        }
        return HealthCheckResult.Unhealthy(
            $"the {database.ProviderName} database lacks {pending.Count} of the {scripts.Count} schema scripts this build ships " +
            $"({string.Join(", ", pending.Select(Label))}); the node applies them when it starts");
    }

    private static string Label(SchemaScript script) => $"{script.Version:D4}_{script.Name}";
}

/// <summary>
/// Healthy once the host has started: its hosted services run in order (schema migration, the silo, read model
/// recovery) and the host signals ApplicationStarted only after the last of them and the server have started.
/// </summary>
internal sealed class StartupHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStarted.IsCancellationRequested
            ? HealthCheckResult.Healthy("started: schema applied, silo started, read model recovered")
            : HealthCheckResult.Unhealthy("still starting: the schema migration, the silo and the read model recovery have not all finished"));
}
