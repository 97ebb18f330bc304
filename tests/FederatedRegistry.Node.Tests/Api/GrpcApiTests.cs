using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Node.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace FederatedRegistry.Node.Tests.Api;

/// <summary>The national API through a real gRPC client over h2c, against the real host.</summary>
public abstract class GrpcApiTests(INodeFixture node)
{
    private Registry.RegistryClient Api => node.Client.Grpc;

    private static DateTime Deadline => NodeClient.Deadline;

    // ---------- providers ----------

    [Fact]
    public async Task CreateProvider_ThenGet_ReturnsTheProviderUnderTheNodeCode()
    {
        var request = Messages.Provider();

        var created = await Api.CreateProviderAsync(request, deadline: Deadline);
        var read = await Api.GetProviderAsync(new GetProviderRequest { Id = created.Id }, deadline: Deadline);

        Assert.Equal($"KE-PRV-{request.Slug}", created.Id);
        Assert.Equal(created, read);
        Assert.Equal(request.Name, read.Name);
        Assert.Equal(request.ContactEmail, read.ContactEmail);
        Assert.Equal(request.Website, read.Website);
        Assert.NotNull(read.CreatedAt);
    }

    [Fact]
    public async Task CreateProvider_WithATakenSlug_IsAlreadyExists()
    {
        var request = Messages.Provider();
        await Api.CreateProviderAsync(request, deadline: Deadline);

        await GrpcAssert.FailsWith(StatusCode.AlreadyExists, () => Api.CreateProviderAsync(request, deadline: Deadline));
    }

    [Fact]
    public async Task GetProvider_Missing_IsNotFound()
    {
        await GrpcAssert.FailsWith(StatusCode.NotFound,
            () => Api.GetProviderAsync(new GetProviderRequest { Id = "KE-PRV-" + Unique.Slug() }, deadline: Deadline));
    }

    [Fact]
    public async Task GetProvider_WithAMalformedId_IsInvalidArgumentNamingId()
    {
        var e = await GrpcAssert.FailsWith(StatusCode.InvalidArgument,
            () => Api.GetProviderAsync(new GetProviderRequest { Id = "acme" }, deadline: Deadline));

        Assert.Contains("id", e.ViolatedFields());
    }

    // ---------- registrations ----------

    [Fact]
    public async Task RegisterSystem_AsDraft_StoresVersionOneDraftInThisJurisdiction()
    {
        var provider = await NewProviderAsync();
        var request = Messages.Registration(provider.Id, submit: false);

        var created = await Api.RegisterSystemAsync(request, deadline: Deadline);
        var read = await Api.GetSystemAsync(new GetSystemRequest { Id = created.Id }, deadline: Deadline);

        Assert.StartsWith("KE-SYS-", created.Id);
        Assert.Equal(SystemStatus.Draft, created.Status);
        Assert.Equal(1, created.Version);
        Assert.Equal("KE", created.Jurisdiction);
        Assert.Equal(request.ProductId, created.ProductId);
        Assert.Equal(provider.Id, created.ProviderId);
        Assert.Equal(request.Details, created.Details);
        Assert.Equal(created, read);
    }

    [Fact]
    public async Task RegisterSystem_Submitted_IsSubmittedAwaitingReview()
    {
        var provider = await NewProviderAsync();

        var created = await Api.RegisterSystemAsync(Messages.Registration(provider.Id, submit: true), deadline: Deadline);
        var read = await Api.GetSystemAsync(new GetSystemRequest { Id = created.Id }, deadline: Deadline);

        Assert.Equal(SystemStatus.Submitted, created.Status);
        Assert.Equal(RiskTier.Unspecified, created.DecidedRiskTier);
        Assert.Equal(created, read);
    }

    [Fact]
    public async Task RegisterSystem_TheSameProductTwice_IsAlreadyExists()
    {
        var provider = await NewProviderAsync();
        var request = Messages.Registration(provider.Id, submit: false);
        await Api.RegisterSystemAsync(request, deadline: Deadline);

        var e = await GrpcAssert.FailsWith(StatusCode.AlreadyExists, () => Api.RegisterSystemAsync(request, deadline: Deadline));

        Assert.Contains(request.ProductId, e.Status.Detail);
    }

    [Fact]
    public async Task RegisterSystem_ForAnUnknownProvider_IsInvalidArgumentNamingProviderId()
    {
        var request = Messages.Registration("KE-PRV-" + Unique.Slug(), submit: false);

        var e = await GrpcAssert.FailsWith(StatusCode.InvalidArgument, () => Api.RegisterSystemAsync(request, deadline: Deadline));

        Assert.Contains("provider_id", e.ViolatedFields());
    }

    [Fact]
    public async Task GetSystem_Missing_IsNotFound()
    {
        await GrpcAssert.FailsWith(StatusCode.NotFound,
            () => Api.GetSystemAsync(new GetSystemRequest { Id = "KE-SYS-0123456789ABCDEFGHJK" }, deadline: Deadline));
    }

    [Fact]
    public async Task GetSystem_WithAMalformedId_IsInvalidArgumentNamingId()
    {
        var e = await GrpcAssert.FailsWith(StatusCode.InvalidArgument,
            () => Api.GetSystemAsync(new GetSystemRequest { Id = "KE-SYS-nope" }, deadline: Deadline));

        Assert.Contains("id", e.ViolatedFields());
    }

