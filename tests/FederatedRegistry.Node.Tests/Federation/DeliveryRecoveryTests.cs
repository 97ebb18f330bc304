using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Node.Tests.Support;

namespace FederatedRegistry.Node.Tests.Federation;

public sealed class DeliveryRecoveryTests
{
    [Fact]
    public async Task Alerts_for_a_peer_that_is_down_wait_through_a_sender_restart_and_arrive_once_each_in_order()
    {
        await using var federation = await TestFederation.StartAsync(
        [
            ("KE", "national", TestPolicies.Kenya),
            ("FR", "national", TestPolicies.France),
        ]);
        var kenya = federation["KE"];
        var france = federation["FR"];
        await france.StopAsync();

        var reported = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var report = Messages.Incident();
            report.Details.AffectedJurisdictions.Clear();
            report.Details.AffectedJurisdictions.Add(["KE", "FR"]);
            reported.Add((await kenya.Client.Grpc.ReportIncidentAsync(report, deadline: NodeClient.Deadline)).Id);
        }
        // Not serious: triggers no alert under KE's policy, and must not slip in among the others.
        var minor = Messages.Incident();
        minor.Details.Severity = Severity.Minor;
        minor.Details.AffectedJurisdictions.Add("FR");
        await kenya.Client.Grpc.ReportIncidentAsync(minor, deadline: NodeClient.Deadline);

        var waiting = await Eventually.Find(async () =>
            (await kenya.Client.Grpc.ListPeersAsync(new ListPeersRequest(), deadline: NodeClient.Deadline)).Peers
                .SingleOrDefault(p => p.Code == "FR" && p.OutboxDepth == 5 && p.LastError.Length > 0));
        Assert.Equal(0, waiting.Delivered);

        // The outbox is durable: the sender restarts while the peer is still away, and resumes on its own.
        await kenya.StopAsync();
        await kenya.StartAsync();
        await france.StartAsync();

        var alerts = await Eventually.Find(async () =>
        {
            var listed = (await france.Client.Grpc.ListAlertsAsync(new ListAlertsRequest(), deadline: NodeClient.Deadline)).Alerts;
            return listed.Count >= reported.Count ? listed : null;
        });
        Assert.Equal(reported, alerts.Select(a => a.Id));

        var drained = await Eventually.Find(async () =>
            (await kenya.Client.Grpc.ListPeersAsync(new ListPeersRequest(), deadline: NodeClient.Deadline)).Peers
                .SingleOrDefault(p => p.Code == "FR" && p.OutboxDepth == 0));
        Assert.Equal(5, drained.Delivered);
        Assert.Equal("", drained.LastError);
        Assert.NotNull(drained.LastSuccessAt);

        var sent = await kenya.Client.Grpc.ListAlertsAsync(new ListAlertsRequest { Direction = "sent" }, deadline: NodeClient.Deadline);
        Assert.Equal(reported, sent.Alerts.Select(a => a.Id));
        Assert.All(sent.Alerts, a => Assert.NotNull(a.DeliveredAt));

        // And FR, restarted once more, still holds each alert once.
        await france.StopAsync();
        await france.StartAsync();
        var again = await france.Client.Grpc.ListAlertsAsync(new ListAlertsRequest(), deadline: NodeClient.Deadline);
        Assert.Equal(reported, again.Alerts.Select(a => a.Id));
    }
}
