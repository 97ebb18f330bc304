using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Node.Tests.Federation;
using FederatedRegistry.Node.Tests.Support;

namespace FederatedRegistry.Node.Tests.Observability;

/// <summary>The federation as /metrics shows it: what waits for each peer, and how the calls to each peer end.</summary>
public sealed class FederationMetricsTests
{
    private const string OutboxDepth = "fedreg_outbox_depth";
    private const string CallCount = "fedreg_federation_call_duration_seconds_count";

    [Fact]
    public async Task Alerts_waiting_for_a_peer_that_is_down_show_as_its_outbox_depth_and_failed_deliveries_until_it_returns()
    {
        await using var federation = await TestFederation.StartAsync(
            [("KE", "national", TestPolicies.Kenya), ("FR", "national", TestPolicies.France)],
            configure: settings => settings.With("Telemetry:RefreshInterval", "00:00:00.200"));
        var kenya = federation["KE"];
        var france = federation["FR"];
        await france.StopAsync();
        using var scraper = kenya.Client.As("");

        for (var i = 0; i < 3; i++)
        {
            // Serious and affecting FR: KE's policy alerts FR.
            var report = Messages.Incident();
            report.Details.AffectedJurisdictions.Clear();
            report.Details.AffectedJurisdictions.Add(["KE", "FR"]);
            await kenya.Client.Grpc.ReportIncidentAsync(report, deadline: NodeClient.Deadline);
        }

        var waiting = await Eventually.Find(async () =>
        {
            var scrape = await PrometheusScrape.ReadAsync(scraper.Http);
            return scrape.Value(OutboxDepth, ("peer", "FR")) == 3 && FailedDeliveries(scrape) > 0 ? scrape : null;
        }, $"{OutboxDepth} of FR at 3 and failed deliveries to FR");
        Assert.Null(waiting.Value(CallCount, ("peer", "FR"), ("method", "Deliver"), ("outcome", "ok")));

        await france.StartAsync();

        await Eventually.True(async () =>
        {
            var scrape = await PrometheusScrape.ReadAsync(scraper.Http);
            return scrape.Value(OutboxDepth, ("peer", "FR")) == 0 && scrape.Value(CallCount, ("peer", "FR"), ("method", "Deliver"), ("outcome", "ok")) >= 1;
        }, $"{OutboxDepth} of FR back at 0 after a delivery");
        var delivered = (await kenya.Client.Grpc.ListPeersAsync(new ListPeersRequest(), deadline: NodeClient.Deadline)).Peers.Single(p => p.Code == "FR");
        Assert.Equal(3, delivered.Delivered);

        // Both nodes run in this process: each one's /metrics holds its own instruments only.
        using var franceScraper = france.Client.As("");
        var franceScrape = await Eventually.Find(async () =>
        {
            var scrape = await PrometheusScrape.ReadAsync(franceScraper.Http);
            return scrape.Value(OutboxDepth, ("peer", "KE")) is not null ? scrape : null;
        }, $"{OutboxDepth} of KE on FR");
        Assert.Null(franceScrape.Value(OutboxDepth, ("peer", "FR")));
        Assert.Null(franceScrape.Value(CallCount, ("peer", "FR"), ("method", "Deliver"), ("outcome", "ok")));
    }

    private static double FailedDeliveries(PrometheusScrape scrape) => scrape.Samples
        .Where(s => s.Name == CallCount && s.Labels.GetValueOrDefault("peer") == "FR" && s.Labels.GetValueOrDefault("method") == "Deliver" &&
            s.Labels.GetValueOrDefault("outcome") is { } outcome && outcome != "ok")
        .Sum(s => s.Value);
}
