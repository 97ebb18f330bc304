using System.Net;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Node.Tests.Support;

namespace FederatedRegistry.Node.Tests.Observability;

/// <summary>
/// The Prometheus endpoint as a scraper meets it: GET /metrics without a token, on the node's HTTP port, with the node's
/// own instruments counting what the API accepted. Counters are compared before and after, so the tests need no
/// particular starting state.
/// </summary>
[Collection(ObservedNodeCollection.Name)]
public sealed class MetricsEndpointTests(ObservedNodeFixture node)
{
    private const string Registrations = "fedreg_registrations_total";
    private const string IncidentsReported = "fedreg_incidents_reported_total";
    private const string OverdueIncidents = "fedreg_incidents_overdue";

    private Registry.RegistryClient Authority => node.Client.Grpc;

    [Fact]
    public async Task Metrics_are_served_without_a_token_in_the_prometheus_text_format()
    {
        using var response = await node.Anonymous.Http.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        // ASP.NET Core's own request metrics are there beside the node's.
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registrations_are_counted_by_operation_and_status_reached()
    {
        var before = await PrometheusScrape.ReadAsync(node.Anonymous.Http);
        var provider = await Authority.CreateProviderAsync(Messages.Provider(), deadline: NodeClient.Deadline);

        await Authority.RegisterSystemAsync(Messages.Registration(provider.Id, submit: false), deadline: NodeClient.Deadline);
        await Authority.RegisterSystemAsync(Messages.Registration(provider.Id, submit: false), deadline: NodeClient.Deadline);
        var submitted = await Authority.RegisterSystemAsync(Messages.Registration(provider.Id, submit: true), deadline: NodeClient.Deadline);
        var reviewed = await Authority.DecideSystemAsync(new DecideSystemRequest { Id = submitted.Id, Decision = Decision.StartReview }, deadline: NodeClient.Deadline);
        // Refused by the domain (no tier decided): not a registration, not counted.
        await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await Authority.DecideSystemAsync(
            new DecideSystemRequest { Id = reviewed.Id, Decision = Decision.Register }, deadline: NodeClient.Deadline));
        await Authority.DecideSystemAsync(new DecideSystemRequest
        {
            Id = reviewed.Id,
            Decision = Decision.Register,
            DecidedRiskTier = RiskTier.High,
            Reason = "Meets the requirements for high-risk systems.",
        }, deadline: NodeClient.Deadline);

        // The last one counted is in the scrape, and with it every one before it.
        var after = await Eventually.Find(async () =>
        {
            var scrape = await PrometheusScrape.ReadAsync(node.Anonymous.Http);
            return PrometheusScrape.Delta(before, scrape, Registrations, ("operation", "decide"), ("status", "registered")) >= 1 ? scrape : null;
        }, "the decision in /metrics");
        Assert.Equal(2, PrometheusScrape.Delta(before, after, Registrations, ("operation", "register"), ("status", "draft")));
        Assert.Equal(1, PrometheusScrape.Delta(before, after, Registrations, ("operation", "register"), ("status", "submitted")));
        Assert.Equal(1, PrometheusScrape.Delta(before, after, Registrations, ("operation", "decide"), ("status", "under_review")));
        Assert.Equal(1, PrometheusScrape.Delta(before, after, Registrations, ("operation", "decide"), ("status", "registered")));
    }

    [Fact]
    public async Task Registration_grains_activated_show_in_orleans_activation_counts()
    {
        const string Created = "orleans_catalog_activation_created_total";
        var before = await PrometheusScrape.ReadAsync(node.Anonymous.Http);
        var provider = await Authority.CreateProviderAsync(Messages.Provider(), deadline: NodeClient.Deadline);

        for (var i = 0; i < 3; i++)
        {
            await Authority.RegisterSystemAsync(Messages.Registration(provider.Id, submit: false), deadline: NodeClient.Deadline);
        }

        // Each registration is a grain of its own: what a bulk import makes one per row of, and memory follows.
        await Eventually.Find(async () =>
        {
            var scrape = await PrometheusScrape.ReadAsync(node.Anonymous.Http);
            return PrometheusScrape.Delta(before, scrape, Created, ("grain_type", "system")) >= 3 ? scrape : null;
        }, "three registration activations in /metrics");
    }

