using FederatedRegistry.Node.Hosting;
using FederatedRegistry.Storage;
using FederatedRegistry.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace FederatedRegistry.Node.Tests.Health;

/// <summary>
/// The checks that no running node can be made to fail on demand, called directly: a schema record that lacks
/// scripts, a database that is not there, a host that has not started yet.
/// </summary>
public sealed class HealthCheckTests
{
    private static RegistryDatabase FreshSqlite() =>
        new(StorageProvider.Embedded, StorageConnection.ForSqliteFile(TempSqlite.NewDatabasePath("health")));

    private static Task<HealthCheckResult> CheckAsync(IHealthCheck check) =>
        check.CheckHealthAsync(new HealthCheckContext
        {
            Registration = new HealthCheckRegistration("under-test", check, HealthStatus.Unhealthy, []),
        });

    private static string Label(SchemaScript script) => $"{script.Version:D4}_{script.Name}";

    [Fact]
    public async Task Schema_OnAFreshEmptyDatabase_IsUnhealthyNamingEveryScript()
    {
        var result = await CheckAsync(new SchemaHealthCheck(FreshSqlite()));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        var scripts = SchemaMigrator.GetScripts(StorageProvider.Embedded);
        Assert.Contains($"lacks {scripts.Count} of the {scripts.Count} schema scripts", result.Description, StringComparison.Ordinal);
        Assert.All(scripts, s => Assert.Contains(Label(s), result.Description, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Schema_WhenTheRecordLacksTheLatestScript_IsUnhealthyNamingIt()
    {
        var database = FreshSqlite();
        await SchemaMigrator.ApplyAsync(database.Provider, database.ConnectionString);
        var scripts = SchemaMigrator.GetScripts(StorageProvider.Embedded);
        var latest = scripts[^1];
        await using (var connection = await StorageConnection.OpenAsync(database.Provider, database.ConnectionString))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"DELETE FROM {SchemaMigrator.MigrationsTable} WHERE version = {latest.Version}";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var result = await CheckAsync(new SchemaHealthCheck(database));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains($"lacks 1 of the {scripts.Count} schema scripts this build ships ({Label(latest)})", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schema_WithEveryScriptApplied_IsHealthyNamingTheLatest()
    {
        var database = FreshSqlite();
        await SchemaMigrator.ApplyAsync(database.Provider, database.ConnectionString);

        var result = await CheckAsync(new SchemaHealthCheck(database));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Contains(Label(SchemaMigrator.GetScripts(StorageProvider.Embedded)[^1]), result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schema_OnADatabaseThatIsNotThere_IsUnhealthyInsteadOfThrowing()
    {
        var nowhere = new RegistryDatabase(StorageProvider.Postgres, $"Host=127.0.0.1;Port={FreePorts.Next()};Username=nobody;Password=none;Database=none;Timeout=3");

        var result = await CheckAsync(new SchemaHealthCheck(nowhere));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.StartsWith("the schema version cannot be read from the postgres database: ", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Database_ThatIsNotThere_IsUnhealthyWithTheReason()
    {
        var nowhere = new RegistryDatabase(StorageProvider.Postgres, $"Host=127.0.0.1;Port={FreePorts.Next()};Username=nobody;Password=none;Database=none;Timeout=3");

        var result = await CheckAsync(new DatabaseHealthCheck(nowhere));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.StartsWith("the postgres database cannot be reached: ", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Database_OnTheEmbeddedFile_IsHealthy()
    {
        var result = await CheckAsync(new DatabaseHealthCheck(FreshSqlite()));

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task Startup_IsUnhealthyUntilTheHostHasStarted_ThenHealthy()
    {
        var lifetime = new Lifetime();
        var check = new StartupHealthCheck(lifetime);

        var before = await CheckAsync(check);
        lifetime.Start();
        var after = await CheckAsync(check);

        Assert.Equal(HealthStatus.Unhealthy, before.Status);
        Assert.StartsWith("still starting", before.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, after.Status);
    }

    [Fact]
    public async Task Silo_WhileTheSiloIsNotActive_IsUnhealthyWithoutCallingAGrain()
    {
        // A grain factory that is never reached: an inactive silo must be reported from its lifecycle alone.
        var check = new SiloHealthCheck(new SiloActivity(), grains: null!);

        var result = await CheckAsync(check);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("not active", result.Description, StringComparison.Ordinal);
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        private readonly CancellationTokenSource _started = new();

        public CancellationToken ApplicationStarted => _started.Token;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void Start() => _started.Cancel();

        public void StopApplication()
        {
        }
    }
}
