using System.Security.Cryptography;
using System.Text;
using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Incidents;
using FederatedRegistry.Domain.Registrations;
using FederatedRegistry.Grains.Indexing;
using FederatedRegistry.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace FederatedRegistry.Grains.Tests;

/// <summary>
/// Every change a grain makes appends its audit entry (unsealed here: this cluster runs no sealer), with the caller
/// as actor; and a crash between a change and its entry loses nothing, because recovery appends it again.
/// </summary>
[Collection(RegistryClusterCollection.Name)]
public sealed class AuditTrailTests(RegistryCluster fixture)
{
    private const string Alice = "authority:alice";

    [Fact]
    public async Task Register_ThenDecide_AppendOneEntryPerVersion_WithTheCallerAsActor()
    {
        var (id, grain) = NewSystem(out var productId);

        await As(Alice, () => grain.RegisterAsync(Commands.Register(productId)));
        await As("authority:bob", () => grain.DecideAsync(new DecideSystem(id, Decision.StartReview, null, null, 1)));

        var v1 = await EntryAsync($"system:{id}:v1");
        var v2 = await EntryAsync($"system:{id}:v2");
        Assert.Equal((Alice, "registered:submitted", "system:" + id), (v1!.Actor, v1.Action, v1.Subject));
        Assert.Equal(("authority:bob", "decided:start_review", "system:" + id), (v2!.Actor, v2.Action, v2.Subject));
        Assert.Equal(Sha256Hex(v2.Payload), v2.PayloadHash);
        Assert.Contains("\"status\":\"under_review\"", v2.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportThenTransition_AppendReportedAndTransitioned()
    {
        var id = Identifiers.NewIncidentId(RegistryCluster.NodeCode);
        var grain = fixture.Grains.GetGrain<IIncidentGrain>(id);

        await As("provider:KE-PRV-acme:carol", () => grain.ReportAsync(new ReportIncident(Commands.Incident(fixture.Clock.GetUtcNow().AddHours(-1)))));
        await As(Alice, () => grain.TransitionAsync(new TransitionIncident(id, IncidentStatus.Triaged, "Confirmed", 1)));

        var reported = await EntryAsync($"incident:{id}:v1");
        var triaged = await EntryAsync($"incident:{id}:v2");
        Assert.Equal(("provider:KE-PRV-acme:carol", "reported"), (reported!.Actor, reported.Action));
        Assert.Equal((Alice, "transitioned:triaged", "incident:" + id), (triaged!.Actor, triaged.Action, triaged.Subject));
    }

    [Fact]
    public async Task ProviderCreation_AppendsCreated()
    {
        var command = Commands.Provider();
        var id = Identifiers.ProviderId(RegistryCluster.NodeCode, command.Slug);

        await As(Alice, () => fixture.Grains.GetGrain<IProviderGrain>(id).CreateAsync(command));

        var entry = await EntryAsync($"provider:{id}:created");
        Assert.Equal((Alice, "created", "provider:" + id), (entry!.Actor, entry.Action, entry.Subject));
    }

    [Fact]
    public async Task PolicyInstall_AppendsInstalledWithTheVersion()
    {
        var key = "test-" + Guid.NewGuid().ToString("N");

        await As(Alice, () => fixture.Grains.GetGrain<IPolicyGrain>(key).InstallAsync(PolicyDocument(3)));
        await fixture.Grains.GetGrain<IPolicyGrain>(key).InstallAsync(PolicyDocument(4));

        var first = await EntryAsync($"policy:{key}:v1");
        var second = await EntryAsync($"policy:{key}:v2");
        Assert.Equal((Alice, "installed:v1", "policy:" + key), (first!.Actor, first.Action, first.Subject));
        Assert.Equal((AuditContext.System, "installed:v2"), (second!.Actor, second.Action));
    }

    [Fact]
    public async Task ReceivingFromAPeer_AppendsOneEntryPerNewItem_AsThePeer()
    {
        // An observer code of its own (8 capitals), so that no other test shares this origin's exchange.
        var origin = new string([.. Enumerable.Range(0, 8).Select(_ => (char)('A' + Random.Shared.Next(26)))]);
        var alertId = $"{origin}-INC-{Guid.NewGuid():N}";
        var alert = new ReceivedAlert(alertId, origin, 2, "{}", null, fixture.Clock.GetUtcNow(), default, null, null);
        var exchange = fixture.Grains.GetGrain<IExchangeGrain>(origin);

        await As(Alice, () => exchange.ReceiveAsync(1, [new InboundItem(alert, null, null)]));
        await exchange.ReceiveAsync(2, [new InboundItem(alert, null, null)]);

        var entry = await EntryAsync($"exchange:{origin}:received:{alertId}");
        Assert.Equal(("peer:" + origin, "received:" + origin, "alert:" + alertId), (entry!.Actor, entry.Action, entry.Subject));
        Assert.Equal(1, await CountAsync("subject = @subject", ("subject", "alert:" + alertId)));
    }

    [Fact]
    public async Task ACrashBetweenARegistrationAndItsReadModelRow_LosesNoEntry_RecoveryRestoresItWithItsActor()
    {
        var (id, grain) = NewSystem(out var productId);
        await As(Alice, () => grain.RegisterAsync(Commands.Register(productId)));
        // What a crash right after the state write leaves: neither the row nor the entry (one transaction).
        await ForgetAsync(id);
        await RestartAsync();

        await new ReadModelRecovery(fixture.Grains, fixture.Index, NullLogger<ReadModelRecovery>.Instance).RunAsync(CancellationToken.None);

        var entry = await EntryAsync($"system:{id}:v1");
        Assert.Equal((Alice, "registered:submitted"), (entry!.Actor, entry.Action));
    }

    [Fact]
    public async Task AVersionWhoseRowNeverArrived_IsRecordedWithTheNextVersion()
    {
        var (id, grain) = NewSystem(out var productId);
        await As(Alice, () => grain.RegisterAsync(Commands.Register(productId)));
        // A crash right after the state write: the activation is gone too, so the grain cannot know the row is missing.
        await ForgetAsync(id);
        await RestartAsync();

        await As("authority:bob", () => grain.DecideAsync(new DecideSystem(id, Decision.StartReview, null, null, 1)));

        Assert.Equal(Alice, (await EntryAsync($"system:{id}:v1"))!.Actor);
        Assert.Equal("authority:bob", (await EntryAsync($"system:{id}:v2"))!.Actor);
    }

    [Fact]
    public async Task ACrashBetweenAProviderAndItsEntry_IsRepairedByAuditRecoveryAtStart()
    {
        var command = Commands.Provider();
        var id = Identifiers.ProviderId(RegistryCluster.NodeCode, command.Slug);
        await As(Alice, () => fixture.Grains.GetGrain<IProviderGrain>(id).CreateAsync(command));
        await DeleteEntryAsync($"provider:{id}:created");
        await RestartAsync();

        var repaired = await Recovery().RunAsync(CancellationToken.None);

        Assert.True(repaired >= 1);
        Assert.Equal(Alice, (await EntryAsync($"provider:{id}:created"))!.Actor);
    }

    [Fact]
    public async Task ACrashBetweenAPolicyChangeAndItsEntry_IsRepairedWhenThePolicyIsActivated()
    {
        var key = "test-" + Guid.NewGuid().ToString("N");
        await As(Alice, () => fixture.Grains.GetGrain<IPolicyGrain>(key).InstallAsync(PolicyDocument(3)));
        await DeleteEntryAsync($"policy:{key}:v1");
        await RestartAsync();

        await fixture.Grains.GetGrain<IPolicyGrain>(key).GetAsync();

        Assert.Equal(Alice, (await EntryAsync($"policy:{key}:v1"))!.Actor);
    }

    private AuditRecovery Recovery() =>
        new(fixture.Grains, AuditLog.Create(StorageProvider.Embedded, fixture.ConnectionString), fixture.Index, NullLogger<AuditRecovery>.Instance);

    private (string Id, ISystemGrain Grain) NewSystem(out string productId)
    {
        productId = Commands.NewProductId();
        var id = Identifiers.SystemId(RegistryCluster.NodeCode, productId);
        return (id, fixture.Grains.GetGrain<ISystemGrain>(id));
    }

    private static async Task<T> As<T>(string actor, Func<Task<T>> call)
    {
        RequestContext.Set(AuditContext.ActorKey, actor);
        try
        {
            return await call();
        }
        finally
        {
            RequestContext.Remove(AuditContext.ActorKey);
        }
    }

    private static string PolicyDocument(int minCount) => $$"""
        { "version": 1, "node_code": "{{RegistryCluster.NodeCode}}",
          "grants": [ { "audience": "observers", "datasets": { "systems": { "summary": { "dimensions": ["risk_tier"], "min_count": {{minCount}} } } } } ] }
        """;

    // Every activation goes, as in a restart.
    private Task RestartAsync() => fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

    private async Task ForgetAsync(string systemId)
    {
        var row = (await fixture.Index.GetSystemAsync(systemId))!;
        await ExecuteAsync("""
            DELETE FROM registry_systems WHERE id = @id;
            DELETE FROM audit_entries WHERE subject = @subject;
            UPDATE registry_counts SET count = count - 1
            WHERE dataset = 'systems' AND ((dimension = 'status' AND value = @status)
               OR (dimension = 'category' AND value = @category) OR (dimension = 'risk_tier' AND value = @tier));
            """, ("id", systemId), ("subject", "system:" + systemId), ("status", row.Status), ("category", row.Category), ("tier", row.EffectiveRiskTier));
    }

    private Task DeleteEntryAsync(string sourceKey) => ExecuteAsync("DELETE FROM audit_entries WHERE source_key = @key", ("key", sourceKey));

    private async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await StorageConnection.OpenAsync(StorageProvider.Embedded, fixture.ConnectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            command.Parameters.Add(p);
        }
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> CountAsync(string condition, params (string Name, object Value)[] parameters)
    {
        await using var connection = await StorageConnection.OpenAsync(StorageProvider.Embedded, fixture.ConnectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM audit_entries WHERE " + condition;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            command.Parameters.Add(p);
        }
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<Entry?> EntryAsync(string sourceKey)
    {
        await using var connection = await StorageConnection.OpenAsync(StorageProvider.Embedded, fixture.ConnectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT actor, action, subject, payload, payload_hash FROM audit_entries WHERE source_key = @key";
        var p = command.CreateParameter();
        p.ParameterName = "key";
        p.Value = sourceKey;
        command.Parameters.Add(p);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new Entry(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4))
            : null;
    }

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private sealed record Entry(string Actor, string Action, string Subject, string Payload, string PayloadHash);
}