    [Fact]
    public async Task Orleans_series_keep_every_grain_type_apart_within_their_label_room()
    {
        var provider = await Authority.CreateProviderAsync(Messages.Provider(), deadline: NodeClient.Deadline);
        await Authority.RegisterSystemAsync(Messages.Registration(provider.Id, submit: true), deadline: NodeClient.Deadline);
        await Report(Severity.Serious);

        var scrape = await PrometheusScrape.ReadAsync(node.Anonymous.Http);

        var orleans = scrape.Samples.Where(s => s.Name.StartsWith("orleans_", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(orleans);
        // Past its room an instrument folds further label sets into one marked series, which would merge grain types.
        Assert.DoesNotContain(orleans, s => s.Labels.ContainsKey("otel_metric_overflow"));
        var grainTypes = orleans.Where(s => s.Name == "orleans_catalog_activation_created_total").Select(s => s.Labels["grain_type"]).ToHashSet();
        Assert.Contains("system", grainTypes);
        Assert.True(grainTypes.Count > 1, string.Join(", ", grainTypes));
    }

    [Fact]
    public async Task Incident_reports_are_counted_by_severity_and_a_repeated_request_id_once()
    {
        var before = await PrometheusScrape.ReadAsync(node.Anonymous.Http);

        await Report(Severity.Serious);
        var retried = Messages.Incident();
        retried.RequestId = Guid.NewGuid().ToString();
        await Authority.ReportIncidentAsync(retried, deadline: NodeClient.Deadline);
        await Authority.ReportIncidentAsync(retried, deadline: NodeClient.Deadline);
        await Report(Severity.Minor);
        await Report(Severity.Minor);
        await Report(Severity.Minor);
        await Report(Severity.Critical);

        var after = await Eventually.Find(async () =>
        {
            var scrape = await PrometheusScrape.ReadAsync(node.Anonymous.Http);
            return PrometheusScrape.Delta(before, scrape, IncidentsReported, ("severity", "critical")) >= 1 ? scrape : null;
        }, "the critical report in /metrics");
        Assert.Equal(2, PrometheusScrape.Delta(before, after, IncidentsReported, ("severity", "serious")));
        Assert.Equal(3, PrometheusScrape.Delta(before, after, IncidentsReported, ("severity", "minor")));
        Assert.Equal(1, PrometheusScrape.Delta(before, after, IncidentsReported, ("severity", "critical")));
        Assert.Equal(0, PrometheusScrape.Delta(before, after, IncidentsReported, ("severity", "moderate")));
    }

    [Fact]
    public async Task An_incident_past_its_reporting_deadline_shows_in_the_overdue_gauge_and_one_within_it_does_not()
    {
        var before = await Eventually.Find(async () => (await PrometheusScrape.ReadAsync(node.Anonymous.Http)).Value(OverdueIncidents) is { } v ? (object)v : null,
            "the overdue gauge's first refresh");
        var baseline = (double)before;

        // Within its deadline (aware an hour ago): in the read model before the late one is reported, so that every
        // refresh that counts the late one has seen this one too.
        var recent = await Authority.ReportIncidentAsync(Messages.Incident(), deadline: NodeClient.Deadline);
        Assert.False(recent.Overdue);
        await Eventually.True(async () => (await Authority.ListIncidentsAsync(new ListIncidentsRequest { ProductId = recent.Details.ProductId },
            deadline: NodeClient.Deadline)).Incidents.Any(i => i.Id == recent.Id), "the recent incident in the read model");
        // Serious, aware 60 days ago: its 15-day deadline passed long ago.
        var late = await Authority.ReportIncidentAsync(Messages.Incident(awareAt: DateTimeOffset.UtcNow.AddDays(-60)), deadline: NodeClient.Deadline);
        Assert.True(late.Overdue);

        await Eventually.True(async () => (await PrometheusScrape.ReadAsync(node.Anonymous.Http)).Value(OverdueIncidents) == baseline + 1,
            $"{OverdueIncidents} at {baseline + 1}");

        // Closed, it is no longer overdue, and the gauge follows.
        await Authority.TransitionIncidentAsync(new TransitionIncidentRequest { Id = late.Id, To = IncidentStatus.Closed, Note = "Handled." }, deadline: NodeClient.Deadline);
        await Eventually.True(async () => (await PrometheusScrape.ReadAsync(node.Anonymous.Http)).Value(OverdueIncidents) == baseline,
            $"{OverdueIncidents} back at {baseline}");
    }

    private async Task Report(Severity severity)
    {
        var report = Messages.Incident();
        report.Details.Severity = severity;
        await Authority.ReportIncidentAsync(report, deadline: NodeClient.Deadline);
    }
}