    [Fact]
    public async Task UpdateSystem_WithTheCurrentVersion_ReplacesTheDetailsAndBumpsTheVersion()
    {
        var provider = await NewProviderAsync();
        var created = await Api.RegisterSystemAsync(Messages.Registration(provider.Id, submit: false), deadline: Deadline);
        var details = Messages.Details(name: "TriageAssist Pro", tier: RiskTier.Limited);

        var updated = await Api.UpdateSystemAsync(
            new UpdateSystemRequest { Id = created.Id, ExpectedVersion = 1, Details = details }, deadline: Deadline);

        Assert.Equal(2, updated.Version);
        Assert.Equal("TriageAssist Pro", updated.Details.Name);
        Assert.Equal(RiskTier.Limited, updated.Details.ProposedRiskTier);
        Assert.Equal(SystemStatus.Draft, updated.Status);
        Assert.Equal(updated, await Api.GetSystemAsync(new GetSystemRequest { Id = created.Id }, deadline: Deadline));
    }

    [Fact]
    public async Task UpdateSystem_WithAStaleVersion_IsAbortedAndChangesNothing()
    {
        var provider = await NewProviderAsync();
        var created = await Api.RegisterSystemAsync(Messages.Registration(provider.Id, submit: false), deadline: Deadline);
        await Api.UpdateSystemAsync(new UpdateSystemRequest { Id = created.Id, ExpectedVersion = 1, Details = Messages.Details(name: "Second") }, deadline: Deadline);

        var e = await GrpcAssert.FailsWith(StatusCode.Aborted, () => Api.UpdateSystemAsync(
            new UpdateSystemRequest { Id = created.Id, ExpectedVersion = 1, Details = Messages.Details(name: "Lost update") }, deadline: Deadline));

        Assert.Contains("expected_version", e.ViolatedFields());
        var current = await Api.GetSystemAsync(new GetSystemRequest { Id = created.Id }, deadline: Deadline);
        Assert.Equal(2, current.Version);
        Assert.Equal("Second", current.Details.Name);
    }

    [Fact]
    public async Task UpdateSystem_Missing_IsNotFound()
    {
        await GrpcAssert.FailsWith(StatusCode.NotFound, () => Api.UpdateSystemAsync(
            new UpdateSystemRequest { Id = "KE-SYS-0123456789ABCDEFGHJK", ExpectedVersion = 1, Details = Messages.Details() }, deadline: Deadline));
    }

    [Fact]
    public async Task ListSystemVersions_AfterEachStep_ReturnsEveryVersionOldestFirst()
    {
        var provider = await NewProviderAsync();
        var id = (await Api.RegisterSystemAsync(Messages.Registration(provider.Id, submit: false), deadline: Deadline)).Id;
        await Api.UpdateSystemAsync(new UpdateSystemRequest { Id = id, ExpectedVersion = 1, Details = Messages.Details(name: "Renamed") }, deadline: Deadline);
        await Api.UpdateSystemAsync(new UpdateSystemRequest { Id = id, ExpectedVersion = 2, Details = Messages.Details(name: "Renamed"), Submit = true }, deadline: Deadline);
        await Api.DecideSystemAsync(new DecideSystemRequest { Id = id, Decision = Decision.StartReview }, deadline: Deadline);
        await Api.DecideSystemAsync(new DecideSystemRequest { Id = id, Decision = Decision.Register, DecidedRiskTier = RiskTier.High }, deadline: Deadline);

        var versions = (await Api.ListSystemVersionsAsync(new ListSystemVersionsRequest { Id = id }, deadline: Deadline)).Versions;

        Assert.Equal([1, 2, 3, 4, 5], versions.Select(v => v.Version));
        Assert.Equal(["registered:draft", "updated", "submitted", "decided:start_review", "decided:register"], versions.Select(v => v.Change));
        Assert.Equal(
            [SystemStatus.Draft, SystemStatus.Draft, SystemStatus.Submitted, SystemStatus.UnderReview, SystemStatus.Registered],
            versions.Select(v => v.Snapshot.Status));
        Assert.Equal("TriageAssist", versions[0].Snapshot.Details.Name);
        Assert.Equal("Renamed", versions[1].Snapshot.Details.Name);
        Assert.All(versions, v => Assert.Equal(v.Version, v.Snapshot.Version));
    }

    [Fact]
    public async Task ListSystemVersions_Missing_IsNotFound()
    {
        await GrpcAssert.FailsWith(StatusCode.NotFound, () => Api.ListSystemVersionsAsync(
            new ListSystemVersionsRequest { Id = "KE-SYS-0123456789ABCDEFGHJK" }, deadline: Deadline));
    }

