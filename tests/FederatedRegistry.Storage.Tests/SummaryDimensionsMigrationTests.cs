using System.Globalization;
using System.Text.Json;

namespace FederatedRegistry.Storage.Tests;

/// <summary>
/// Script 4 on a database that a node wrote with scripts 1 to 3 only: rows are kept, and every incident is left
/// behind its grain state so that the next start re-applies it with the columns it now has.
/// </summary>
public abstract class SummaryDimensionsMigrationTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>
    where TDatabase : StorageDatabase
{
    private const string IncidentState = "incident";
    private const string SystemState = "system";
    private const int GrainVersion = 3;

    private StorageProvider Provider => database.Provider;

    [Fact]
    public async Task Apply_ToADatabaseOfScripts1To3_KeepsTheRowsAndCountsAndMarksEveryIncidentStale()
    {
        var connectionString = await CreateDatabaseOfScripts1To3Async();
        var index = RegistryIndex.Create(Provider, connectionString);
        var system = TestRows.System(version: GrainVersion);
        await index.UpsertSystemAsync(system);
        var crossBorder = TestRows.Incident(version: GrainVersion) with
        {
            HarmTypes = ["economic", "privacy_and_data"],
            AffectedJurisdictions = ["KE", "TZ"],
            CrossBorder = true,
            ReportingDeadline = null,
        };
        var local = TestRows.Incident(version: GrainVersion) with { SystemId = null, Status = "closed", Severity = "minor" };
        foreach (var incident in new[] { crossBorder, local })
        {
            await InsertOldIncidentAsync(connectionString, incident);
            await StoreGrainStateAsync(connectionString, IncidentState, incident.Id);
        }

        await StoreGrainStateAsync(connectionString, SystemState, system.Id);
        var countsBefore = await index.ReadCountSnapshotAsync();
        Assert.Empty(await StaleAsync(index, IncidentState, RegistryIndex.IncidentsDataset));

        await SchemaMigrator.ApplyAsync(Provider, connectionString);

        Assert.Equal(SchemaMigrator.GetScripts(Provider).Select(s => s.Version), (await SchemaMigrator.GetAppliedAsync(Provider, connectionString)).Select(a => a.Version));
        TestRows.AssertSame(system, await index.GetSystemAsync(system.Id));
        // Until the grain re-applies it, an old row has no suspected cause; cross_border follows from its jurisdictions.
        TestRows.AssertSame(crossBorder with { SuspectedCause = "unspecified", StateVersion = 0 }, await index.GetIncidentAsync(crossBorder.Id));
        // Script 9 then gives the closed one an unknown triage time, until it is re-applied too.
        TestRows.AssertSame(local with { SuspectedCause = "unspecified", StateVersion = 0, TriageTime = "unspecified" }, await index.GetIncidentAsync(local.Id));
        Assert.Equal(countsBefore.Counts, (await index.ReadCountSnapshotAsync()).Counts);
        Assert.Equal(Sorted(crossBorder.Id, local.Id), await StaleAsync(index, IncidentState, RegistryIndex.IncidentsDataset));
        Assert.Empty(await StaleAsync(index, SystemState, RegistryIndex.SystemsDataset));
    }

    [Fact]
    public async Task ReapplyingAnIncidentAfterTheMigration_StoresItsNewColumnsWithoutMovingCounts()
    {
        var connectionString = await CreateDatabaseOfScripts1To3Async();
        var index = RegistryIndex.Create(Provider, connectionString);
        var incident = TestRows.Incident(version: GrainVersion) with { HarmTypes = ["economic", "economic"], AffectedJurisdictions = ["KE", "UG"], CrossBorder = true };
        await InsertOldIncidentAsync(connectionString, incident);
        await StoreGrainStateAsync(connectionString, IncidentState, incident.Id);
        await SchemaMigrator.ApplyAsync(Provider, connectionString);
        var countsBefore = await index.ReadCountSnapshotAsync();

        // What the incident grain does when recovery finds it stale: upsert its row from state, at its version.
        var change = await index.UpsertIncidentAsync(incident with { SuspectedCause = "misuse" });

        Assert.NotNull(change);
        Assert.Equal(0, change.PreviousStateVersion);
        Assert.Empty(change.Deltas);
        var countsAfter = await index.ReadCountSnapshotAsync();
        Assert.Equal(countsBefore.Counts, countsAfter.Counts);
        Assert.Equal(countsBefore.Sequence, countsAfter.Sequence);
        TestRows.AssertSame(incident with { SuspectedCause = "misuse" }, await index.GetIncidentAsync(incident.Id));
        Assert.Empty(await StaleAsync(index, IncidentState, RegistryIndex.IncidentsDataset));
        var cells = await index.TabulateAsync(RegistryIndex.IncidentsDataset, ["suspected_cause", "cross_border", "harm_type"]);
        Assert.Equal([("misuse", "true", "economic", 1L)], cells.Select(c => (c.Values[0], c.Values[1], c.Values[2], c.Count)));
    }

    private async Task<string> CreateDatabaseOfScripts1To3Async()
    {
        var connectionString = await database.CreateEmptyDatabaseAsync("migrate_0004");
        _ = await SchemaMigrator.GetAppliedAsync(Provider, connectionString);
        foreach (var script in SchemaMigrator.GetScripts(Provider).Where(s => s.Version <= 3))
        {
            await DirectSql.ExecuteAsync(Provider, connectionString, script.Sql);
            await DirectSql.ExecuteAsync(Provider, connectionString, $"INSERT INTO {SchemaMigrator.MigrationsTable} (version, name) VALUES (@version, @name)",
                ("version", script.Version), ("name", script.Name));
        }

        return connectionString;
    }

    /// <summary>The row as the index wrote it before script 4, counts included, in the 0002 columns only.</summary>
    private async Task InsertOldIncidentAsync(string connectionString, IncidentRow row)
    {
        await DirectSql.ExecuteAsync(
            Provider,
            connectionString,
            """
            INSERT INTO registry_incidents
                (id, system_id, product_id, title, severity, harm_types, status, affected_jurisdictions,
                 occurred_at, aware_at, reported_at, reporting_deadline, state_version, updated_at)
            VALUES (@id, @system_id, @product_id, @title, @severity, @harm_types, @status, @affected_jurisdictions,
                    @occurred_at, @aware_at, @reported_at, @reporting_deadline, @state_version, @updated_at)
            """,
            ("id", row.Id),
            ("system_id", (object?)row.SystemId ?? DBNull.Value),
            ("product_id", (object?)row.ProductId ?? DBNull.Value),
            ("title", row.Title),
            ("severity", row.Severity),
            ("harm_types", Array(row.HarmTypes)),
            ("status", row.Status),
            ("affected_jurisdictions", Array(row.AffectedJurisdictions)),
            ("occurred_at", Time(row.OccurredAt)),
            ("aware_at", Time(row.AwareAt)),
            ("reported_at", Time(row.ReportedAt)),
            ("reporting_deadline", row.ReportingDeadline is { } deadline ? Time(deadline) : DBNull.Value),
            ("state_version", row.StateVersion),
            ("updated_at", Time(row.UpdatedAt)));
        var month = row.OccurredAt.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        foreach (var (dimension, value) in new[] { ("status", row.Status), ("severity", row.Severity), ("month", month) }
            .Concat(row.HarmTypes.Distinct().Select(h => ("harm_type", h))))
        {
            await DirectSql.ExecuteAsync(
                Provider,
                connectionString,
                """
                INSERT INTO registry_counts (dataset, dimension, value, count) VALUES ('incidents', @dimension, @value, 1)
                ON CONFLICT (dataset, dimension, value) DO UPDATE SET count = registry_counts.count + 1
                """,
                ("dimension", dimension),
                ("value", value));
        }
    }

    /// <summary>A string-keyed grain's stored state at <see cref="GrainVersion"/>, as the Orleans provider keeps it.</summary>
    private async Task StoreGrainStateAsync(string connectionString, string stateName, string key) =>
        await DirectSql.ExecuteAsync(
            Provider,
            connectionString,
            """
            INSERT INTO orleans_storage
                (grain_id_hash, grain_type_hash, grain_id_n0, grain_id_n1, service_id, grain_type, grain_id_extension, payload, version)
            VALUES (0, 0, 0, 0, 'KE', @grain_type, @key, @payload, @version)
            """,
            ("grain_type", stateName),
            ("key", key),
            ("payload", new byte[] { 1, 2, 3 }),
            ("version", GrainVersion));

    private object Array(string[] values) => Provider == StorageProvider.Postgres ? values : JsonSerializer.Serialize(values);

    private object Time(DateTimeOffset value) => Provider == StorageProvider.Postgres
        ? value.ToUniversalTime()
        : value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static async Task<List<string>> StaleAsync(IRegistryIndex index, string stateName, string dataset)
    {
        var keys = new List<string>();
        await foreach (var key in index.FindStaleGrainKeysAsync(stateName, dataset))
        {
            keys.Add(key);
        }

        return keys;
    }

    private static List<string> Sorted(params string[] ids) => [.. ids.Order(StringComparer.Ordinal)];
}

public sealed class PostgresSummaryDimensionsMigrationTests(PostgresDatabase database) : SummaryDimensionsMigrationTests<PostgresDatabase>(database);

public sealed class SqliteSummaryDimensionsMigrationTests(SqliteDatabase database) : SummaryDimensionsMigrationTests<SqliteDatabase>(database);
