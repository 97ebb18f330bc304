using System.Net;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Node.Tests.Support;

namespace FederatedRegistry.Node.Tests.Federation;

/// <summary>
/// KE shares registrations by status and incidents by triage time with observers (k = 1) and sends them advisories; FR
/// shares registrations by status only (k = 2), no triage times and no advisories. INTL observes both.
/// </summary>
public sealed class MaturityFederation : IAsyncLifetime
{
    private const string Kenya = """
        {
          "version": 1, "node_code": "KE",
          "grants": [
            { "audience": "observers", "datasets": {
                "systems": { "summary": { "dimensions": ["status"], "min_count": 1 } },
                "incidents": { "summary": { "dimensions": ["triage_time", "severity"], "min_count": 1 } },
                "advisories": { "send": true } } }
          ]
        }
        """;

    private const string France = """
        {
          "version": 1, "node_code": "FR",
          "grants": [
            { "audience": "observers", "datasets": {
                "systems": { "summary": { "dimensions": ["status"], "min_count": 2 } },
                "incidents": { "summary": { "dimensions": ["severity"], "min_count": 2 } } } }
          ]
        }
        """;

    public TestFederation Federation { get; private set; } = null!;

    public string KenyaAdvisory { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Federation = await TestFederation.StartAsync(
        [
            ("KE", "national", Kenya),
            ("FR", "national", France),
            ("INTL", "observer", TestPolicies.Observer),
        ]);
        // KE: one registration decided, two awaiting a decision; one incident triaged at once, one not yet.
        var ke = Client("KE");
        var kenyaProvider = await ke.CreateProviderAsync(Messages.Provider(), deadline: NodeClient.Deadline);
        await RegisterAsync("KE", kenyaProvider.Id, registered: 1, submitted: 2);
        var triaged = await ke.ReportIncidentAsync(Messages.Incident(), deadline: NodeClient.Deadline);
        await ke.TransitionIncidentAsync(new TransitionIncidentRequest { Id = triaged.Id, To = IncidentStatus.Triaged }, deadline: NodeClient.Deadline);
        await ke.ReportIncidentAsync(Messages.Incident(), deadline: NodeClient.Deadline);
        KenyaAdvisory = (await ke.PublishAdvisoryAsync(new PublishAdvisoryRequest
        {
            Title = "Triage models under-prioritise older patients",
            Summary = "Three incidents in six months share one cause: training data with few patients over 75.",
            LessonsLearned = "Evaluate triage models per age band before deployment.",
            Mitigations = { "Require per-age-band sensitivity in conformity evidence" },
            Categories = { Category.Health },
        }, deadline: NodeClient.Deadline)).Id;
        // FR: three registered, one submitted (below FR's k of 2, so withheld); an incident it does not share by triage time.
        var franceProvider = await Client("FR").CreateProviderAsync(Messages.Provider(), deadline: NodeClient.Deadline);
        await RegisterAsync("FR", franceProvider.Id, registered: 3, submitted: 1);
        await Client("FR").ReportIncidentAsync(Messages.Incident(), deadline: NodeClient.Deadline);
        await Eventually.Find(async () => (await Client("INTL").ListAdvisoriesAsync(new ListAdvisoriesRequest { Origin = "KE" }, deadline: NodeClient.Deadline))
            .Advisories.SingleOrDefault(a => a.Id == KenyaAdvisory), "KE's advisory reaches INTL");
    }

    public Registry.RegistryClient Client(string code) => Federation[code].Client.Grpc;

    public async Task DisposeAsync() => await Federation.DisposeAsync();

    private async Task RegisterAsync(string code, string providerId, int registered, int submitted)
    {
        var client = Client(code);
        for (var i = 0; i < registered + submitted; i++)
        {
            var system = await client.RegisterSystemAsync(Messages.Registration(providerId, submit: true), deadline: NodeClient.Deadline);
            if (i < registered)
            {
                await client.DecideSystemAsync(new DecideSystemRequest { Id = system.Id, Decision = Decision.StartReview }, deadline: NodeClient.Deadline);
                await client.DecideSystemAsync(new DecideSystemRequest { Id = system.Id, Decision = Decision.Register, DecidedRiskTier = RiskTier.High },
                    deadline: NodeClient.Deadline);
            }
        }
    }
}

public sealed class MaturityTests(MaturityFederation fixture) : IClassFixture<MaturityFederation>
{
    private TestFederation Federation => fixture.Federation;

