using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Incidents;
using FederatedRegistry.Domain.Registrations;

namespace FederatedRegistry.Grains.Tests;

[Collection(RegistryClusterCollection.Name)]
public sealed class SummaryGrainTests(RegistryCluster fixture)
{
    private ISummaryGrain Summary => fixture.Grains.GetGrain<ISummaryGrain>(0);

    private static long Count(SummarySnapshot s, string dataset, string dimension, string value) =>
        s.Cells.SingleOrDefault(c => c.Dataset == dataset && c.Dimension == dimension && c.Value == value)?.Count ?? 0;

    [Fact]
    public async Task Summary_MovesWithRegistrationsAndDecisions()
    {
        var productId = Commands.NewProductId();
        var id = Identifiers.SystemId(RegistryCluster.NodeCode, productId);
        var grain = fixture.Grains.GetGrain<ISystemGrain>(id);
        var before = await Summary.GetAsync();

        await grain.RegisterAsync(Commands.Register(productId, details: Commands.Details(category: Category.Education, tier: RiskTier.Minimal)));
        var afterRegister = await Summary.GetAsync();
        await grain.DecideAsync(new DecideSystem(id, Decision.StartReview, null, null, 0));
        await grain.DecideAsync(new DecideSystem(id, Decision.Register, RiskTier.High, "Reviewed.", 0));
        var afterDecisions = await Summary.GetAsync();

        Assert.Equal(before.TotalSystems + 1, afterRegister.TotalSystems);
        Assert.Equal(Count(before, "systems", "status", "submitted") + 1, Count(afterRegister, "systems", "status", "submitted"));
        Assert.Equal(Count(before, "systems", "category", "education") + 1, Count(afterRegister, "systems", "category", "education"));
        Assert.Equal(Count(afterRegister, "systems", "status", "submitted") - 1, Count(afterDecisions, "systems", "status", "submitted"));
        Assert.Equal(Count(afterRegister, "systems", "status", "registered") + 1, Count(afterDecisions, "systems", "status", "registered"));
        // The decided tier replaces the proposed one in the counts.
        Assert.Equal(Count(afterRegister, "systems", "risk_tier", "minimal") - 1, Count(afterDecisions, "systems", "risk_tier", "minimal"));
        Assert.Equal(Count(afterRegister, "systems", "risk_tier", "high") + 1, Count(afterDecisions, "systems", "risk_tier", "high"));
        Assert.Equal(afterRegister.TotalSystems, afterDecisions.TotalSystems);
    }

    [Fact]
    public async Task Summary_CountsIncidentsBySeverityHarmTypeAndMonth()
    {
        var aware = new DateTimeOffset(2026, 10, 15, 9, 0, 0, TimeSpan.Zero);
        var before = await Summary.GetAsync();

        await fixture.Grains.GetGrain<IIncidentGrain>(Identifiers.NewIncidentId(RegistryCluster.NodeCode))
            .ReportAsync(new ReportIncident(Commands.Incident(aware, Severity.Moderate)));
        var after = await Summary.GetAsync();

        Assert.Equal(before.TotalIncidents + 1, after.TotalIncidents);
        Assert.Equal(Count(before, "incidents", "severity", "moderate") + 1, Count(after, "incidents", "severity", "moderate"));
        Assert.Equal(Count(before, "incidents", "harm_type", "health_and_safety") + 1, Count(after, "incidents", "harm_type", "health_and_safety"));
        Assert.Equal(Count(before, "incidents", "harm_type", "discrimination_and_bias") + 1, Count(after, "incidents", "harm_type", "discrimination_and_bias"));
        Assert.Equal(Count(before, "incidents", "month", "2026-10") + 1, Count(after, "incidents", "month", "2026-10"));
    }

    [Fact]
    public async Task Summary_InMemoryCounts_EqualTheDurableCounts()
    {
        var productId = Commands.NewProductId();
        await fixture.Grains.GetGrain<ISystemGrain>(Identifiers.SystemId(RegistryCluster.NodeCode, productId))
            .RegisterAsync(Commands.Register(productId));

        var live = await Summary.GetAsync();
        var durable = await fixture.Index.ReadCountsAsync();

        Assert.Equal(
            durable.Select(c => (c.Dataset, c.Dimension, c.Value, c.Count)).OrderBy(c => c),
            live.Cells.Select(c => (c.Dataset, c.Dimension, c.Value, c.Count)).OrderBy(c => c));
    }
}
