using System.Globalization;

namespace FederatedRegistry.Storage.Tests;

/// <summary>
/// Cross-tabulation of the read model. A tabulation covers a whole dataset, so each test works on a database of
/// its own.
/// </summary>
public abstract class RegistryIndexTabulateTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>
    where TDatabase : StorageDatabase
{
    // Late on the last evening of a month west of UTC is already the next month in UTC, and early on the first
    // morning east of UTC is still the previous one.
    private static readonly DateTimeOffset EndOfMarchInBrazil = new(2026, 3, 31, 22, 30, 0, TimeSpan.FromHours(-3));
    private static readonly DateTimeOffset StartOfAprilInKenya = new(2026, 4, 1, 1, 0, 0, TimeSpan.FromHours(3));
    private static readonly DateTimeOffset MidMay = new(2026, 5, 14, 12, 0, 0, TimeSpan.Zero);

    protected TDatabase Database => database;

    private static readonly SystemRow[] Systems =
    [
        Sys("registered", "health", proposed: "high", decided: "high", "in_use", EndOfMarchInBrazil),
        Sys("registered", "health", proposed: "limited", decided: "high", "in_use", StartOfAprilInKenya),
        Sys("registered", "finance", proposed: "high", decided: "limited", "pilot", MidMay),
        Sys("submitted", "health", proposed: "high", decided: null, "unspecified", EndOfMarchInBrazil),
        Sys("submitted", "finance", proposed: "minimal", decided: null, "pilot", MidMay),
        Sys("draft", "unspecified", proposed: null, decided: null, "unspecified", StartOfAprilInKenya),
        Sys("draft", "health", proposed: null, decided: null, "planned", MidMay),
    ];

    private static readonly IncidentRow[] Incidents =
    [
        Inc("reported", "serious", ["health_and_safety", "discrimination_and_bias"], "model_failure", ["KE", "TZ"], EndOfMarchInBrazil),
        Inc("reported", "serious", ["health_and_safety"], "misuse", ["KE"], StartOfAprilInKenya),
        Inc("triaged", "critical", ["economic", "economic", "privacy_and_data"], "unspecified", ["KE"], MidMay, "within_1_day"),
        Inc("closed", "minor", ["privacy_and_data"], "model_failure", ["KE", "UG", "TZ"], EndOfMarchInBrazil, "within_30_days"),
        Inc("closed", "serious", [], "unspecified", ["KE"], MidMay, "within_1_day"),
        Inc("investigating", "unspecified", ["health_and_safety", "economic"], "governance_or_oversight_failure", ["UG", "KE"], MidMay, "over_30_days"),
    ];

    public static TheoryData<string, string[]> Tabulations => new()
    {
        { RegistryIndex.SystemsDataset, ["status"] },
        { RegistryIndex.SystemsDataset, ["risk_tier"] },
        { RegistryIndex.SystemsDataset, ["deployment_status"] },
        { RegistryIndex.SystemsDataset, ["month"] },
        { RegistryIndex.SystemsDataset, ["category", "risk_tier"] },
        { RegistryIndex.SystemsDataset, ["month", "status"] },
        { RegistryIndex.SystemsDataset, ["status", "category", "deployment_status"] },
        { RegistryIndex.IncidentsDataset, ["harm_type"] },
        { RegistryIndex.IncidentsDataset, ["cross_border"] },
        { RegistryIndex.IncidentsDataset, ["month"] },
        { RegistryIndex.IncidentsDataset, ["severity", "suspected_cause"] },
        { RegistryIndex.IncidentsDataset, ["harm_type", "month"] },
        { RegistryIndex.IncidentsDataset, ["status", "harm_type", "cross_border"] },
        { RegistryIndex.IncidentsDataset, ["month", "severity", "suspected_cause"] },
        { RegistryIndex.IncidentsDataset, ["triage_time"] },
        { RegistryIndex.IncidentsDataset, ["triage_time", "status"] },
        { RegistryIndex.IncidentsDataset, ["severity", "triage_time", "harm_type"] },
    };

    [Theory]
    [MemberData(nameof(Tabulations))]
    public async Task Tabulate_ByDimensions_EqualsCountsComputedFromTheRows(string dataset, string[] dimensions)
    {
        var index = await NewIndexAsync();
        await UpsertAllAsync(index);

        var cells = await index.TabulateAsync(dataset, dimensions);

        var expected = dataset == RegistryIndex.SystemsDataset
            ? Expected(Systems, dimensions, SystemValues)
            : Expected(Incidents, dimensions, IncidentValues);
        Assert.Equal(expected, Show(cells));
    }

    [Fact]
    public async Task Tabulate_ByEveryDimensionOfADataset_CountsEachRowOnce()
    {
        var index = await NewIndexAsync();
        await UpsertAllAsync(index);

        foreach (var dimension in RegistryIndex.TabulationDimensions(RegistryIndex.SystemsDataset))
        {
            Assert.Equal(Systems.Length, (await index.TabulateAsync(RegistryIndex.SystemsDataset, [dimension])).Sum(c => c.Count));
        }

        foreach (var dimension in RegistryIndex.TabulationDimensions(RegistryIndex.IncidentsDataset).Where(d => d != "harm_type"))
        {
            Assert.Equal(Incidents.Length, (await index.TabulateAsync(RegistryIndex.IncidentsDataset, [dimension])).Sum(c => c.Count));
        }
    }

    [Fact]
    public async Task Tabulate_ByHarmType_CountsAnIncidentOncePerDistinctHarmType()
    {
        var index = await NewIndexAsync();
        await index.UpsertIncidentAsync(Inc("reported", "serious", ["economic", "economic", "privacy_and_data"], "misuse", ["KE"], MidMay));
        await index.UpsertIncidentAsync(Inc("reported", "serious", ["economic"], "misuse", ["KE"], MidMay));
        await index.UpsertIncidentAsync(Inc("reported", "minor", [], "misuse", ["KE"], MidMay));

        var byHarm = await index.TabulateAsync(RegistryIndex.IncidentsDataset, ["harm_type"]);
        var bySeverityAndHarm = await index.TabulateAsync(RegistryIndex.IncidentsDataset, ["severity", "harm_type"]);

        Assert.Equal(["economic=2", "privacy_and_data=1"], Show(byHarm));
        // The incident without a harm type has no cell by harm type, so "minor" does not appear at all.
        Assert.Equal(["serious | economic=2", "serious | privacy_and_data=1"], Show(bySeverityAndHarm));
    }

    [Fact]
    public async Task Tabulate_CellsAreOrderedByTheirValuesInDimensionOrder()
    {
        var index = await NewIndexAsync();
        await UpsertAllAsync(index);

        var cells = await index.TabulateAsync(RegistryIndex.SystemsDataset, ["status", "category"]);

        var keys = cells.Select(c => c.Values).ToList();
        Assert.Equal(
            keys.OrderBy(v => v[0], StringComparer.Ordinal).ThenBy(v => v[1], StringComparer.Ordinal),
            keys);
        Assert.All(cells, c => Assert.True(c.Count > 0));
    }

    [Fact]
    public async Task Tabulate_AfterAnUpsertOfANewerVersion_CountsItsNewValues()
    {
        var index = await NewIndexAsync();
        var first = Inc("reported", "serious", ["economic"], "unspecified", ["KE"], MidMay);
        await index.UpsertIncidentAsync(first);

        await index.UpsertIncidentAsync(first with { StateVersion = 2, SuspectedCause = "misuse", AffectedJurisdictions = ["KE", "TZ"], CrossBorder = true });

        Assert.Equal(["misuse | true=1"], Show(await index.TabulateAsync(RegistryIndex.IncidentsDataset, ["suspected_cause", "cross_border"])));
    }

    [Fact]
    public async Task Tabulate_ByTriageTime_AfterTheIncidentIsTriaged_MovesItOutOfNotTriaged()
    {
        var index = await NewIndexAsync();
        var waiting = Inc("reported", "serious", ["economic"], "misuse", ["KE"], MidMay);
        var other = Inc("reported", "minor", ["economic"], "misuse", ["KE"], MidMay);
        await index.UpsertIncidentAsync(waiting);
        await index.UpsertIncidentAsync(other);
        Assert.Equal(["not_triaged=2"], Show(await index.TabulateAsync(RegistryIndex.IncidentsDataset, ["triage_time"])));

        await index.UpsertIncidentAsync(waiting with { StateVersion = 2, Status = "triaged", TriageTime = "within_7_days" });

        Assert.Equal(["not_triaged=1", "within_7_days=1"], Show(await index.TabulateAsync(RegistryIndex.IncidentsDataset, ["triage_time"])));
        Assert.Equal(["not_triaged | minor=1", "within_7_days | serious=1"],
            Show(await index.TabulateAsync(RegistryIndex.IncidentsDataset, ["triage_time", "severity"])));
    }

    [Fact]
    public async Task UpsertIncident_StoresItsTriageTime_AndAnOlderVersionDoesNotReplaceIt()
    {
        var index = await NewIndexAsync();
        var row = TestRows.Incident(version: 3) with { Status = "investigating", TriageTime = "over_30_days" };

        await index.UpsertIncidentAsync(row);
        await index.UpsertIncidentAsync(row with { StateVersion = 2, Status = "triaged", TriageTime = "within_1_day" });

        TestRows.AssertSame(row, await index.GetIncidentAsync(row.Id));
    }

    [Fact]
    public async Task UpsertIncident_StoresSuspectedCauseAndCrossBorder()
    {
        var index = await NewIndexAsync();
        var row = TestRows.Incident() with { SuspectedCause = "governance_or_oversight_failure", AffectedJurisdictions = ["KE", "UG"], CrossBorder = true };

        await index.UpsertIncidentAsync(row);

        TestRows.AssertSame(row, await index.GetIncidentAsync(row.Id));
    }

    [Fact]
    public async Task Tabulate_OfAnEmptyDataset_HasNoCells()
    {
        var index = await NewIndexAsync();

        Assert.Empty(await index.TabulateAsync(RegistryIndex.SystemsDataset, ["status", "month"]));
        Assert.Empty(await index.TabulateAsync(RegistryIndex.IncidentsDataset, ["harm_type"]));
    }

    public static TheoryData<string, string[]> InvalidDimensions => new()
    {
        { RegistryIndex.SystemsDataset, [] },
        { RegistryIndex.SystemsDataset, ["status", "status"] },
        { RegistryIndex.SystemsDataset, ["severity"] },
        { RegistryIndex.SystemsDataset, ["Status"] },
        { RegistryIndex.SystemsDataset, ["status; DROP TABLE registry_systems"] },
        { RegistryIndex.IncidentsDataset, ["category"] },
        { RegistryIndex.IncidentsDataset, ["harm_type", "month", "harm_type"] },
        { RegistryIndex.IncidentsDataset, ["harm_types"] },
        { RegistryIndex.IncidentsDataset, [""] },
    };

    [Theory]
    [MemberData(nameof(InvalidDimensions))]
    public async Task Tabulate_WithEmptyUnknownOrRepeatedDimensions_IsRejectedNamingDimensions(string dataset, string[] dimensions)
    {
        var index = database.Index;

        var error = await Assert.ThrowsAsync<ArgumentException>(() => index.TabulateAsync(dataset, dimensions));

        Assert.Equal("dimensions", error.ParamName);
    }

    [Theory]
    [InlineData("advisories")]
    [InlineData("Systems")]
    [InlineData("")]
    public async Task Tabulate_OfAnUnknownDataset_IsRejectedNamingDataset(string dataset)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => database.Index.TabulateAsync(dataset, ["status"]));

        Assert.Equal("dataset", error.ParamName);
    }

    private async Task<IRegistryIndex> NewIndexAsync()
    {
        var connectionString = await database.CreateEmptyDatabaseAsync("tabulate");
        await SchemaMigrator.ApplyAsync(database.Provider, connectionString);
        return RegistryIndex.Create(database.Provider, connectionString);
    }

    private static async Task UpsertAllAsync(IRegistryIndex index)
    {
        foreach (var system in Systems)
        {
            await index.UpsertSystemAsync(system);
        }

        foreach (var incident in Incidents)
        {
            await index.UpsertIncidentAsync(incident);
        }
    }

    // Written from the rows' fields, not from the index's whitelist or the domain's catalogue.
    private static string[] SystemValues(SystemRow s, string dimension) => dimension switch
    {
        "status" => [s.Status],
        "risk_tier" => [s.DecidedRiskTier ?? s.ProposedRiskTier ?? "unspecified"],
        "category" => [s.Category],
        "deployment_status" => [s.DeploymentStatus],
        "month" => [Month(s.CreatedAt)],
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, null),
    };

    private static string[] IncidentValues(IncidentRow i, string dimension) => dimension switch
    {
        "status" => [i.Status],
        "severity" => [i.Severity],
        "harm_type" => [.. i.HarmTypes.Distinct()],
        "suspected_cause" => [i.SuspectedCause],
        "cross_border" => [i.AffectedJurisdictions.Length > 1 ? "true" : "false"],
        "month" => [Month(i.OccurredAt)],
        "triage_time" => [i.TriageTime],
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, null),
    };

    private static string Month(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static List<string> Expected<T>(IEnumerable<T> rows, string[] dimensions, Func<T, string, string[]> valuesOf) =>
        [.. rows
            .SelectMany(row => dimensions.Aggregate(
                (IEnumerable<string>)[""],
                (prefixes, dimension) => prefixes.SelectMany(p => valuesOf(row, dimension).Select(v => p.Length == 0 ? v : p + " | " + v))))
            .GroupBy(key => key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key}={g.Count()}")];

    // The separator starts with a space, which sorts before every character of a value, so joined keys sort as
    // the value lists do.
    private static List<string> Show(IEnumerable<TabulatedCount> cells) =>
        [.. cells.Select(c => $"{string.Join(" | ", c.Values)}={c.Count.ToString(CultureInfo.InvariantCulture)}")];

    private static SystemRow Sys(string status, string category, string? proposed, string? decided, string deployment, DateTimeOffset created) =>
        TestRows.System() with
        {
            Status = status,
            Category = category,
            ProposedRiskTier = proposed,
            DecidedRiskTier = decided,
            DeploymentStatus = deployment,
            CreatedAt = created,
            UpdatedAt = created.AddDays(1),
        };

    private static IncidentRow Inc(
        string status, string severity, string[] harmTypes, string cause, string[] jurisdictions, DateTimeOffset occurred, string triage = "not_triaged") =>
        TestRows.Incident() with
        {
            TriageTime = triage,
            Status = status,
            Severity = severity,
            HarmTypes = harmTypes,
            SuspectedCause = cause,
            AffectedJurisdictions = jurisdictions,
            CrossBorder = jurisdictions.Length > 1,
            OccurredAt = occurred,
            AwareAt = occurred.AddHours(2),
            ReportedAt = occurred.AddHours(5),
        };
}

public sealed class PostgresRegistryIndexTabulateTests(PostgresDatabase database) : RegistryIndexTabulateTests<PostgresDatabase>(database)
{
    [Fact]
    public async Task Tabulate_ByMonth_IsTheUtcMonthWhateverTheSessionTimeZone()
    {
        var connectionString = await Database.CreateEmptyDatabaseAsync("tabulate_tz");
        await SchemaMigrator.ApplyAsync(StorageProvider.Postgres, connectionString);
        var index = RegistryIndex.Create(StorageProvider.Postgres, $"{connectionString};Timezone=Pacific/Auckland");
        // 22:30 UTC on 31 March is already 1 April in Auckland.
        await index.UpsertSystemAsync(TestRows.System() with { CreatedAt = new DateTimeOffset(2026, 3, 31, 22, 30, 0, TimeSpan.Zero) });

        var cells = await index.TabulateAsync(RegistryIndex.SystemsDataset, ["month"]);

        Assert.Equal([("2026-03", 1L)], cells.Select(c => (c.Values[0], c.Count)));
    }
}

public sealed class SqliteRegistryIndexTabulateTests(SqliteDatabase database) : RegistryIndexTabulateTests<SqliteDatabase>(database);
