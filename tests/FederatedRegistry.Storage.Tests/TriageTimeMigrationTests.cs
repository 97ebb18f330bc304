using System.Globalization;
using System.Text.Json;

namespace FederatedRegistry.Storage.Tests;

/// <summary>
/// Script 9 on a database that a node wrote with scripts 1 to 8: rows and counts are kept, an incident still reported
/// reads as not triaged, any other as unspecified, and every incident is left behind its grain state so that the next
/// start re-applies it with its real triage time.
/// </summary>
public abstract class TriageTimeMigrationTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>
    where TDatabase : StorageDatabase
{
    private const string IncidentState = "incident";
    private const int GrainVersion = 4;

    private StorageProvider Provider => database.Provider;

    [Fact]
    public async Task Apply_ToADatabaseOfScripts1To8_KeepsRowsAndCounts_ReadsTriageTimeFromStatus_AndMarksEveryIncidentStale()
    {
        var connectionString = await CreateDatabaseBeforeScript9Async();
        var index = RegistryIndex.Create(Provider, connectionString);
        var waiting = TestRows.Incident(version: GrainVersion) with { Status = "reported" };
        var investigating = TestRows.Incident(version: GrainVersion) with { Status = "investigating", HarmTypes = ["economic", "privacy_and_data"] };
        foreach (var incident in new[] { waiting, investigating })
        {
            await InsertIncidentBeforeScript9Async(connectionString, incident);
            await StoreGrainStateAsync(connectionString, incident.Id);
        }
        var countsBefore = await index.ReadCountSnapshotAsync();

        await SchemaMigrator.ApplyAsync(Provider, connectionString);

        Assert.Equal(SchemaMigrator.GetScripts(Provider).Select(s => s.Version), (await SchemaMigrator.GetAppliedAsync(Provider, connectionString)).Select(a => a.Version));
        TestRows.AssertSame(waiting with { StateVersion = 0, TriageTime = "not_triaged" }, await index.GetIncidentAsync(waiting.Id));
        TestRows.AssertSame(investigating with { StateVersion = 0, TriageTime = "unspecified" }, await index.GetIncidentAsync(investigating.Id));
        Assert.Equal(countsBefore.Counts, (await index.ReadCountSnapshotAsync()).Counts);
        Assert.Equal(new[] { waiting.Id, investigating.Id }.Order(StringComparer.Ordinal), (await StaleAsync(index)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ReapplyingAnIncidentAfterTheMigration_StoresItsTriageTime_WithoutMovingCounts()
    {
        var connectionString = await CreateDatabaseBeforeScript9Async();
        var index = RegistryIndex.Create(Provider, connectionString);
        var incident = TestRows.Incident(version: GrainVersion) with { Status = "mitigated" };
        await InsertIncidentBeforeScript9Async(connectionString, incident);
        await StoreGrainStateAsync(connectionString, incident.Id);
        await SchemaMigrator.ApplyAsync(Provider, connectionString);
        var countsBefore = await index.ReadCountSnapshotAsync();

        // What the incident grain does when recovery finds it stale: upsert its row from state, at its version.
        var change = await index.UpsertIncidentAsync(incident with { TriageTime = "within_7_days" });

        Assert.NotNull(change);
        Assert.Equal(0, change.PreviousStateVersion);
        Assert.Empty(change.Deltas);
        var countsAfter = await index.ReadCountSnapshotAsync();
        Assert.Equal(countsBefore.Counts, countsAfter.Counts);
        Assert.Equal(countsBefore.Sequence, countsAfter.Sequence);
        Assert.Empty(await StaleAsync(index));
        Assert.Equal([("within_7_days", 1L)], (await index.TabulateAsync(RegistryIndex.IncidentsDataset, ["triage_time"])).Select(c => (c.Values[0], c.Count)));
    }

    private async Task<string> CreateDatabaseBeforeScript9Async()
    {
        var connectionString = await database.CreateEmptyDatabaseAsync("migrate_0009");
        _ = await SchemaMigrator.GetAppliedAsync(Provider, connectionString);
        foreach (var script in SchemaMigrator.GetScripts(Provider).Where(s => s.Version < 9))
        {
            await DirectSql.ExecuteAsync(Provider, connectionString, script.Sql);
            await DirectSql.ExecuteAsync(Provider, connectionString, $"INSERT INTO {SchemaMigrator.MigrationsTable} (version, name) VALUES (@version, @name)",
                ("version", script.Version), ("name", script.Name));
        }

        return connectionString;
    }

    /// <summary>The row as the index wrote it before script 9, counts included, in the columns of scripts 2 and 4.</summary>
    private async Task InsertIncidentBeforeScript9Async(string connectionString, IncidentRow row)
    {
        await DirectSql.ExecuteAsync(
            Provider,
            connectionString,
            """
            INSERT INTO registry_incidents
                (id, system_id, product_id, title, severity, harm_types, status, affected_jurisdictions,
                 occurred_at, aware_at, reported_at, reporting_deadline, state_version, updated_at, suspected_cause, cross_border)
            VALUES (@id, @system_id, @product_id, @title, @severity, @harm_types, @status, @affected_jurisdictions,
                    @occurred_at, @aware_at, @reported_at, @reporting_deadline, @state_version, @updated_at, @suspected_cause, @cross_border)
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
            ("updated_at", Time(row.UpdatedAt)),
            ("suspected_cause", row.SuspectedCause),
            ("cross_border", row.CrossBorder));
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
    private async Task StoreGrainStateAsync(string connectionString, string key) =>
        await DirectSql.ExecuteAsync(
            Provider,
            connectionString,
            """
            INSERT INTO orleans_storage
                (grain_id_hash, grain_type_hash, grain_id_n0, grain_id_n1, service_id, grain_type, grain_id_extension, payload, version)
            VALUES (0, 0, 0, 0, 'KE', @grain_type, @key, @payload, @version)
            """,
            ("grain_type", IncidentState),
            ("key", key),
            ("payload", new byte[] { 1, 2, 3 }),
            ("version", GrainVersion));

    private object Array(string[] values) => Provider == StorageProvider.Postgres ? values : JsonSerializer.Serialize(values);

    private object Time(DateTimeOffset value) => Provider == StorageProvider.Postgres
        ? value.ToUniversalTime()
        : value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static async Task<List<string>> StaleAsync(IRegistryIndex index)
    {
        var keys = new List<string>();
        await foreach (var key in index.FindStaleGrainKeysAsync(IncidentState, RegistryIndex.IncidentsDataset))
        {
            keys.Add(key);
        }

        return keys;
    }
}

public sealed class PostgresTriageTimeMigrationTests(PostgresDatabase database) : TriageTimeMigrationTests<PostgresDatabase>(database);

public sealed class SqliteTriageTimeMigrationTests(SqliteDatabase database) : TriageTimeMigrationTests<SqliteDatabase>(database);
