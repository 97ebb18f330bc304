using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Node.Audit;
using FederatedRegistry.Node.Tests.Federation;
using FederatedRegistry.Node.Tests.Support;

namespace FederatedRegistry.Node.Tests.Audit;

/// <summary>
/// Federation send and receive are audited on both sides: an alert queued and delivered by KE, received and
/// acknowledged by FR, the acknowledgement queued back and received; an advisory published, queued, delivered and received.
/// </summary>
public sealed class AuditFederationTests : IAsyncLifetime
{
    private TestFederation _federation = null!;

    public async Task InitializeAsync() =>
        _federation = await TestFederation.StartAsync([("KE", "national", TestPolicies.Kenya), ("FR", "national", TestPolicies.France)]);

    public async Task DisposeAsync() => await _federation.DisposeAsync();

    [Fact]
    public async Task SendingAndReceiving_AreRecordedOnBothNodes_AndBothLogsVerify()
    {
        var kenya = _federation["KE"].Client;
        var france = _federation["FR"].Client;
        var provider = await kenya.Grpc.CreateProviderAsync(Messages.Provider(), deadline: NodeClient.Deadline);
        var system = await kenya.Grpc.RegisterSystemAsync(Messages.Registration(provider.Id, submit: true), deadline: NodeClient.Deadline);
        var report = Messages.Incident(system.ProductId);
        report.Details.AffectedJurisdictions.Clear();
        report.Details.AffectedJurisdictions.Add(["KE", "FR"]);
        var incident = await kenya.Grpc.ReportIncidentAsync(report, deadline: NodeClient.Deadline);
        await Eventually.Find(async () => (await france.Grpc.ListAlertsAsync(new ListAlertsRequest(), deadline: NodeClient.Deadline))
            .Alerts.SingleOrDefault(a => a.Id == incident.Id), "the alert at FR");
        await france.Grpc.AcknowledgeAlertAsync(new AcknowledgeAlertRequest { Id = incident.Id, Note = "Seen" }, deadline: NodeClient.Deadline);
        var advisory = await kenya.Grpc.PublishAdvisoryAsync(new PublishAdvisoryRequest
        {
            Title = "Triage models under-prioritise older patients",
            Summary = "Evaluate per age band.",
            Categories = { Category.Health },
        }, deadline: NodeClient.Deadline);

        var atKenya = await WaitForAsync(kenya,
            ("queued:FR", "alert:" + incident.Id),
            ("delivered:FR", "alert:" + incident.Id),
            ("published", "advisory:" + advisory.Id),
            ("queued:FR", "advisory:" + advisory.Id),
            ("delivered:FR", "advisory:" + advisory.Id),
            ("received:FR", "acknowledgement:" + incident.Id));
        var atFrance = await WaitForAsync(france,
            ("received:KE", "alert:" + incident.Id),
            ("acknowledged", "alert:" + incident.Id),
            ("queued:KE", "acknowledgement:" + incident.Id),
            ("delivered:KE", "acknowledgement:" + incident.Id),
            ("received:KE", "advisory:" + advisory.Id));

        Assert.StartsWith("authority:", Actor(atKenya, "queued:FR", "alert:" + incident.Id), StringComparison.Ordinal);
        Assert.Equal("system", Actor(atKenya, "delivered:FR", "alert:" + incident.Id));
        Assert.Equal("peer:FR", Actor(atKenya, "received:FR", "acknowledgement:" + incident.Id));
        Assert.Equal("peer:KE", Actor(atFrance, "received:KE", "alert:" + incident.Id));
        Assert.StartsWith("authority:", Actor(atFrance, "acknowledged", "alert:" + incident.Id), StringComparison.Ordinal);
        foreach (var node in _federation.Nodes)
        {
            var key = (await node.Client.Grpc.GetNodeInfoAsync(new GetNodeInfoRequest(), deadline: NodeClient.Deadline)).PublicKey;
            var output = new StringWriter();
            var exit = await AuditCommand.RunAsync(["verify", "--node", node.Settings.HttpAddress.ToString(), "--public-key", key], output, output);
            Assert.True(exit == 0, $"{node.Code}: {output}");
        }
    }

    private static async Task<IReadOnlyList<FederatedRegistry.Contracts.V1.AuditEntry>> WaitForAsync(NodeClient client, params (string Action, string Subject)[] expected)
    {
        IReadOnlyList<FederatedRegistry.Contracts.V1.AuditEntry> entries = [];
        await Eventually.True(async () =>
        {
            entries = (await client.Grpc.ListAuditEntriesAsync(new ListAuditEntriesRequest { Limit = 1000 }, deadline: NodeClient.Deadline)).Entries;
            var seen = entries.Select(e => (e.Action, e.Subject)).ToHashSet();
            return expected.All(seen.Contains);
        }, "entries " + string.Join(", ", expected));
        return entries;
    }

    private static string Actor(IEnumerable<FederatedRegistry.Contracts.V1.AuditEntry> entries, string action, string subject) =>
        entries.Single(e => e.Action == action && e.Subject == subject).Actor;
}