    [Fact]
    public async Task DecideSystem_StartReviewThenRegister_RegistersWithTheDecidedTier()
    {
        var provider = await NewProviderAsync();
        var id = (await Api.RegisterSystemAsync(Messages.Registration(provider.Id, submit: true), deadline: Deadline)).Id;

        var reviewing = await Api.DecideSystemAsync(new DecideSystemRequest { Id = id, Decision = Decision.StartReview }, deadline: Deadline);
        var registered = await Api.DecideSystemAsync(new DecideSystemRequest
        {
            Id = id,
            Decision = Decision.Register,
            DecidedRiskTier = RiskTier.Limited,
            Reason = "Reviewed; limited risk.",
            ExpectedVersion = reviewing.Version,
        }, deadline: Deadline);

        Assert.Equal(SystemStatus.UnderReview, reviewing.Status);
        Assert.Equal(2, reviewing.Version);
        Assert.Equal(SystemStatus.Registered, registered.Status);
        Assert.Equal(RiskTier.Limited, registered.DecidedRiskTier);
        Assert.Equal("Reviewed; limited risk.", registered.DecisionReason);
        Assert.Equal(3, registered.Version);
        Assert.Equal(registered, await Api.GetSystemAsync(new GetSystemRequest { Id = id }, deadline: Deadline));
    }

    [Fact]
    public async Task DecideSystem_RegisterBeforeReview_IsFailedPreconditionNamingTheAllowedDecisions()
    {
        var provider = await NewProviderAsync();
        var id = (await Api.RegisterSystemAsync(Messages.Registration(provider.Id, submit: true), deadline: Deadline)).Id;

        var e = await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, () => Api.DecideSystemAsync(
            new DecideSystemRequest { Id = id, Decision = Decision.Register, DecidedRiskTier = RiskTier.High }, deadline: Deadline));

