using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Node.Demo;
using FederatedRegistry.Node.Tests.Support;
using Grpc.Net.Client;
using Xunit.Abstractions;

namespace FederatedRegistry.Node.Tests.Demo;

/// <summary>A fresh KE node seeded once, as the demo seeds it: FR and BR are its national peers.</summary>
public sealed class SeededKenyaNodeFixture : IAsyncLifetime
{
    public static readonly string[] Others = ["FR", "BR"];

    private InProcessNode? _node;

    public InProcessNode Node => _node!;

    internal SeedReport Report { get; private set; } = null!;

    public IReadOnlyList<string> ProgressLines { get; private set; } = [];

    public async Task InitializeAsync()
    {
        _node = await InProcessNode.StartAsync(NodeSettings.Embedded("KE"));
        var progress = new LineProgress();
        Report = await DemoSeed.SeedAsync("KE", Others, _node.Client.Grpc, progress, CancellationToken.None);
        ProgressLines = progress.Lines;
    }

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
    }
}

/// <summary>Collects progress lines as they are reported; <see cref="Progress{T}"/> would post them later.</summary>
internal sealed class LineProgress : IProgress<string>
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public void Report(string value)
    {
        lock (_lines)
        {
            _lines.Add(value);
        }
    }
}

/// <summary>The demo seed, through a real gRPC client against the real host: every request it sends must be valid.</summary>
public sealed class DemoSeedTests(SeededKenyaNodeFixture kenya, ITestOutputHelper output) : IClassFixture<SeededKenyaNodeFixture>
{
    private Registry.RegistryClient Api => kenya.Node.Client.Grpc;

    [Fact]
    public async Task Seed_OnAFreshNode_RegistersAVariedCatalogueThroughTheLifecycle()
    {
        var systems = await Listing.AllSystemsAsync(Api, new ListSystemsRequest());

        output.WriteLine(kenya.Report.ToString());
        foreach (var line in kenya.ProgressLines)
        {
            output.WriteLine(line);
        }
        Assert.False(kenya.Report.AlreadySeeded);
        Assert.Equal(systems.Count, kenya.Report.Systems);
        Assert.True(systems.Count >= 30, $"{systems.Count} systems");
        var tiers = systems.Select(s => s.DecidedRiskTier != RiskTier.Unspecified ? s.DecidedRiskTier : s.ProposedRiskTier).Distinct().ToList();
        Assert.True(tiers.Count >= 4, "tiers: " + string.Join(", ", tiers));
        Assert.True(systems.Select(s => s.Category).Distinct().Count() >= 6);
        Assert.Contains(systems, s => s.Category == Category.LawEnforcement);
        Assert.Contains(systems, s => s.Category == Category.MigrationAndBorder);
        Assert.True(systems.Count(s => s.ProposedRiskTier is RiskTier.Minimal or RiskTier.Limited)
            > systems.Count(s => s.ProposedRiskTier == RiskTier.High));
        var statuses = systems.Select(s => s.Status).ToHashSet();
        Assert.Superset(new HashSet<SystemStatus> { SystemStatus.Registered, SystemStatus.UnderReview, SystemStatus.Rejected, SystemStatus.Suspended }, statuses);
        Assert.True(systems.Count(s => s.Status == SystemStatus.Registered) > systems.Count / 2);
        Assert.Contains(kenya.ProgressLines, l => l == $"KE: {systems.Count} registrations");
    }

