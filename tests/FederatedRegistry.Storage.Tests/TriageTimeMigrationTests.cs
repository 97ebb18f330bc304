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
        var old = await OldSchema.CreateBeforeAsync(database, 9);
        var connectionString = old.ConnectionString;
        var index = RegistryIndex.Create(Provider, connectionString);
        var waiting = TestRows.Incident(version: GrainVersion) with { Status = "reported" };
        var investigating = TestRows.Incident(version: GrainVersion) with { Status = "investigating", HarmTypes = ["economic", "privacy_and_data"] };
        foreach (var incident in new[] { waiting, investigating })
        {
            await old.InsertIncidentAsync(incident, ("suspected_cause", incident.SuspectedCause), ("cross_border", incident.CrossBorder));
            await old.StoreGrainStateAsync(IncidentState, incident.Id, GrainVersion);
        }
        var countsBefore = await index.ReadCountSnapshotAsync();

        await SchemaMigrator.ApplyAsync(Provider, connectionString);

        Assert.Equal(SchemaMigrator.GetScripts(Provider).Select(s => s.Version), (await SchemaMigrator.GetAppliedAsync(Provider, connectionString)).Select(a => a.Version));
        TestRows.AssertSame(waiting with { StateVersion = 0, TriageTime = "not_triaged" }, await index.GetIncidentAsync(waiting.Id));
        TestRows.AssertSame(investigating with { StateVersion = 0, TriageTime = "unspecified" }, await index.GetIncidentAsync(investigating.Id));
        Assert.Equal(countsBefore.Counts, (await index.ReadCountSnapshotAsync()).Counts);
        Assert.Equal(new[] { waiting.Id, investigating.Id }.Order(StringComparer.Ordinal), (await OldSchema.StaleAsync(index, IncidentState, RegistryIndex.IncidentsDataset)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ReapplyingAnIncidentAfterTheMigration_StoresItsTriageTime_WithoutMovingCounts()
    {
        var old = await OldSchema.CreateBeforeAsync(database, 9);
        var connectionString = old.ConnectionString;
        var index = RegistryIndex.Create(Provider, connectionString);
        var incident = TestRows.Incident(version: GrainVersion) with { Status = "mitigated" };
        await old.InsertIncidentAsync(incident, ("suspected_cause", incident.SuspectedCause), ("cross_border", incident.CrossBorder));
        await old.StoreGrainStateAsync(IncidentState, incident.Id, GrainVersion);
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
        Assert.Empty(await OldSchema.StaleAsync(index, IncidentState, RegistryIndex.IncidentsDataset));
        Assert.Equal([("within_7_days", 1L)], (await index.TabulateAsync(RegistryIndex.IncidentsDataset, ["triage_time"])).Select(c => (c.Values[0], c.Count)));
    }
}

public sealed class PostgresTriageTimeMigrationTests(PostgresDatabase database) : TriageTimeMigrationTests<PostgresDatabase>(database);

public sealed class SqliteTriageTimeMigrationTests(SqliteDatabase database) : TriageTimeMigrationTests<SqliteDatabase>(database);