        Assert.Contains("allowed now: start_review", e.Status.Detail);
        Assert.Equal(1, (await Api.GetSystemAsync(new GetSystemRequest { Id = id }, deadline: Deadline)).Version);
    }

    [Fact]
    public async Task DecideSystem_WithAStaleExpectedVersion_IsAborted()
    {
        var provider = await NewProviderAsync();
        var id = (await Api.RegisterSystemAsync(Messages.Registration(provider.Id, submit: true), deadline: Deadline)).Id;
        await Api.DecideSystemAsync(new DecideSystemRequest { Id = id, Decision = Decision.StartReview }, deadline: Deadline);

        await GrpcAssert.FailsWith(StatusCode.Aborted, () => Api.DecideSystemAsync(
            new DecideSystemRequest { Id = id, Decision = Decision.Reject, Reason = "Insufficient evidence.", ExpectedVersion = 1 }, deadline: Deadline));
    }

    [Fact]
    public async Task ConcurrentWrites_OnOneRecord_ExactlyOneWinsAndTheOthersAreRefused()
    {
        var slug = Unique.Slug();
        var providers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Outcome(Api.CreateProviderAsync(Messages.Provider(slug), deadline: Deadline))));
        var registration = Messages.Registration($"KE-PRV-{slug}", submit: false);
        var registrations = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Outcome(Api.RegisterSystemAsync(registration, deadline: Deadline))));
        var id = (await Api.ListSystemsAsync(new ListSystemsRequest { ProductId = registration.ProductId }, deadline: Deadline)).Systems.Single().Id;
        var updates = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Outcome(Api.UpdateSystemAsync(
            new UpdateSystemRequest { Id = id, ExpectedVersion = 1, Details = Messages.Details(name: $"Writer {i}") }, deadline: Deadline))));

        Assert.Equal(1, providers.Count(c => c == StatusCode.OK));
        Assert.All(providers.Where(c => c != StatusCode.OK), c => Assert.Equal(StatusCode.AlreadyExists, c));
        Assert.Equal(1, registrations.Count(c => c == StatusCode.OK));
        Assert.All(registrations.Where(c => c != StatusCode.OK), c => Assert.Equal(StatusCode.AlreadyExists, c));
        Assert.Equal(1, updates.Count(c => c == StatusCode.OK));
        Assert.All(updates.Where(c => c != StatusCode.OK), c => Assert.Equal(StatusCode.Aborted, c));
        var versions = (await Api.ListSystemVersionsAsync(new ListSystemVersionsRequest { Id = id }, deadline: Deadline)).Versions;
        Assert.Equal([1, 2], versions.Select(v => v.Version));
    }

    private static async Task<StatusCode> Outcome<T>(AsyncUnaryCall<T> call)
    {
        try
        {
            await call;
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    // ---------- listing registrations ----------

    [Fact]
    public async Task ListSystems_ByEachFilter_ReturnsExactlyTheMatchingRegistrations()
    {
        var word = Unique.Word();
        var provider = await NewProviderAsync();
        var other = await NewProviderAsync();
        var draftHealth = await Api.RegisterSystemAsync(Messages.Registration(provider.Id, false,
            details: Messages.Details(name: $"Triage {word}", category: Category.Health, tier: RiskTier.High)), deadline: Deadline);
        var submittedFinance = await Api.RegisterSystemAsync(Messages.Registration(provider.Id, true,
            details: Messages.Details(name: "Credit scorer", category: Category.Finance, tier: RiskTier.Limited)), deadline: Deadline);
        var reviewedEducation = await Api.RegisterSystemAsync(Messages.Registration(provider.Id, true,
            details: Messages.Details(name: "Essay grader", category: Category.Education, tier: RiskTier.Minimal,
                purpose: $"Grades essays; mentions {word.ToUpperInvariant()} in its purpose.")), deadline: Deadline);
        await Api.DecideSystemAsync(new DecideSystemRequest { Id = reviewedEducation.Id, Decision = Decision.StartReview }, deadline: Deadline);
        await Api.DecideSystemAsync(new DecideSystemRequest { Id = reviewedEducation.Id, Decision = Decision.Register, DecidedRiskTier = RiskTier.High }, deadline: Deadline);
        var othersSystem = await Api.RegisterSystemAsync(Messages.Registration(other.Id, true,
            details: Messages.Details(name: $"Other {word}", category: Category.Finance, tier: RiskTier.Limited)), deadline: Deadline);

        async Task<List<string>> Ids(ListSystemsRequest r) => [.. (await Listing.AllSystemsAsync(Api, r)).Select(s => s.Id).Order()];
        static List<string> Expect(params AiSystem[] systems) => [.. systems.Select(s => s.Id).Order()];

        Assert.Equal(Expect(draftHealth, submittedFinance, reviewedEducation), await Ids(new() { ProviderId = provider.Id }));
        Assert.Equal(Expect(draftHealth), await Ids(new() { ProviderId = provider.Id, Status = SystemStatus.Draft }));
        Assert.Equal(Expect(reviewedEducation), await Ids(new() { ProviderId = provider.Id, Status = SystemStatus.Registered }));
        // The decided tier wins over the proposal: the education system was proposed minimal and decided high.
        Assert.Equal(Expect(draftHealth, reviewedEducation), await Ids(new() { ProviderId = provider.Id, RiskTier = RiskTier.High }));
        Assert.Empty(await Ids(new() { ProviderId = provider.Id, RiskTier = RiskTier.Minimal }));
        Assert.Equal(Expect(submittedFinance), await Ids(new() { ProviderId = provider.Id, Category = Category.Finance }));
        Assert.Equal(Expect(submittedFinance), await Ids(new() { ProductId = submittedFinance.ProductId }));
        // Text matches the name or the purpose, ignoring case, across providers.
        Assert.Equal(Expect(draftHealth, reviewedEducation, othersSystem), await Ids(new() { Text = word.ToUpperInvariant() }));
        Assert.Equal(Expect(othersSystem), await Ids(new() { Text = word, ProviderId = other.Id }));
    }

    [Fact]
    public async Task ListSystems_ByASingleFilter_ReturnsOnlyRowsThatMatchIt()
    {
        var provider = await NewProviderAsync();
        var registered = await Api.RegisterSystemAsync(Messages.Registration(provider.Id, true,
            details: Messages.Details(category: Category.LawEnforcement, tier: RiskTier.Unacceptable)), deadline: Deadline);

        var byStatus = await Listing.AllSystemsAsync(Api, new() { Status = SystemStatus.Submitted, PageSize = 500 });
        var byTier = await Listing.AllSystemsAsync(Api, new() { RiskTier = RiskTier.Unacceptable, PageSize = 500 });
        var byCategory = await Listing.AllSystemsAsync(Api, new() { Category = Category.LawEnforcement, PageSize = 500 });

        Assert.All(byStatus, s => Assert.Equal(SystemStatus.Submitted, s.Status));
        Assert.All(byTier, s => Assert.Equal(RiskTier.Unacceptable, s.DecidedRiskTier == RiskTier.Unspecified ? s.ProposedRiskTier : s.DecidedRiskTier));
        Assert.All(byCategory, s => Assert.Equal(Category.LawEnforcement, s.Category));
        Assert.Contains(registered.Id, byStatus.Select(s => s.Id));
        Assert.Contains(registered.Id, byTier.Select(s => s.Id));
        Assert.Contains(registered.Id, byCategory.Select(s => s.Id));
    }

    [Fact]
    public async Task ListSystems_Rows_CarryTheRegistrationsCurrentValues()
    {
        var provider = await NewProviderAsync();
        var created = await Api.RegisterSystemAsync(Messages.Registration(provider.Id, true), deadline: Deadline);
        var current = await Api.DecideSystemAsync(new DecideSystemRequest { Id = created.Id, Decision = Decision.StartReview }, deadline: Deadline);

        var row = Assert.Single((await Api.ListSystemsAsync(new ListSystemsRequest { ProviderId = provider.Id }, deadline: Deadline)).Systems);

        Assert.Equal(current.Id, row.Id);
        Assert.Equal(current.ProductId, row.ProductId);
        Assert.Equal(current.ProviderId, row.ProviderId);
        Assert.Equal(current.Details.Name, row.Name);
        Assert.Equal(current.Details.Version, row.Version);
        Assert.Equal(current.Details.Category, row.Category);
        Assert.Equal(SystemStatus.UnderReview, row.Status);
        Assert.Equal(current.Details.ProposedRiskTier, row.ProposedRiskTier);
        Assert.Equal(current.Version, row.StateVersion);
    }

    [Fact]
    public async Task ListSystems_PageByPage_ReturnsEveryRowOnceAndEndsWithAnEmptyToken()
    {
        var provider = await NewProviderAsync();
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add((await Api.RegisterSystemAsync(Messages.Registration(provider.Id, i % 2 == 0), deadline: Deadline)).Id);
        }

        var pages = new List<ListSystemsResponse>();
        var request = new ListSystemsRequest { ProviderId = provider.Id, PageSize = 3 };
        do
        {
            pages.Add(await Api.ListSystemsAsync(request, deadline: Deadline));
            request.PageToken = pages[^1].NextPageToken;
        }
        while (request.PageToken != "");

        Assert.Equal([3, 3, 1], pages.Select(p => p.Systems.Count));
        var listed = pages.SelectMany(p => p.Systems).Select(s => s.Id).ToList();
        Listing.AssertNoRepeats(listed);
        Assert.Equal(ids.Order(), listed.Order());
        Assert.Equal(listed.Order(StringComparer.Ordinal), listed);
    }

    [Fact]
    public async Task ListSystems_WhileRowsAreAdded_NeverSkipsNorRepeatsARowThatExistedAtTheStart()
    {
        var provider = await NewProviderAsync();
        var before = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            before.Add((await Api.RegisterSystemAsync(Messages.Registration(provider.Id, false), deadline: Deadline)).Id);
        }

        var listed = new List<string>();
        var request = new ListSystemsRequest { ProviderId = provider.Id, PageSize = 2 };
        do
        {
            var page = await Api.ListSystemsAsync(request, deadline: Deadline);
            listed.AddRange(page.Systems.Select(s => s.Id));
            // A registration arrives between every two pages; its id may sort before or after the position read.
            await Api.RegisterSystemAsync(Messages.Registration(provider.Id, false), deadline: Deadline);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken != "");

        Listing.AssertNoRepeats(listed);
        Assert.All(before, id => Assert.Contains(id, listed));
    }

    // ---------- incidents ----------

    [Theory]
    [InlineData("serious", Severity.Serious, false, false, HarmType.HealthAndSafety, 15)]
    [InlineData("death", Severity.Serious, true, false, HarmType.HealthAndSafety, 10)]
    [InlineData("widespread_infringement", Severity.Moderate, false, true, HarmType.FundamentalRights, 2)]
    [InlineData("critical_infrastructure", Severity.Critical, false, false, HarmType.CriticalInfrastructure, 2)]
    public async Task ReportIncident_SetsTheDeadlineOfTheRuleThatApplies(
        string rule, Severity severity, bool death, bool widespread, HarmType harm, int days)
    {
        var aware = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-1).AddHours(9), TimeSpan.Zero);
        var request = Messages.Incident(awareAt: aware);
        request.Details.Severity = severity;
        request.Details.ResultedInDeath = death;
        request.Details.Widespread = widespread;
        request.Details.HarmTypes.Clear();
        request.Details.HarmTypes.Add(harm);

        var incident = await Api.ReportIncidentAsync(request, deadline: Deadline);

        Assert.Equal(rule, incident.DeadlineRule);
        Assert.Equal(Timestamp.FromDateTimeOffset(aware.AddDays(days)), incident.ReportingDeadline);
        Assert.Equal(IncidentStatus.Reported, incident.Status);
        Assert.Equal(1, incident.Version);
        Assert.StartsWith("KE-INC-", incident.Id);
    }

    [Fact]
    public async Task ReportIncident_NotSerious_HasNoDeadlineAndIsNeverOverdue()
    {
        var request = Messages.Incident(awareAt: DateTimeOffset.UtcNow.AddDays(-300));
        request.Details.Severity = Severity.Minor;

        var incident = await Api.ReportIncidentAsync(request, deadline: Deadline);

        Assert.Null(incident.ReportingDeadline);
        Assert.Equal("", incident.DeadlineRule);
        Assert.False(incident.Overdue);
    }

    [Fact]
    public async Task ReportIncident_AwareLongAgo_IsOverdueAndReportedLate()
    {
        var incident = await Api.ReportIncidentAsync(Messages.Incident(awareAt: DateTimeOffset.UtcNow.AddDays(-30)), deadline: Deadline);
        var read = await Api.GetIncidentAsync(new GetIncidentRequest { Id = incident.Id }, deadline: Deadline);

        Assert.True(incident.Overdue);
        Assert.True(incident.ReportedLate);
        Assert.True(read.Overdue);
    }

    [Fact]
    public async Task ReportIncident_AwareRecently_IsNeitherOverdueNorLate()
    {
        var incident = await Api.ReportIncidentAsync(Messages.Incident(awareAt: DateTimeOffset.UtcNow.AddHours(-2)), deadline: Deadline);

        Assert.False(incident.Overdue);
        Assert.False(incident.ReportedLate);
    }

    [Fact]
    public async Task ReportIncident_InSeveralJurisdictions_IsCrossBorder_AndInOneIsNot()
    {
        var several = Messages.Incident();
        var one = Messages.Incident();
        one.Details.AffectedJurisdictions.Clear();
        one.Details.AffectedJurisdictions.Add("KE");

        var crossBorder = await Api.ReportIncidentAsync(several, deadline: Deadline);
        var local = await Api.ReportIncidentAsync(one, deadline: Deadline);

        Assert.True(crossBorder.CrossBorder);
        Assert.False(local.CrossBorder);
    }

    [Fact]
    public async Task ReportIncident_ForARegistrationOnThisNode_LinksIt_ThenGetReturnsTheSameIncident()
    {
        var provider = await NewProviderAsync();
        var system = await Api.RegisterSystemAsync(Messages.Registration(provider.Id, true), deadline: Deadline);

        var incident = await Api.ReportIncidentAsync(Messages.Incident(systemId: system.Id), deadline: Deadline);
        var read = await Api.GetIncidentAsync(new GetIncidentRequest { Id = incident.Id }, deadline: Deadline);

        Assert.Equal(system.Id, incident.Details.SystemId);
        Assert.Equal(incident, read);
        Assert.NotNull(read.Details.ReportedAt);
        Assert.Single(read.History);
    }

    [Fact]
    public async Task ReportIncident_ForARegistrationThatDoesNotExist_IsInvalidArgumentNamingSystemId()
    {
        var e = await GrpcAssert.FailsWith(StatusCode.InvalidArgument, () => Api.ReportIncidentAsync(
            Messages.Incident(systemId: "KE-SYS-0123456789ABCDEFGHJK"), deadline: Deadline));

        Assert.Contains("details.system_id", e.ViolatedFields());
    }

    [Fact]
    public async Task ReportIncident_WithATimestampOutOfRange_IsInvalidArgumentNamingTheField()
    {
        var request = Messages.Incident();
        request.Details.OccurredAt = new Timestamp { Seconds = long.MaxValue };
        request.Details.ReportedAt = new Timestamp { Seconds = 0, Nanos = -1 };

        var e = await GrpcAssert.FailsWith(StatusCode.InvalidArgument, () => Api.ReportIncidentAsync(request, deadline: Deadline));

        Assert.Contains("details.occurred_at", e.ViolatedFields());
        Assert.Contains("details.reported_at", e.ViolatedFields());
    }

    [Fact]
    public async Task GetIncident_Missing_IsNotFound_AndMalformedIsInvalidArgumentNamingId()
    {
        await GrpcAssert.FailsWith(StatusCode.NotFound, () => Api.GetIncidentAsync(
            new GetIncidentRequest { Id = "KE-INC-01JD3Q4W5X6Y7Z8A9B0C1D2E3F" }, deadline: Deadline));
        var e = await GrpcAssert.FailsWith(StatusCode.InvalidArgument, () => Api.GetIncidentAsync(
            new GetIncidentRequest { Id = "INC-1" }, deadline: Deadline));

        Assert.Contains("id", e.ViolatedFields());
    }

    [Fact]
    public async Task TransitionIncident_OneStepAtATime_RecordsEachStepInTheHistory()
    {
        var id = (await Api.ReportIncidentAsync(Messages.Incident(), deadline: Deadline)).Id;

        var triaged = await Api.TransitionIncidentAsync(new TransitionIncidentRequest { Id = id, To = IncidentStatus.Triaged, Note = "Confirmed." }, deadline: Deadline);
        var investigating = await Api.TransitionIncidentAsync(new TransitionIncidentRequest { Id = id, To = IncidentStatus.Investigating, ExpectedVersion = 2 }, deadline: Deadline);

        Assert.Equal(IncidentStatus.Triaged, triaged.Status);
        Assert.Equal(2, triaged.Version);
        Assert.Equal(IncidentStatus.Investigating, investigating.Status);
        Assert.Equal(3, investigating.Version);
        Assert.Equal([IncidentStatus.Reported, IncidentStatus.Triaged, IncidentStatus.Investigating], investigating.History.Select(h => h.Status));
        Assert.Equal("Confirmed.", investigating.History[1].Note);
        Assert.Equal(investigating, await Api.GetIncidentAsync(new GetIncidentRequest { Id = id }, deadline: Deadline));
    }

    [Fact]
    public async Task TransitionIncident_SkippingSteps_IsFailedPreconditionNamingTheAllowedSteps()
    {
        var id = (await Api.ReportIncidentAsync(Messages.Incident(), deadline: Deadline)).Id;

        var e = await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, () => Api.TransitionIncidentAsync(
            new TransitionIncidentRequest { Id = id, To = IncidentStatus.Mitigated }, deadline: Deadline));

        Assert.Contains("allowed now: triaged, closed", e.Status.Detail);
        Assert.Equal(1, (await Api.GetIncidentAsync(new GetIncidentRequest { Id = id }, deadline: Deadline)).Version);
    }

    [Fact]
    public async Task TransitionIncident_WithAStaleExpectedVersion_IsAborted_AndMissingIsNotFound()
    {
        var id = (await Api.ReportIncidentAsync(Messages.Incident(), deadline: Deadline)).Id;
        await Api.TransitionIncidentAsync(new TransitionIncidentRequest { Id = id, To = IncidentStatus.Triaged }, deadline: Deadline);

        await GrpcAssert.FailsWith(StatusCode.Aborted, () => Api.TransitionIncidentAsync(
            new TransitionIncidentRequest { Id = id, To = IncidentStatus.Investigating, ExpectedVersion = 1 }, deadline: Deadline));
        await GrpcAssert.FailsWith(StatusCode.NotFound, () => Api.TransitionIncidentAsync(
            new TransitionIncidentRequest { Id = "KE-INC-01JD3Q4W5X6Y7Z8A9B0C1D2E3F", To = IncidentStatus.Triaged }, deadline: Deadline));
    }

    // ---------- listing incidents ----------

    [Fact]
    public async Task ListIncidents_Overdue_ListsOpenIncidentsPastTheirDeadlineOnly()
    {
        var product = Unique.ProductId();
        var old = await Api.ReportIncidentAsync(Messages.Incident(product, awareAt: DateTimeOffset.UtcNow.AddDays(-40)), deadline: Deadline);
        await Api.ReportIncidentAsync(Messages.Incident(product, awareAt: DateTimeOffset.UtcNow.AddHours(-1)), deadline: Deadline);

        var overdue = await Listing.AllIncidentsAsync(Api, new() { ProductId = product, Overdue = true });
        var allOverdue = await Listing.AllIncidentsAsync(Api, new() { Overdue = true, PageSize = 500 });
        await Api.TransitionIncidentAsync(new TransitionIncidentRequest { Id = old.Id, To = IncidentStatus.Closed, Note = "Duplicate." }, deadline: Deadline);
        var afterClosing = await Listing.AllIncidentsAsync(Api, new() { ProductId = product, Overdue = true });

        var row = Assert.Single(overdue);
        Assert.Equal(old.Id, row.Id);
        Assert.True(row.Overdue);
        Assert.Contains(old.Id, allOverdue.Select(i => i.Id));
        Assert.All(allOverdue, i => Assert.True(i.Overdue, $"{i.Id} is listed as overdue but says it is not"));
        Assert.Empty(afterClosing);
    }

    [Fact]
    public async Task ListIncidents_ByEachFilter_ReturnsExactlyTheMatchingIncidents()
    {
        var product = Unique.ProductId();
        var provider = await NewProviderAsync();
        var system = await Api.RegisterSystemAsync(Messages.Registration(provider.Id, true), deadline: Deadline);

        var serious = Messages.Incident(product);
        var minor = Messages.Incident(product);
        minor.Details.Severity = Severity.Minor;
        minor.Details.HarmTypes.Clear();
        minor.Details.HarmTypes.Add(HarmType.Economic);
        var critical = Messages.Incident(product);
        critical.Details.Severity = Severity.Critical;
        critical.Details.HarmTypes.Clear();
        critical.Details.HarmTypes.Add(HarmType.PrivacyAndData);
        var a = await Api.ReportIncidentAsync(serious, deadline: Deadline);
        var b = await Api.ReportIncidentAsync(minor, deadline: Deadline);
        var c = await Api.ReportIncidentAsync(critical, deadline: Deadline);
        var d = await Api.ReportIncidentAsync(Messages.Incident(systemId: system.Id), deadline: Deadline);
        await Api.TransitionIncidentAsync(new TransitionIncidentRequest { Id = a.Id, To = IncidentStatus.Triaged }, deadline: Deadline);

        async Task<List<string>> Ids(ListIncidentsRequest r) => [.. (await Listing.AllIncidentsAsync(Api, r)).Select(i => i.Id).Order()];
        static List<string> Expect(params Incident[] incidents) => [.. incidents.Select(i => i.Id).Order()];

        Assert.Equal(Expect(a, b, c), await Ids(new() { ProductId = product }));
        Assert.Equal(Expect(a), await Ids(new() { ProductId = product, Status = IncidentStatus.Triaged }));
        Assert.Equal(Expect(b, c), await Ids(new() { ProductId = product, Status = IncidentStatus.Reported }));
        Assert.Equal(Expect(b), await Ids(new() { ProductId = product, Severity = Severity.Minor }));
        Assert.Equal(Expect(b), await Ids(new() { ProductId = product, HarmType = HarmType.Economic }));
        Assert.Equal(Expect(a), await Ids(new() { ProductId = product, HarmType = HarmType.DiscriminationAndBias }));
        Assert.Equal(Expect(d), await Ids(new() { SystemId = system.Id }));
        Assert.All(await Listing.AllIncidentsAsync(Api, new() { Severity = Severity.Critical, PageSize = 500 }),
            i => Assert.Equal(Severity.Critical, i.Severity));
    }

    [Fact]
    public async Task ListIncidents_PageByPage_ReturnsEveryIncidentOnce()
    {
        var product = Unique.ProductId();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await Api.ReportIncidentAsync(Messages.Incident(product), deadline: Deadline)).Id);
        }

        var first = await Api.ListIncidentsAsync(new ListIncidentsRequest { ProductId = product, PageSize = 2 }, deadline: Deadline);
        var all = await Listing.AllIncidentsAsync(Api, new() { ProductId = product, PageSize = 2 });

        Assert.Equal(2, first.Incidents.Count);
        Assert.NotEqual("", first.NextPageToken);
        Assert.Equal(ids.Order(), all.Select(i => i.Id).Order());
        // Incident ids are time-ordered, so the listing (ordered by id) is the order of arrival.
        Assert.Equal(ids, all.Select(i => i.Id));
    }

    // ---------- summary and node ----------

    [Fact]
    public async Task GetSummary_MovesItsCountsAsRegistrationsAndIncidentsChange()
    {
        var provider = await NewProviderAsync();
        var s0 = await Api.GetSummaryAsync(new GetSummaryRequest(), deadline: Deadline);

        var system = await Api.RegisterSystemAsync(Messages.Registration(provider.Id, true,
            details: Messages.Details(category: Category.MigrationAndBorder, tier: RiskTier.High)), deadline: Deadline);
        var s1 = await Api.GetSummaryAsync(new GetSummaryRequest(), deadline: Deadline);
        await Api.DecideSystemAsync(new DecideSystemRequest { Id = system.Id, Decision = Decision.StartReview }, deadline: Deadline);
        await Api.DecideSystemAsync(new DecideSystemRequest { Id = system.Id, Decision = Decision.Register, DecidedRiskTier = RiskTier.Limited }, deadline: Deadline);
        var s2 = await Api.GetSummaryAsync(new GetSummaryRequest(), deadline: Deadline);
        var incident = Messages.Incident(systemId: system.Id);
        incident.Details.Severity = Severity.Moderate;
        incident.Details.HarmTypes.Clear();
        incident.Details.HarmTypes.Add(HarmType.Environment);
        var reported = await Api.ReportIncidentAsync(incident, deadline: Deadline);
        var s3 = await Api.GetSummaryAsync(new GetSummaryRequest(), deadline: Deadline);
        await Api.TransitionIncidentAsync(new TransitionIncidentRequest { Id = reported.Id, To = IncidentStatus.Triaged }, deadline: Deadline);
        var s4 = await Api.GetSummaryAsync(new GetSummaryRequest(), deadline: Deadline);

        Assert.Equal("KE", s4.NodeCode);
        Assert.Equal(1, s1.TotalSystems - s0.TotalSystems);
        Assert.Equal(1, Delta(s0, s1, "systems", "status", "submitted"));
        Assert.Equal(1, Delta(s0, s1, "systems", "risk_tier", "high"));
        Assert.Equal(1, Delta(s0, s1, "systems", "category", "migration_and_border"));

        Assert.Equal(0, s2.TotalSystems - s1.TotalSystems);
        Assert.Equal(-1, Delta(s1, s2, "systems", "status", "submitted"));
        Assert.Equal(1, Delta(s1, s2, "systems", "status", "registered"));
        Assert.Equal(0, Delta(s1, s2, "systems", "status", "under_review"));
        Assert.Equal(-1, Delta(s1, s2, "systems", "risk_tier", "high"));
        Assert.Equal(1, Delta(s1, s2, "systems", "risk_tier", "limited"));

        var month = incident.Details.OccurredAt.ToDateTime().ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(1, s3.TotalIncidents - s2.TotalIncidents);
        Assert.Equal(1, Delta(s2, s3, "incidents", "status", "reported"));
        Assert.Equal(1, Delta(s2, s3, "incidents", "severity", "moderate"));
        Assert.Equal(1, Delta(s2, s3, "incidents", "harm_type", "environment"));
        Assert.Equal(1, Delta(s2, s3, "incidents", "month", month));

        Assert.Equal(0, s4.TotalIncidents - s3.TotalIncidents);
        Assert.Equal(-1, Delta(s3, s4, "incidents", "status", "reported"));
        Assert.Equal(1, Delta(s3, s4, "incidents", "status", "triaged"));
        Assert.True(s4.AsOf.ToDateTimeOffset() >= s0.AsOf.ToDateTimeOffset());
    }

    [Fact]
    public async Task GetSummary_StatusCellsAddUpToTheTotals()
    {
        var summary = await Api.GetSummaryAsync(new GetSummaryRequest(), deadline: Deadline);

        Assert.Equal(summary.TotalSystems, summary.Cells.Where(c => c.Dataset == "systems" && c.Dimension == "status").Sum(c => c.Count));
        Assert.Equal(summary.TotalIncidents, summary.Cells.Where(c => c.Dataset == "incidents" && c.Dimension == "status").Sum(c => c.Count));
        Assert.All(summary.Cells, c => Assert.True(c.Count > 0));
    }

    [Fact]
    public async Task GetNodeInfo_NamesTheJurisdictionRoleAndStorage()
    {
        var info = await Api.GetNodeInfoAsync(new GetNodeInfoRequest(), deadline: Deadline);

        Assert.Equal(node.Settings.Code, info.Code);
        Assert.Equal(node.Settings.Values["Node:Name"], info.Name);
        Assert.Equal("national", info.Role);
        Assert.Equal(node.Settings.Values["Storage:Provider"], info.StorageProvider);
        Assert.Matches(@"^\d+\.\d+\.\d+", info.Version);
    }

    [Fact]
    public async Task GrpcHealthService_ReportsTheNodeServing()
    {
        var health = new Grpc.Health.V1.Health.HealthClient(node.Client.Channel);

        var overall = await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest(), deadline: Deadline);
        var registry = await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest { Service = "fedreg.v1.Registry" }, deadline: Deadline);

        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, overall.Status);
        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, registry.Status);
    }

    private async Task<Provider> NewProviderAsync() => await Api.CreateProviderAsync(Messages.Provider(), deadline: Deadline);

    internal static long Delta(Summary before, Summary after, string dataset, string dimension, string value) =>
        Count(after, dataset, dimension, value) - Count(before, dataset, dimension, value);

    private static long Count(Summary s, string dataset, string dimension, string value) =>
        s.Cells.Where(c => c.Dataset == dataset && c.Dimension == dimension && c.Value == value).Sum(c => c.Count);
}

[Collection(EmbeddedNodeCollection.Name)]
public sealed class GrpcApiOnEmbeddedStorageTests(EmbeddedNodeFixture node) : GrpcApiTests(node);

[Collection(PostgresNodeCollection.Name)]
public sealed class GrpcApiOnPostgresTests(PostgresNodeFixture node) : GrpcApiTests(node);