    [Fact]
    public async Task Maturity_GivesEachNationalPeer_ItsSharedFiguresAndHints_AndNamesWhatItsPolicyDoesNotShare()
    {
        using var observer = Federation["INTL"].Client.As(TestTokens.Observer());

        var maturity = await observer.Grpc.GetFederationMaturityAsync(new GetFederationMaturityRequest(), deadline: NodeClient.Deadline);

        Assert.Equal(["FR", "KE"], maturity.Countries.Select(c => c.Node));
        Assert.False(maturity.Partial);
        Assert.Equal(0.60, maturity.Thresholds.MinDecidedShare);
        Assert.Equal(0.75, maturity.Thresholds.MinTriagedWithinWeekShare);
        Assert.Equal(["within_1_day", "within_7_days", "within_30_days", "over_30_days", "not_triaged", "unspecified"], maturity.TriageTimes);

        var kenya = maturity.Countries.Single(c => c.Node == "KE");
        Assert.Equal(("shared", 1, 1), (kenya.Registrations.Availability, kenya.Registrations.MinCount, kenya.Registrations.PolicyVersion));
        Assert.Equal(Federation["KE"].Key.KeyId, kenya.Registrations.KeyId);
        Assert.Equal([("registered", 1L), ("submitted", 2L)], kenya.Registrations.Cells.Select(c => (c.Values.Single(), c.Count)));
        Assert.All(kenya.Registrations.Cells, c => Assert.Equal(("KE", 1), (c.Node, c.PolicyVersion)));
        Assert.Equal((1L, 2L, 1.0 / 3), (kenya.Decided, kenya.AwaitingDecision, kenya.DecidedShare));
        Assert.Equal("shared", kenya.Triage.Availability);
        Assert.Equal([("not_triaged", 1L), ("within_1_day", 1L)], kenya.Triage.Cells.Select(c => (c.Values.Single(), c.Count)));
        Assert.Equal((1L, 2L, 0.5), (kenya.TriagedWithinWeek, kenya.IncidentsShown, kenya.TriagedWithinWeekShare));
        Assert.Equal(1, kenya.AdvisoriesReceived);
        Assert.Equal(["registrations", "triage"], kenya.NeedsHelpWith.Select(h => h.Area));
        Assert.Equal("Triaging incidents: 50% of the 2 incidents shown were triaged within 7 days (threshold 75%).", kenya.NeedsHelpWith[1].Text);

        var france = maturity.Countries.Single(c => c.Node == "FR");
        // One submitted registration is below FR's k of 2: withheld, so the share is over the cells shown.
        Assert.Equal(("shared", 2), (france.Registrations.Availability, france.Registrations.MinCount));
        Assert.Equal([("registered", 3L)], france.Registrations.Cells.Select(c => (c.Values.Single(), c.Count)));
        Assert.Equal((3L, 0L, 1.0), (france.Decided, france.AwaitingDecision, france.DecidedShare));
        Assert.Equal(("not_shared", "denied"), (france.Triage.Availability, france.Triage.Reason));
        Assert.Contains("triage_time", france.Triage.Detail, StringComparison.Ordinal);
        Assert.Empty(france.Triage.Cells);
        Assert.False(france.HasTriagedWithinWeekShare);
        Assert.Equal(0, france.AdvisoriesReceived);
        Assert.Equal(["advisories"], france.NeedsHelpWith.Select(h => h.Area));
    }

    [Fact]
    public async Task FederationSummary_ByTriageTime_FollowsEachPolicy()
    {
        using var observer = Federation["INTL"].Client.As(TestTokens.Observer());

        var summary = await observer.Grpc.GetFederationSummaryAsync(
            new GetFederationSummaryRequest { Dataset = "incidents", Dimensions = "triage_time" }, deadline: NodeClient.Deadline);

        var kenya = Assert.Single(summary.Rows);
        Assert.Equal("KE", kenya.Node);
        Assert.Equal([("not_triaged", 1L), ("within_1_day", 1L)], kenya.Cells.Select(c => (c.Values.Single(), c.Count)));
        Assert.Equal(("FR", "denied"), summary.Unanswered.Select(u => (u.Node, u.Reason)).Single());

        // Crossed with a dimension FR shares, still refused: one grant must list every dimension asked for.
        var crossed = await observer.Grpc.GetFederationSummaryAsync(
            new GetFederationSummaryRequest { Dataset = "incidents", Dimensions = "severity,triage_time" }, deadline: NodeClient.Deadline);
        Assert.Equal([("serious", "not_triaged", 1L), ("serious", "within_1_day", 1L)],
            crossed.Rows.Single().Cells.Select(c => (c.Values[0], c.Values[1], c.Count)));
        Assert.Equal(("FR", "denied"), crossed.Unanswered.Select(u => (u.Node, u.Reason)).Single());
    }

    [Fact]
    public async Task Maturity_OverHttp_IsForObserversAndAuthorities_AndChecksTheDeadline()
    {
        using var observer = Federation["INTL"].Client.As(TestTokens.Observer());
        using var anonymous = Federation["INTL"].Client.As("");

        var answer = await observer.GetAsync("/v1/federation/maturity");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var kenya = answer.Object["countries"]!.AsArray().Single(c => (string?)c!["node"] == "KE")!;
        Assert.Equal(1.0 / 3, (double)kenya["decidedShare"]!);
        Assert.Equal("not_shared", (string?)answer.Object["countries"]!.AsArray().Single(c => (string?)c!["node"] == "FR")!["triage"]!["availability"]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1/federation/maturity")).StatusCode);
        Assert.Equal(["deadline_ms"], (await observer.GetAsync("/v1/federation/maturity?deadline_ms=-1")).ViolatedFields);
    }
}
