using System.Net;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Node.Tests.Support;
using Grpc.Core;

namespace FederatedRegistry.Node.Tests.Federation;

/// <summary>KE, FR and BR (national) and INTL (observer), seeded with known registrations, talking over real gRPC.</summary>
public sealed class ThreeNodesAndObserver : IAsyncLifetime
{
    public TestFederation Federation { get; private set; } = null!;

    /// <summary>Registered on all three national nodes, with a different status on each.</summary>
    public string SharedProduct { get; } = Unique.ProductId("shared-triage");

    public string KenyaProvider { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Federation = await TestFederation.StartAsync(
        [
            ("KE", "national", TestPolicies.Kenya),
            ("FR", "national", TestPolicies.France),
            ("BR", "national", TestPolicies.Brazil),
            ("INTL", "observer", TestPolicies.Observer),
        ]);
        // KE: 6 high-risk health systems (the shared one among them), 4 limited-risk finance, 1 minimal education.
        KenyaProvider = await RegisterAsync("KE", [(5, Category.Health, RiskTier.High), (4, Category.Finance, RiskTier.Limited), (1, Category.Education, RiskTier.Minimal)]);
        // FR: 6 high-risk health (with the shared one), 4 limited-risk finance: below FR's k of 5.
        var france = await RegisterAsync("FR", [(5, Category.Health, RiskTier.High), (4, Category.Finance, RiskTier.Limited)]);
        var brazil = await RegisterAsync("BR", [(3, Category.Health, RiskTier.High)]);
        await Client("KE").RegisterSystemAsync(Messages.Registration(KenyaProvider, submit: true, SharedProduct), deadline: NodeClient.Deadline);
        var fr = await Client("FR").RegisterSystemAsync(Messages.Registration(france, submit: true, SharedProduct), deadline: NodeClient.Deadline);
        await Client("FR").DecideSystemAsync(new DecideSystemRequest { Id = fr.Id, Decision = Decision.StartReview, ExpectedVersion = fr.Version }, deadline: NodeClient.Deadline);
        await Client("BR").RegisterSystemAsync(Messages.Registration(brazil, submit: false, SharedProduct), deadline: NodeClient.Deadline);
    }

    public Registry.RegistryClient Client(string code) => Federation[code].Client.Grpc;

    public async Task DisposeAsync() => await Federation.DisposeAsync();

    private async Task<string> RegisterAsync(string code, IEnumerable<(int Count, Category Category, RiskTier Tier)> groups)
    {
        var provider = await Client(code).CreateProviderAsync(Messages.Provider(), deadline: NodeClient.Deadline);
        foreach (var (count, category, tier) in groups)
        {
            for (var i = 0; i < count; i++)
            {
                await Client(code).RegisterSystemAsync(
                    Messages.Registration(provider.Id, submit: true, details: Messages.Details(category: category, tier: tier)), deadline: NodeClient.Deadline);
            }
        }
        return provider.Id;
    }
}

public sealed class FederationEndToEndTests(ThreeNodesAndObserver fixture) : IClassFixture<ThreeNodesAndObserver>
{
    private TestFederation Federation => fixture.Federation;

    [Fact]
    public async Task Observer_summary_gives_a_row_per_country_with_provenance_withholds_small_cells_and_names_refusing_nodes()
    {
        var response = await Federation["INTL"].Client.GetAsync("/v1/federation/summary?dimensions=risk_tier,category");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = Google.Protobuf.JsonParser.Default.Parse<FederationSummary>(response.Body);

        Assert.Equal(["KE", "FR"], summary.Rows.Select(r => r.Node).Order(StringComparer.Ordinal).Reverse());
        var kenya = summary.Rows.Single(r => r.Node == "KE");
        Assert.Equal(3, kenya.MinCount);
        Assert.True(kenya.SignatureVerified);
        Assert.Equal(Federation["KE"].Key.KeyId, kenya.KeyId);
        Assert.Equal(1, kenya.PolicyVersion);
        Assert.All(kenya.Cells, c => Assert.Equal(("KE", 1), (c.Node, c.PolicyVersion)));
        Assert.Equal(6, Cell(kenya, "high", "health"));
        Assert.Equal(4, Cell(kenya, "limited", "finance"));
        Assert.Null(Cell(kenya, "minimal", "education"));   // 1 < k = 3

        var france = summary.Rows.Single(r => r.Node == "FR");
        Assert.Equal(5, france.MinCount);
        Assert.Equal(6, Cell(france, "high", "health"));
        Assert.Null(Cell(france, "limited", "finance"));     // 4 < k = 5
        Assert.All(summary.Rows.SelectMany(r => r.Cells), c => Assert.True(c.Count >= summary.Rows.Single(r => r.Node == c.Node).MinCount));

        var total = summary.Totals.Single(t => t.Values.SequenceEqual(["high", "health"]));
        Assert.Equal(12, total.Count);
        Assert.Equal(["FR", "KE"], total.Nodes.Order(StringComparer.Ordinal));

        // BR shares counts by status only: it refuses this question, and the answer says so rather than leaving it out silently.
        var brazil = Assert.Single(summary.Unanswered);
        Assert.Equal(("BR", "denied"), (brazil.Node, brazil.Reason));
        Assert.True(summary.Partial);
    }