    [Fact]
    public async Task Seed_OnAFreshNode_ReportsIncidentsOverTheLastYearSomeCrossingIntoPeers()
    {
        var incidents = await Listing.AllIncidentsAsync(Api, new ListIncidentsRequest());

        Assert.Equal(incidents.Count, kenya.Report.Incidents);
        Assert.True(incidents.Count >= 10, $"{incidents.Count} incidents");
        var intoPeers = incidents.Where(i => i.AffectedJurisdictions.Count > 1 && i.AffectedJurisdictions.Intersect(SeededKenyaNodeFixture.Others).Any()).ToList();
        Assert.True(intoPeers.Count >= 3, $"{intoPeers.Count} cross-border incidents affecting FR or BR");
        Assert.True(intoPeers.Count(i => i.Severity is Severity.Critical or Severity.Serious) >= 3);
        Assert.True(incidents.Select(i => i.Severity).Distinct().Count() >= 3);
        Assert.True(incidents.SelectMany(i => i.HarmTypes).Distinct().Count() >= 5);
        Assert.True(incidents.Select(i => i.Status).Distinct().Count() >= 3);
        var now = DateTimeOffset.UtcNow;
        Assert.All(incidents, i =>
        {
            var occurred = i.OccurredAt.ToDateTimeOffset();
            Assert.InRange(occurred, now.AddDays(-366), now);
        });
        Assert.Contains(incidents, i => DemoSeed.SharedProductIds.Contains(i.ProductId));
    }

    [Fact]
    public async Task Seed_OnAFreshNode_RegistersEverySharedProductAndPublishesAdvisories()
    {
        var shared = new List<SystemListItem>();
        foreach (var productId in DemoSeed.SharedProductIds)
        {
            shared.AddRange(await Listing.AllSystemsAsync(Api, new ListSystemsRequest { ProductId = productId }));
        }
        var advisories = await Api.ListAdvisoriesAsync(new ListAdvisoriesRequest(), deadline: NodeClient.Deadline);

        Assert.InRange(DemoSeed.SharedProductIds.Count, 3, 4);
        Assert.All(DemoSeed.SharedProductIds, id => Assert.Matches(FederatedRegistry.Domain.Identifiers.ProductIdShape, id));
        Assert.Equal(DemoSeed.SharedProductIds.Order(), shared.Select(s => s.ProductId).Order());
        Assert.True(shared.Select(s => s.Status).Distinct().Count() >= 3, "shared products should differ in status");
        Assert.Equal(kenya.Report.Advisories, advisories.Advisories.Count);
        Assert.Equal(2, advisories.Advisories.Count);
        Assert.All(advisories.Advisories, a => Assert.NotEmpty(a.Mitigations));
    }

    [Fact]
    public async Task Seed_OnAFreshNode_FillsEveryPlaceholderInTheStoredTexts()
    {
        var texts = new List<string>();
        foreach (var item in await Listing.AllSystemsAsync(Api, new ListSystemsRequest()))
        {
            var system = await Api.GetSystemAsync(new GetSystemRequest { Id = item.Id }, deadline: NodeClient.Deadline);
            var a = system.Details.Assessment;
            texts.AddRange([system.Details.Name, system.Details.IntendedPurpose, system.DecisionReason,
                a.ConformityEvidence, a.BiasEvaluation, a.HumanOversight, a.Explainability, a.DataGovernance]);
            output.WriteLine($"{system.ProductId} | {system.Details.Name} {system.Details.Version} | {system.Details.Category} | " +
                $"{system.Details.ProposedRiskTier}->{system.DecidedRiskTier} | {system.Status} | {string.Join(",", system.Details.Markets)} | {system.DecisionReason}");
        }
        foreach (var item in await Listing.AllIncidentsAsync(Api, new ListIncidentsRequest()))
        {
            var incident = await Api.GetIncidentAsync(new GetIncidentRequest { Id = item.Id }, deadline: NodeClient.Deadline);
            var d = incident.Details;
            texts.AddRange([d.Title, d.Description, d.Reporter, .. d.AffectedGroups]);
            output.WriteLine($"{d.OccurredAt.ToDateTimeOffset():yyyy-MM-dd} {d.Severity} {incident.Status} [{string.Join(",", d.AffectedJurisdictions)}] " +
                $"{d.Title} | {d.Reporter} | deadline {incident.DeadlineRule} overdue={incident.Overdue} late={incident.ReportedLate}");
        }

        Assert.All(texts, t => Assert.DoesNotMatch("[{}]", t));
    }

