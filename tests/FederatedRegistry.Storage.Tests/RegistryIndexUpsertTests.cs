namespace FederatedRegistry.Storage.Tests;

public abstract class RegistryIndexUpsertTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>
    where TDatabase : StorageDatabase
{
    private const string Systems = RegistryIndex.SystemsDataset;
    private const string Incidents = RegistryIndex.IncidentsDataset;

    private readonly IRegistryIndex index = database.Index;

    [Fact]
    public async Task UpsertSystem_New_StoresTheRowAndCountsItOnce()
    {
        var (status, category) = (TestRows.Unique("status"), TestRows.Unique("category"));
        var row = TestRows.System() with { Status = status, Category = category, ProposedRiskTier = "high" };

        var change = await index.UpsertSystemAsync(row);

        Assert.NotNull(change);
        Assert.Equal((Systems, row.Id, (int?)null, 1), (change.Dataset, change.Id, change.PreviousStateVersion, change.StateVersion));
        Assert.Equal(
            [new(Systems, "category", category, 1), new(Systems, "risk_tier", "high", 1), new(Systems, "status", status, 1)],
            change.Deltas);
        TestRows.AssertSame(row, await index.GetSystemAsync(row.Id));
        Assert.Equal(1, await CountAsync(Systems, "status", status));
    }

    [Fact]
    public async Task UpsertSystem_WithSameVersion_ChangesNothing()
    {
        var status = TestRows.Unique("status");
        var row = TestRows.System() with { Status = status };
        await index.UpsertSystemAsync(row);

        var change = await index.UpsertSystemAsync(row with { Name = "Renamed" });

        Assert.Null(change);
        Assert.Equal("Triage Assist", (await index.GetSystemAsync(row.Id))!.Name);
        Assert.Equal(1, await CountAsync(Systems, "status", status));
    }

    [Fact]
    public async Task UpsertSystem_WithOlderVersion_ChangesNothing()
    {
        var (newer, older) = (TestRows.Unique("status"), TestRows.Unique("status"));
        var row = TestRows.System(version: 3) with { Status = newer };
        await index.UpsertSystemAsync(row);

        var change = await index.UpsertSystemAsync(row with { StateVersion = 2, Status = older });

        Assert.Null(change);
        TestRows.AssertSame(row, await index.GetSystemAsync(row.Id));
        Assert.Equal((1, 0), (await CountAsync(Systems, "status", newer), await CountAsync(Systems, "status", older)));
    }

    [Fact]
    public async Task UpsertSystem_StatusChange_MovesTheCountFromOneBucketToAnother()
    {
        var (submitted, registered) = (TestRows.Unique("submitted"), TestRows.Unique("registered"));
        var row = TestRows.System() with { Status = submitted };
        await index.UpsertSystemAsync(row);

        var change = await index.UpsertSystemAsync(row with { StateVersion = 2, Status = registered });

        Assert.NotNull(change);
        Assert.Equal(1, change.PreviousStateVersion);
        Assert.Equal([new(Systems, "status", registered, 1), new(Systems, "status", submitted, -1)], change.Deltas.OrderBy(d => d.Delta).Reverse());
        Assert.Equal((0, 1), (await CountAsync(Systems, "status", submitted), await CountAsync(Systems, "status", registered)));
        Assert.DoesNotContain(await index.ReadCountsAsync(), c => c.Value == submitted);
    }

    [Fact]
    public async Task UpsertSystem_RiskTier_IsTheDecidedElseTheProposedElseUnspecified()
    {
        var category = TestRows.Unique("category");
        var row = TestRows.System() with { Category = category, ProposedRiskTier = null, DecidedRiskTier = null };

        var none = await index.UpsertSystemAsync(row);
        var proposed = await index.UpsertSystemAsync(row with { StateVersion = 2, ProposedRiskTier = "high" });
        var decided = await index.UpsertSystemAsync(row with { StateVersion = 3, ProposedRiskTier = "high", DecidedRiskTier = "limited" });

        Assert.Contains(new CountDelta(Systems, "risk_tier", "unspecified", 1), none!.Deltas);
        Assert.Equal([new(Systems, "risk_tier", "high", 1), new(Systems, "risk_tier", "unspecified", -1)], proposed!.Deltas);
        Assert.Equal([new(Systems, "risk_tier", "high", -1), new(Systems, "risk_tier", "limited", 1)], decided!.Deltas);
        var page = await index.QuerySystemsAsync(new SystemQuery { Category = category, RiskTier = "limited" });
        Assert.Equal([row.Id], page.Items.Select(s => s.Id));
    }

    [Fact]
    public async Task UpsertSystem_ChangeOfUncountedFields_StoresItWithNoDeltas()
    {
        var row = TestRows.System();
        await index.UpsertSystemAsync(row);
        var renamed = row with { StateVersion = 2, Name = "Triage Assist Pro", Markets = ["KE"] };

        var change = await index.UpsertSystemAsync(renamed);

        Assert.NotNull(change);
        Assert.Empty(change.Deltas);
        TestRows.AssertSame(renamed, await index.GetSystemAsync(row.Id));
    }

    [Fact]
    public async Task GetSystem_ReturnsTimesInUtcToTheMicrosecond()
    {
        var created = new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.FromHours(3)).AddTicks(1_234_567);
        var row = TestRows.System() with { CreatedAt = created, UpdatedAt = created.AddDays(1) };
        await index.UpsertSystemAsync(row);

        var stored = await index.GetSystemAsync(row.Id);

        Assert.Equal(TimeSpan.Zero, stored!.CreatedAt.Offset);
        Assert.Equal(created.AddTicks(-7), stored.CreatedAt);
        Assert.Equal(created.AddDays(1).AddTicks(-7), stored.UpdatedAt);
    }

    [Fact]
    public async Task GetSystem_OfUnknownId_ReturnsNull()
    {
        Assert.Null(await index.GetSystemAsync(TestRows.NewId()));
        Assert.Null(await index.GetIncidentAsync(TestRows.NewId()));
    }

    [Fact]
    public async Task UpsertIncident_New_CountsStatusSeverityEachHarmTypeOnceAndTheUtcMonth()
    {
        var (status, severity, harmA, harmB) = (TestRows.Unique("status"), TestRows.Unique("severity"), TestRows.Unique("harm"), TestRows.Unique("harm"));
        // 23:30 on 31 March at UTC-2 is already April in UTC.
        var occurred = new DateTimeOffset(2026, 3, 31, 23, 30, 0, TimeSpan.FromHours(-2));
        var row = TestRows.Incident() with { Status = status, Severity = severity, HarmTypes = [harmA, harmB, harmA], OccurredAt = occurred };

        var change = await index.UpsertIncidentAsync(row);

        Assert.Equal(
            [
                new(Incidents, "harm_type", harmA, 1), new(Incidents, "harm_type", harmB, 1), new(Incidents, "month", "2026-04", 1),
                new(Incidents, "severity", severity, 1), new(Incidents, "status", status, 1),
            ],
            change!.Deltas.OrderBy(d => d.Dimension, StringComparer.Ordinal).ThenBy(d => d.Value == harmB).ToList());
        Assert.Equal((1, 1), (await CountAsync(Incidents, "harm_type", harmA), await CountAsync(Incidents, "harm_type", harmB)));
        TestRows.AssertSame(row with { OccurredAt = occurred.ToUniversalTime() }, await index.GetIncidentAsync(row.Id));
    }

    [Fact]
    public async Task UpsertIncident_HarmTypeReplaced_MovesItsCount()
    {
        var (kept, dropped, added) = (TestRows.Unique("harm"), TestRows.Unique("harm"), TestRows.Unique("harm"));
        var row = TestRows.Incident() with { HarmTypes = [kept, dropped] };
        await index.UpsertIncidentAsync(row);

        var change = await index.UpsertIncidentAsync(row with { StateVersion = 2, HarmTypes = [kept, added] });

        Assert.Equal(2, change!.Deltas.Count);
        Assert.Contains(new CountDelta(Incidents, "harm_type", dropped, -1), change.Deltas);
        Assert.Contains(new CountDelta(Incidents, "harm_type", added, 1), change.Deltas);
        Assert.Equal((1, 0, 1), (await CountAsync(Incidents, "harm_type", kept), await CountAsync(Incidents, "harm_type", dropped), await CountAsync(Incidents, "harm_type", added)));
    }

    [Fact]
    public async Task UpsertIncident_WithOlderVersion_ChangesNothing()
    {
        var row = TestRows.Incident(version: 5);
        await index.UpsertIncidentAsync(row);

        Assert.Null(await index.UpsertIncidentAsync(row with { StateVersion = 4, Status = "closed" }));
        Assert.Null(await index.UpsertIncidentAsync(row));

        TestRows.AssertSame(row, await index.GetIncidentAsync(row.Id));
    }

    [Fact]
    public async Task UpsertIncident_WithoutDeadlineOrLinks_RoundTripsTheNulls()
    {
        var row = TestRows.Incident() with { SystemId = null, ProductId = null, ReportingDeadline = null, HarmTypes = [] };

        await index.UpsertIncidentAsync(row);

        TestRows.AssertSame(row, await index.GetIncidentAsync(row.Id));
    }

    [Fact]
    public async Task ConcurrentUpserts_OfOneRow_KeepTheHighestVersionAndCountItOnce()
    {
        var statuses = Enumerable.Range(0, 4).Select(_ => TestRows.Unique("status")).ToArray();
        var id = TestRows.NewId();
        var versions = Enumerable.Range(1, 24).OrderBy(_ => Random.Shared.Next()).ToList();

        var changes = await Task.WhenAll(versions.Select(v =>
            Task.Run(() => index.UpsertSystemAsync(TestRows.System(id, v) with { Status = statuses[v % statuses.Length] }))));

        Assert.Equal(24, (await index.GetSystemAsync(id))!.StateVersion);
        var counts = await Task.WhenAll(statuses.Select(s => CountAsync(Systems, "status", s)));
        Assert.Equal([0, 0, 0, 1], counts.OrderBy(c => c));
        Assert.Equal(1, await CountAsync(Systems, "status", statuses[24 % statuses.Length]));
        Assert.Equal(1, changes.Count(c => c is { PreviousStateVersion: null }));
    }

    [Fact]
    public async Task ReadCounts_ListsOnlyCountsAboveZero()
    {
        var (first, second) = (TestRows.Unique("status"), TestRows.Unique("status"));
        var row = TestRows.Incident() with { Status = first };
        await index.UpsertIncidentAsync(row);
        await index.UpsertIncidentAsync(row with { StateVersion = 2, Status = second });

        var counts = await index.ReadCountsAsync();

        Assert.Contains(new CountRow(Incidents, "status", second, 1), counts);
        Assert.DoesNotContain(counts, c => c.Value == first);
        Assert.All(counts, c => Assert.True(c.Count > 0));
    }

    [Fact]
    public async Task CountSnapshot_HoldsExactlyTheChangesUpToItsSequence()
    {
        var status = TestRows.Unique("status");
        var before = await index.ReadCountSnapshotAsync();
        var row = TestRows.System() with { Status = status };

        var change = await index.UpsertSystemAsync(row);
        var noCountChange = await index.UpsertSystemAsync(row with { StateVersion = 2, Name = "Renamed" });
        var after = await index.ReadCountSnapshotAsync();

        Assert.True(change!.CountSequence > before.Sequence);
        Assert.Equal(0, noCountChange!.CountSequence);
        Assert.Equal(change.CountSequence, after.Sequence);
        Assert.DoesNotContain(before.Counts, c => c.Value == status);
        Assert.Contains(new CountRow(Systems, "status", status, 1), after.Counts);
    }

    private async Task<long> CountAsync(string dataset, string dimension, string value) =>
        (await index.ReadCountsAsync()).SingleOrDefault(c => (c.Dataset, c.Dimension, c.Value) == (dataset, dimension, value))?.Count ?? 0;
}

public sealed class PostgresRegistryIndexUpsertTests(PostgresDatabase database) : RegistryIndexUpsertTests<PostgresDatabase>(database);

public sealed class SqliteRegistryIndexUpsertTests(SqliteDatabase database) : RegistryIndexUpsertTests<SqliteDatabase>(database);