    [Fact]
    public async Task Product_lookup_shows_each_jurisdiction_and_only_the_fields_its_policy_shares()
    {
        var product = await fixture.Client("KE").LookupFederationProductAsync(
            new LookupFederationProductRequest { ProductId = fixture.SharedProduct }, deadline: NodeClient.Deadline);

        Assert.Empty(product.Unanswered);
        var france = product.Jurisdictions.Single(j => j.Node == "FR");
        Assert.True(france.Registered);
        Assert.Equal(["product_id", "status"], france.Record.Fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("under_review", france.Record.Fields["status"].StringValue);
        Assert.Equal(Federation["FR"].Key.KeyId, france.KeyId);

        var brazil = product.Jurisdictions.Single(j => j.Node == "BR");
        Assert.True(brazil.Registered);
        Assert.Equal(["name", "product_id", "status"], brazil.Record.Fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("draft", brazil.Record.Fields["status"].StringValue);

        // FR asks too: BR shares records with KE only, so FR learns nothing of BR's registration.
        var fromFrance = await fixture.Client("FR").LookupFederationProductAsync(
            new LookupFederationProductRequest { ProductId = fixture.SharedProduct }, deadline: NodeClient.Deadline);
        Assert.Equal(("BR", "denied"), fromFrance.Unanswered.Select(u => (u.Node, u.Reason)).Single());
        Assert.Equal("submitted", fromFrance.Jurisdictions.Single(j => j.Node == "KE").Record.Fields["status"].StringValue);
    }

    [Fact]
    public async Task A_serious_cross_border_incident_reaches_the_affected_peer_once_and_the_sender_sees_its_acknowledgement()
    {
        var report = Messages.Incident(fixture.SharedProduct);
        report.Details.AffectedJurisdictions.Clear();
        report.Details.AffectedJurisdictions.Add(["KE", "FR"]);
        var incident = await fixture.Client("KE").ReportIncidentAsync(report, deadline: NodeClient.Deadline);

        var received = await Eventually.Find(async () =>
            (await fixture.Client("FR").ListAlertsAsync(new ListAlertsRequest { ProductId = fixture.SharedProduct }, deadline: NodeClient.Deadline))
                .Alerts.SingleOrDefault(a => a.Id == incident.Id));
        Assert.Equal("KE", received.Origin);
        Assert.Equal(1, received.PolicyVersion);
        Assert.Equal(["affected_jurisdictions", "id", "product_id", "severity", "title"], received.Incident.Fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("serious", received.Incident.Fields["severity"].StringValue);

        // BR is not affected, and the observer is no jurisdiction: neither is sent the alert.
        var sent = await fixture.Client("KE").ListAlertsAsync(new ListAlertsRequest { Direction = "sent" }, deadline: NodeClient.Deadline);
        Assert.Equal(["FR"], sent.Alerts.Where(a => a.Id == incident.Id).Select(a => a.Recipient));

        var acknowledged = await fixture.Client("FR").AcknowledgeAlertAsync(
            new AcknowledgeAlertRequest { Id = incident.Id, Note = "Forwarded to the health regulator" }, deadline: NodeClient.Deadline);
        Assert.NotNull(acknowledged.AcknowledgedAt);
        await fixture.Client("FR").AcknowledgeAlertAsync(new AcknowledgeAlertRequest { Id = incident.Id }, deadline: NodeClient.Deadline);

        var seen = await Eventually.Find(async () =>
            (await fixture.Client("KE").ListAlertsAsync(new ListAlertsRequest { Direction = "sent", Peer = "FR" }, deadline: NodeClient.Deadline))
                .Alerts.SingleOrDefault(a => a.Id == incident.Id && a.AcknowledgedAt is not null));
        Assert.Equal("Forwarded to the health regulator", seen.AcknowledgementNote);
        Assert.NotNull(seen.DeliveredAt);

        var atFrance = await fixture.Client("FR").ListAlertsAsync(new ListAlertsRequest(), deadline: NodeClient.Deadline);
        Assert.Single(atFrance.Alerts, a => a.Id == incident.Id);
    }

    [Fact]
    public async Task An_advisory_reaches_exactly_the_peers_the_publishers_policy_allows()
    {
        var request = new PublishAdvisoryRequest
        {
            Title = "Triage models under-prioritise older patients",
            Summary = "Three incidents in six months share one cause: training data with few patients over 75.",
            LessonsLearned = "Evaluate triage models per age band before deployment.",
            Mitigations = { "Require per-age-band sensitivity in conformity evidence" },
            Categories = { Category.Health },
        };
        var fromKenya = await fixture.Client("KE").PublishAdvisoryAsync(request, deadline: NodeClient.Deadline);
        var fromFrance = await fixture.Client("FR").PublishAdvisoryAsync(request, deadline: NodeClient.Deadline);
        Assert.StartsWith("KE-ADV-", fromKenya.Id, StringComparison.Ordinal);
        Assert.Equal(["health"], fromKenya.Categories);

        // KE sends advisories to every peer; FR to observers only.
        foreach (var code in new[] { "FR", "BR", "INTL" })
        {
            await Eventually.Find(async () => (await fixture.Client(code).ListAdvisoriesAsync(new ListAdvisoriesRequest { Origin = "KE" }, deadline: NodeClient.Deadline))
                .Advisories.SingleOrDefault(a => a.Id == fromKenya.Id));
        }
        var atObserver = await Eventually.Find(async () => (await fixture.Client("INTL").ListAdvisoriesAsync(new ListAdvisoriesRequest { Origin = "FR" }, deadline: NodeClient.Deadline))
            .Advisories.SingleOrDefault(a => a.Id == fromFrance.Id));
        Assert.Equal("FR", atObserver.Origin);
        Assert.NotNull(atObserver.ReceivedAt);

        await Eventually.True(async () => (await fixture.Client("FR").ListPeersAsync(new ListPeersRequest(), deadline: NodeClient.Deadline)).Peers.All(p => p.OutboxDepth == 0));
        Assert.DoesNotContain((await fixture.Client("KE").ListAdvisoriesAsync(new ListAdvisoriesRequest { Origin = "FR" }, deadline: NodeClient.Deadline)).Advisories, a => a.Id == fromFrance.Id);
        Assert.Contains((await fixture.Client("KE").ListAdvisoriesAsync(new ListAdvisoriesRequest(), deadline: NodeClient.Deadline)).Advisories, a => a.Id == fromKenya.Id);
    }

    [Fact]
    public async Task Advisories_published_as_one_batch_each_reach_every_allowed_peer_once_in_order()
    {
        var batch = new PublishAdvisoriesRequest();
        for (var i = 0; i < 3; i++)
        {
            batch.Advisories.Add(new PublishAdvisoryRequest
            {
                Title = $"Bulletin item {i}",
                Summary = "Carried over from the previous register.",
                Categories = { Category.Finance },
            });
        }

        var published = await fixture.Client("KE").PublishAdvisoriesAsync(batch, deadline: NodeClient.Deadline);

        Assert.Equal(["Bulletin item 0", "Bulletin item 1", "Bulletin item 2"], published.Advisories.Select(a => a.Title));
        Assert.Equal(3, published.Advisories.Select(a => a.Id).Distinct().Count());
        var ids = published.Advisories.Select(a => a.Id).ToHashSet();
        foreach (var code in new[] { "FR", "BR", "INTL" })
        {
            await Eventually.True(async () => (await fixture.Client(code).ListAdvisoriesAsync(new ListAdvisoriesRequest { Origin = "KE" }, deadline: NodeClient.Deadline))
                .Advisories.Count(a => ids.Contains(a.Id)) == 3);
        }
        await Eventually.True(async () => (await fixture.Client("KE").ListPeersAsync(new ListPeersRequest(), deadline: NodeClient.Deadline)).Peers.All(p => p.OutboxDepth == 0));
        var atFrance = await fixture.Client("FR").ListAdvisoriesAsync(new ListAdvisoriesRequest { Origin = "KE" }, deadline: NodeClient.Deadline);
        Assert.Equal(3, atFrance.Advisories.Count(a => ids.Contains(a.Id)));
    }

    [Fact]
    public async Task Peers_lists_every_peer_with_its_key_and_outbox()
    {
        var peers = await fixture.Client("KE").ListPeersAsync(new ListPeersRequest(), deadline: NodeClient.Deadline);
        Assert.Equal(["BR", "FR", "INTL"], peers.Peers.Select(p => p.Code));
        Assert.Equal("observer", peers.Peers.Single(p => p.Code == "INTL").Role);
        Assert.Equal(Federation["FR"].Key.KeyId, peers.Peers.Single(p => p.Code == "FR").KeyId);
    }

    [Fact]
    public async Task Federation_routes_refuse_bad_input_naming_the_field()
    {
        var intl = Federation["INTL"].Client;
        Assert.Equal(["dimensions"], (await intl.GetAsync("/v1/federation/summary?dimensions=colour")).ViolatedFields);
        Assert.Equal(["dimensions"], (await intl.GetAsync("/v1/federation/summary")).ViolatedFields);
        Assert.Equal(["dataset"], (await intl.GetAsync("/v1/federation/summary?dataset=people&dimensions=status")).ViolatedFields);
        Assert.Equal(["deadline_ms"], (await intl.GetAsync("/v1/federation/summary?dimensions=status&deadline_ms=-1")).ViolatedFields);
        Assert.Equal(["product_id"], (await intl.GetAsync("/v1/federation/products/not-a-product")).ViolatedFields);
        Assert.Equal(["direction"], (await intl.GetAsync("/v1/alerts?direction=sideways")).ViolatedFields);
        Assert.Equal(["id"], (await intl.PostAsync("/v1/alerts/nonsense:acknowledge", new System.Text.Json.Nodes.JsonObject())).ViolatedFields);
        var bad = await Federation["KE"].Client.PostAsync("/v1/advisories", new System.Text.Json.Nodes.JsonObject { ["title"] = "" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("title", bad.ViolatedFields);
        Assert.Contains("summary", bad.ViolatedFields);
        Assert.Contains("categories", bad.ViolatedFields);
        var before = (await fixture.Client("KE").ListAdvisoriesAsync(new ListAdvisoriesRequest(), deadline: NodeClient.Deadline)).Advisories.Count;
        var batch = System.Text.Json.Nodes.JsonNode.Parse("""
            { "advisories": [ { "title": "Fine", "summary": "Fine.", "categories": ["CATEGORY_HEALTH"] }, { "title": "" } ] }
            """)!.AsObject();
        var badBatch = await Federation["KE"].Client.PostAsync("/v1/advisories:batchPublish", batch);
        Assert.Equal(HttpStatusCode.BadRequest, badBatch.StatusCode);
        Assert.Equal(["advisories[1].title", "advisories[1].summary", "advisories[1].categories"], badBatch.ViolatedFields);
        Assert.Equal(["advisories"], (await Federation["KE"].Client.PostAsync("/v1/advisories:batchPublish", new System.Text.Json.Nodes.JsonObject())).ViolatedFields);
        // All or none: the valid first item was not published either.
        Assert.Equal(before, (await fixture.Client("KE").ListAdvisoriesAsync(new ListAdvisoriesRequest(), deadline: NodeClient.Deadline)).Advisories.Count);
        await GrpcAssert.FailsWith(StatusCode.NotFound, () => fixture.Client("KE").AcknowledgeAlertAsync(
            new AcknowledgeAlertRequest { Id = "FR-INC-0123456789ABCDEFGHJKMNPQRS" }, deadline: NodeClient.Deadline));
    }

    private static long? Cell(CountryRow row, params string[] values) =>
        row.Cells.SingleOrDefault(c => c.Values.SequenceEqual(values))?.Count;
}