    [Fact]
    public async Task Seed_Twice_ReportsAlreadySeededAndChangesNoCount()
    {
        var before = await Api.GetSummaryAsync(new GetSummaryRequest(), deadline: NodeClient.Deadline);
        var advisoriesBefore = (await Api.ListAdvisoriesAsync(new ListAdvisoriesRequest(), deadline: NodeClient.Deadline)).Advisories.Count;

        var again = await DemoSeed.SeedAsync("KE", SeededKenyaNodeFixture.Others, Api, null, CancellationToken.None);

        var after = await Api.GetSummaryAsync(new GetSummaryRequest(), deadline: NodeClient.Deadline);
        var advisoriesAfter = (await Api.ListAdvisoriesAsync(new ListAdvisoriesRequest(), deadline: NodeClient.Deadline)).Advisories.Count;
        Assert.True(again.AlreadySeeded);
        Assert.Equal(new SeedReport("KE", 0, 0, 0, 0, 0, true), again);
        Assert.Equal(before.TotalSystems, after.TotalSystems);
        Assert.Equal(before.TotalIncidents, after.TotalIncidents);
        Assert.Equal(advisoriesBefore, advisoriesAfter);
    }

    [Fact]
    public async Task Seed_OfTheSameCode_SeedsTheSameContentOnAnotherNode()
    {
        await using var other = await InProcessNode.StartAsync(NodeSettings.Embedded("KE"));

        var report = await DemoSeed.SeedAsync("KE", SeededKenyaNodeFixture.Others, other.Client.Grpc, null, CancellationToken.None);

        Assert.Equal(kenya.Report, report);
        Assert.Equal(await SystemsOf(Api), await SystemsOf(other.Client.Grpc));
        Assert.Equal(await IncidentsOf(Api), await IncidentsOf(other.Client.Grpc));
    }

    [Theory]
    [InlineData("FR", new[] { "KE", "BR" })]
    [InlineData("BR", new[] { "KE", "FR" })]
    public async Task Seed_EveryOtherDemoCountry_IsAcceptedByItsNode(string code, string[] others)
    {
        await using var node = await InProcessNode.StartAsync(NodeSettings.Embedded(code));
        var api = node.Client.Grpc;

        var progress = new LineProgress();

        var report = await DemoSeed.SeedAsync(code, others, api, progress, CancellationToken.None);

        output.WriteLine(report.ToString());
        foreach (var line in progress.Lines)
        {
            output.WriteLine(line);
        }
        var systems = await Listing.AllSystemsAsync(api, new ListSystemsRequest());
        var incidents = await Listing.AllIncidentsAsync(api, new ListIncidentsRequest());
        Assert.False(report.AlreadySeeded);
        Assert.Equal(systems.Count, report.Systems);
        Assert.Equal(incidents.Count, report.Incidents);
        Assert.True(systems.Count >= 30);
        Assert.True(incidents.Count >= 10);
        Assert.True(incidents.Count(i => i.AffectedJurisdictions.Intersect(others).Any()) >= 3);
        Assert.Superset(DemoSeed.SharedProductIds.ToHashSet(), systems.Select(s => s.ProductId).ToHashSet());
        Assert.All(systems, s => Assert.StartsWith($"{code}-SYS-", s.Id));
    }

    [Fact]
    public async Task Seed_ForANodeWithoutDemoData_FailsBeforeAnyCall()
    {
        using var channel = GrpcChannel.ForAddress("http://127.0.0.1:9");

        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => DemoSeed.SeedAsync("DE", ["KE"], new Registry.RegistryClient(channel), null, CancellationToken.None));

        Assert.Contains("DE", e.Message);
    }

    private static async Task<List<string>> SystemsOf(Registry.RegistryClient api) =>
        [.. (await Listing.AllSystemsAsync(api, new ListSystemsRequest()))
            .Select(s => $"{s.ProductId} {s.Name} {s.Version} {s.Category} {s.Status} {s.ProposedRiskTier} {s.DecidedRiskTier} {s.StateVersion}")
            .Order()];

    private static async Task<List<string>> IncidentsOf(Registry.RegistryClient api) =>
        [.. (await Listing.AllIncidentsAsync(api, new ListIncidentsRequest()))
            // Dates count back from the current day, so a run across midnight UTC would differ there and nowhere else.
            .Select(i => $"{i.Title} {i.ProductId} {i.Severity} {i.Status} {string.Join(",", i.AffectedJurisdictions)}")
            .Order()];
}
