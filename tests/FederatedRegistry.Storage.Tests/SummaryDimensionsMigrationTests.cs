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
        var old = await OldSchema.CreateBeforeAsync(database, 4);
        var connectionString = old.ConnectionString;
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
            await old.InsertIncidentAsync(incident);
            await old.StoreGrainStateAsync(IncidentState, incident.Id, GrainVersion);
        }

        await old.StoreGrainStateAsync(SystemState, system.Id, GrainVersion);
        var countsBefore = await index.ReadCountSnapshotAsync();
        Assert.Empty(await OldSchema.StaleAsync(index, IncidentState, RegistryIndex.IncidentsDataset));

        await SchemaMigrator.ApplyAsync(Provider, connectionString);

        Assert.Equal(SchemaMigrator.GetScripts(Provider).Select(s => s.Version), (await SchemaMigrator.GetAppliedAsync(Provider, connectionString)).Select(a => a.Version));
        TestRows.AssertSame(system, await index.GetSystemAsync(system.Id));
        // Until the grain re-applies it, an old row has no suspected cause; cross_border follows from its jurisdictions.
        TestRows.AssertSame(crossBorder with { SuspectedCause = "unspecified", StateVersion = 0 }, await index.GetIncidentAsync(crossBorder.Id));
        // Script 9 then gives the closed one an unknown triage time, until it is re-applied too.
        TestRows.AssertSame(local with { SuspectedCause = "unspecified", StateVersion = 0, TriageTime = "unspecified" }, await index.GetIncidentAsync(local.Id));
        Assert.Equal(countsBefore.Counts, (await index.ReadCountSnapshotAsync()).Counts);
        Assert.Equal(Sorted(crossBorder.Id, local.Id), await OldSchema.StaleAsync(index, IncidentState, RegistryIndex.IncidentsDataset));
        Assert.Empty(await OldSchema.StaleAsync(index, SystemState, RegistryIndex.SystemsDataset));
    }

    [Fact]
    public async Task ReapplyingAnIncidentAfterTheMigration_StoresItsNewColumnsWithoutMovingCounts()
    {
        var old = await OldSchema.CreateBeforeAsync(database, 4);
        var connectionString = old.ConnectionString;
        var index = RegistryIndex.Create(Provider, connectionString);
        var incident = TestRows.Incident(version: GrainVersion) with { HarmTypes = ["economic", "economic"], AffectedJurisdictions = ["KE", "UG"], CrossBorder = true };
        await old.InsertIncidentAsync(incident);
        await old.StoreGrainStateAsync(IncidentState, incident.Id, GrainVersion);
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
        Assert.Empty(await OldSchema.StaleAsync(index, IncidentState, RegistryIndex.IncidentsDataset));
        var cells = await index.TabulateAsync(RegistryIndex.IncidentsDataset, ["suspected_cause", "cross_border", "harm_type"]);
        Assert.Equal([("misuse", "true", "economic", 1L)], cells.Select(c => (c.Values[0], c.Values[1], c.Values[2], c.Count)));
    }

    private static List<string> Sorted(params string[] ids) => [.. ids.Order(StringComparer.Ordinal)];
}

public sealed class PostgresSummaryDimensionsMigrationTests(PostgresDatabase database) : SummaryDimensionsMigrationTests<PostgresDatabase>(database);

public sealed class SqliteSummaryDimensionsMigrationTests(SqliteDatabase database) : SummaryDimensionsMigrationTests<SqliteDatabase>(database);
