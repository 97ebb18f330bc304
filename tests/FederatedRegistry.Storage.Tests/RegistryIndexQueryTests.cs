using System.Text;

namespace FederatedRegistry.Storage.Tests;

public abstract class RegistryIndexQueryTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>
    where TDatabase : StorageDatabase
{
    private readonly IRegistryIndex index = database.Index;

    [Fact]
    public async Task QuerySystems_ByStatus_ReturnsOnlyThatStatus()
    {
        var provider = TestRows.Unique("provider");
        var registered = await AddSystemsAsync(provider, ("registered", s => s with { Status = "registered" }), ("submitted", s => s with { Status = "submitted" }));

        var page = await index.QuerySystemsAsync(new SystemQuery { ProviderId = provider, Status = "registered" });

        Assert.Equal([registered["registered"]], Ids(page));
    }

    [Fact]
    public async Task QuerySystems_ByRiskTier_UsesTheEffectiveTier()
    {
        var provider = TestRows.Unique("provider");
        var ids = await AddSystemsAsync(
            provider,
            ("decided-high", s => s with { ProposedRiskTier = "limited", DecidedRiskTier = "high" }),
            ("proposed-high", s => s with { ProposedRiskTier = "high", DecidedRiskTier = null }),
            ("decided-limited", s => s with { ProposedRiskTier = "high", DecidedRiskTier = "limited" }),
            ("none", s => s with { ProposedRiskTier = null, DecidedRiskTier = null }));

        var high = await index.QuerySystemsAsync(new SystemQuery { ProviderId = provider, RiskTier = "high" });
        var unspecified = await index.QuerySystemsAsync(new SystemQuery { ProviderId = provider, RiskTier = "unspecified" });

        Assert.Equal(Sorted(ids["decided-high"], ids["proposed-high"]), Ids(high));
        Assert.Equal([ids["none"]], Ids(unspecified));
    }

    [Fact]
    public async Task QuerySystems_ByCategory_ReturnsOnlyThatCategory()
    {
        var provider = TestRows.Unique("provider");
        var ids = await AddSystemsAsync(provider, ("health", s => s with { Category = "health" }), ("finance", s => s with { Category = "finance" }));

        var page = await index.QuerySystemsAsync(new SystemQuery { ProviderId = provider, Category = "finance" });

        Assert.Equal([ids["finance"]], Ids(page));
    }

    [Fact]
    public async Task QuerySystems_ByProviderId_ReturnsOnlyThatProvidersSystems()
    {
        var (mine, theirs) = (TestRows.Unique("provider"), TestRows.Unique("provider"));
        var ids = await AddSystemsAsync(mine, ("a", s => s), ("b", s => s));
        await AddSystemsAsync(theirs, ("c", s => s));

        var page = await index.QuerySystemsAsync(new SystemQuery { ProviderId = mine });

        Assert.Equal(Sorted(ids["a"], ids["b"]), Ids(page));
    }

    [Fact]
    public async Task QuerySystems_ByProductId_ReturnsThatProductsRegistrations()
    {
        var (provider, product) = (TestRows.Unique("provider"), TestRows.Unique("product"));
        var ids = await AddSystemsAsync(provider, ("product", s => s with { ProductId = product }), ("other", s => s with { ProductId = "other.example/x" }));

        var page = await index.QuerySystemsAsync(new SystemQuery { ProductId = product });

        Assert.Equal([ids["product"]], Ids(page));
    }

    [Fact]
    public async Task QuerySystems_ByText_MatchesNameOrPurposeIgnoringCase()
    {
        var provider = TestRows.Unique("provider");
        var ids = await AddSystemsAsync(
            provider,
            ("name", s => s with { Name = "ÄRZTE Triage", IntendedPurpose = "Sorting" }),
            ("purpose", s => s with { Name = "Helper", IntendedPurpose = "Supports ärzte in clinics" }),
            ("neither", s => s with { Name = "Loan scoring", IntendedPurpose = "Credit decisions" }));

        var page = await index.QuerySystemsAsync(new SystemQuery { ProviderId = provider, Text = "Ärzte" });
        var wildcard = await index.QuerySystemsAsync(new SystemQuery { ProviderId = provider, Text = "%" });

        Assert.Equal(Sorted(ids["name"], ids["purpose"]), Ids(page));
        Assert.Empty(wildcard.Items);
    }

    [Fact]
    public async Task QuerySystems_WithSeveralFilters_ReturnsOnlyRowsMatchingAll()
    {
        var provider = TestRows.Unique("provider");
        var ids = await AddSystemsAsync(
            provider,
            ("match", s => s with { Status = "registered", Category = "health" }),
            ("wrong-status", s => s with { Status = "rejected", Category = "health" }),
            ("wrong-category", s => s with { Status = "registered", Category = "finance" }));

        var page = await index.QuerySystemsAsync(new SystemQuery { ProviderId = provider, Status = "registered", Category = "health", Text = "triage" });

        Assert.Equal([ids["match"]], Ids(page));
    }

    [Fact]
    public async Task QueryIncidents_ByStatusSeveritySystemProductAndHarmType_ReturnsOnlyMatches()
    {
        var product = TestRows.Unique("product");
        var system = TestRows.NewId();
        var ids = await AddIncidentsAsync(
            product,
            ("closed", i => i with { Status = "closed" }),
            ("critical", i => i with { Severity = "critical" }),
            ("system", i => i with { SystemId = system }),
            ("privacy", i => i with { HarmTypes = ["economic", "privacy_and_data"] }));

        Assert.Equal([ids["closed"]], Ids(await index.QueryIncidentsAsync(new IncidentQuery { ProductId = product, Status = "closed" })));
        Assert.Equal([ids["critical"]], Ids(await index.QueryIncidentsAsync(new IncidentQuery { ProductId = product, Severity = "critical" })));
        Assert.Equal([ids["system"]], Ids(await index.QueryIncidentsAsync(new IncidentQuery { SystemId = system })));
        Assert.Equal([ids["privacy"]], Ids(await index.QueryIncidentsAsync(new IncidentQuery { ProductId = product, HarmType = "privacy_and_data" })));
        Assert.Empty((await index.QueryIncidentsAsync(new IncidentQuery { ProductId = product, HarmType = "privacy" })).Items);
        Assert.Equal(4, (await index.QueryIncidentsAsync(new IncidentQuery { ProductId = product })).Items.Count);
    }

    [Fact]
    public async Task QueryIncidents_OverdueAt_ReturnsOpenIncidentsPastTheirDeadline()
    {
        var product = TestRows.Unique("product");
        var now = new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
        var ids = await AddOverdueCasesAsync(product, now);

        // Given at another offset: the same instant.
        var page = await index.QueryIncidentsAsync(new IncidentQuery { ProductId = product, OverdueAt = now.ToOffset(TimeSpan.FromHours(3)) });

        Assert.Equal(Sorted(ids["reported-late"], ids["triaged-late"], ids["investigating-late"]), Ids(page));
    }

    [Fact]
    public async Task CountOverdueIncidents_CountsTheIncidentsTheOverdueQuerySelects()
    {
        var now = new DateTimeOffset(2026, 7, 1, 12, 0, 0, TimeSpan.Zero);
        // The database is shared by this class's tests: count what these rows add.
        var before = await index.CountOverdueIncidentsAsync(now);
        var product = TestRows.Unique("product");
        await AddOverdueCasesAsync(product, now);

        var after = await index.CountOverdueIncidentsAsync(now.ToOffset(TimeSpan.FromHours(-5)));
        var listed = await index.QueryIncidentsAsync(new IncidentQuery { ProductId = product, OverdueAt = now });

        Assert.Equal(3, after - before);
        Assert.Equal(listed.Items.Count, after - before);
    }

    [Fact]
    public async Task QuerySystems_ReturnsPagesInIdOrderWithoutGapsOrRepeats()
    {
        var provider = TestRows.Unique("provider");
        var ids = (await AddSystemsAsync(provider, [.. Enumerable.Range(0, 7).Select(i => ($"s{i}", (Func<SystemRow, SystemRow>)(s => s)))])).Values.Order(StringComparer.Ordinal).ToList();

        var pages = await ReadAllSystemPagesAsync(new SystemQuery { ProviderId = provider, PageSize = 3 });

        Assert.Equal([3, 3, 1], pages.Select(p => p.Items.Count));
        Assert.Equal(ids, pages.SelectMany(p => p.Items).Select(s => s.Id));
        Assert.Null(pages[^1].NextPageToken);
    }

    [Fact]
    public async Task QuerySystems_RowsAddedAfterTheFirstPage_NeverMakeALaterPageSkipOrRepeatARow()
    {
        var provider = TestRows.Unique("provider");
        var prefix = TestRows.NewId();
        var existing = Enumerable.Range(1, 9).Select(i => $"{prefix}-{i * 10:D3}").ToList();
        foreach (var id in existing)
        {
            await index.UpsertSystemAsync(TestRows.System(id) with { ProviderId = provider });
        }

        var query = new SystemQuery { ProviderId = provider, PageSize = 4 };
        var first = await index.QuerySystemsAsync(query);
        foreach (var added in new[] { "000", "025", "035", "055", "095", "999" })
        {
            await index.UpsertSystemAsync(TestRows.System($"{prefix}-{added}") with { ProviderId = provider });
        }

        var rest = await ReadAllSystemPagesAsync(query with { PageToken = first.NextPageToken });

        var seen = first.Items.Concat(rest.SelectMany(p => p.Items)).Select(s => s.Id).ToList();
        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
        Assert.Superset(existing.ToHashSet(), seen.ToHashSet());
    }

    [Fact]
    public async Task QueryIncidents_PagesByIdToo()
    {
        var product = TestRows.Unique("product");
        var ids = (await AddIncidentsAsync(product, [.. Enumerable.Range(0, 5).Select(i => ($"i{i}", (Func<IncidentRow, IncidentRow>)(x => x)))])).Values.Order(StringComparer.Ordinal).ToList();

        var first = await index.QueryIncidentsAsync(new IncidentQuery { ProductId = product, PageSize = 2 });
        var second = await index.QueryIncidentsAsync(new IncidentQuery { ProductId = product, PageSize = 2, PageToken = first.NextPageToken });
        var third = await index.QueryIncidentsAsync(new IncidentQuery { ProductId = product, PageSize = 2, PageToken = second.NextPageToken });

        Assert.Equal(ids, Ids(first).Concat(Ids(second)).Concat(Ids(third)));
        Assert.Null(third.NextPageToken);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("a")]
    [InlineData("_w")]
    [InlineData("S0UtU1lT=====")]
    public async Task Query_WithMalformedPageToken_ThrowsArgumentExceptionNamingPageToken(string token)
    {
        var systems = await Assert.ThrowsAsync<ArgumentException>(() => index.QuerySystemsAsync(new SystemQuery { PageToken = token }));
        var incidents = await Assert.ThrowsAsync<ArgumentException>(() => index.QueryIncidentsAsync(new IncidentQuery { PageToken = token }));

        Assert.Equal(("page_token", "page_token"), (systems.ParamName, incidents.ParamName));
    }

    [Fact]
    public async Task Query_WithAnyWellFormedPageToken_StartsAfterThatId()
    {
        var provider = TestRows.Unique("provider");
        var ids = (await AddSystemsAsync(provider, ("a", s => s), ("b", s => s))).Values.Order(StringComparer.Ordinal).ToList();
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes(ids[0])).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        var page = await index.QuerySystemsAsync(new SystemQuery { ProviderId = provider, PageToken = token });

        Assert.Equal([ids[1]], Ids(page));
    }

    [Fact]
    public async Task Query_PageSizeZero_UsesTheDefault_AndALargerThanMaximumSize_IsLowered()
    {
        var provider = TestRows.Unique("provider");
        for (var i = 0; i < RegistryIndex.MaxPageSize + 1; i++)
        {
            await index.UpsertSystemAsync(TestRows.System() with { ProviderId = provider });
        }

        var byDefault = await index.QuerySystemsAsync(new SystemQuery { ProviderId = provider, PageSize = 0 });
        var capped = await index.QuerySystemsAsync(new SystemQuery { ProviderId = provider, PageSize = 10_000 });

        Assert.Equal(RegistryIndex.DefaultPageSize, byDefault.Items.Count);
        Assert.Equal(RegistryIndex.MaxPageSize, capped.Items.Count);
        Assert.NotNull(capped.NextPageToken);
    }

    [Fact]
    public async Task Query_WithNegativePageSize_ThrowsNamingPageSize()
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => index.QuerySystemsAsync(new SystemQuery { PageSize = -1 }));

        Assert.Equal("page_size", error.ParamName);
    }

    private async Task<Dictionary<string, string>> AddSystemsAsync(string provider, params (string Name, Func<SystemRow, SystemRow> Shape)[] rows)
    {
        var ids = new Dictionary<string, string>();
        foreach (var (name, shape) in rows)
        {
            var row = shape(TestRows.System() with { ProviderId = provider });
            await index.UpsertSystemAsync(row);
            ids[name] = row.Id;
        }

        return ids;
    }

    /// <summary>
    /// Incidents of every status around their deadline at <paramref name="now"/>: only reported-, triaged- and
    /// investigating-late are overdue (open, and past the deadline rather than at it).
    /// </summary>
    private Task<Dictionary<string, string>> AddOverdueCasesAsync(string product, DateTimeOffset now) =>
        AddIncidentsAsync(
            product,
            ("reported-late", i => i with { Status = "reported", ReportingDeadline = now.AddDays(-1) }),
            ("triaged-late", i => i with { Status = "triaged", ReportingDeadline = now.AddTicks(-10) }),
            ("investigating-late", i => i with { Status = "investigating", ReportingDeadline = now.AddDays(-30) }),
            ("mitigated-late", i => i with { Status = "mitigated", ReportingDeadline = now.AddDays(-1) }),
            ("closed-late", i => i with { Status = "closed", ReportingDeadline = now.AddDays(-1) }),
            ("due-now", i => i with { Status = "reported", ReportingDeadline = now }),
            ("not-yet-due", i => i with { Status = "reported", ReportingDeadline = now.AddDays(1) }),
            ("no-deadline", i => i with { Status = "reported", ReportingDeadline = null }));

    private async Task<Dictionary<string, string>> AddIncidentsAsync(string product, params (string Name, Func<IncidentRow, IncidentRow> Shape)[] rows)
    {
        var ids = new Dictionary<string, string>();
        foreach (var (name, shape) in rows)
        {
            var row = shape(TestRows.Incident() with { ProductId = product });
            await index.UpsertIncidentAsync(row);
            ids[name] = row.Id;
        }

        return ids;
    }

    private async Task<List<Page<SystemRow>>> ReadAllSystemPagesAsync(SystemQuery query)
    {
        var pages = new List<Page<SystemRow>>();
        do
        {
            var page = await index.QuerySystemsAsync(query);
            pages.Add(page);
            query = query with { PageToken = page.NextPageToken };
        }
        while (query.PageToken is not null);

        return pages;
    }

    private static IEnumerable<string> Ids(Page<SystemRow> page) => page.Items.Select(s => s.Id);

    private static IEnumerable<string> Ids(Page<IncidentRow> page) => page.Items.Select(i => i.Id);

    private static List<string> Sorted(params string[] ids) => [.. ids.Order(StringComparer.Ordinal)];
}

public sealed class PostgresRegistryIndexQueryTests(PostgresDatabase database) : RegistryIndexQueryTests<PostgresDatabase>(database);

public sealed class SqliteRegistryIndexQueryTests(SqliteDatabase database) : RegistryIndexQueryTests<SqliteDatabase>(database);
