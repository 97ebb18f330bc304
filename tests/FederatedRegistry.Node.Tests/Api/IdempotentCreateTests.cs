using System.Net;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Node.Tests.FieldRules;
using FederatedRegistry.Node.Tests.Support;
using Grpc.Core;

namespace FederatedRegistry.Node.Tests.Api;

/// <summary>
/// A client whose answer was lost retries: nothing is created twice. An incident report with a request_id lands on
/// the incident the first attempt created; providers and registrations have natural keys and answer ALREADY_EXISTS
/// naming the record.
/// </summary>
public abstract class IdempotentCreateTests(INodeFixture node)
{
    private NodeClient Client => node.Client;

    private Registry.RegistryClient Api => node.Client.Grpc;

    private static DateTime Deadline => NodeClient.Deadline;

    private static ReportIncidentRequest Keyed(string? productId = null)
    {
        var request = Messages.Incident(productId);
        request.RequestId = Guid.NewGuid().ToString();
        return request;
    }

    [Fact]
    public async Task ReportIncident_RetriedWithTheSameRequestId_AnswersTheIncidentTheFirstAttemptCreated()
    {
        var request = Keyed();

        var first = await Api.ReportIncidentAsync(request, deadline: Deadline);
        var retry = await Api.ReportIncidentAsync(request, deadline: Deadline);

        Assert.Equal(first.Id, retry.Id);
        Assert.Equal(first.Details, retry.Details);
        Assert.Equal(first.Version, retry.Version);
        var listed = await Listing.AllIncidentsAsync(Api, new ListIncidentsRequest { ProductId = request.Details.ProductId });
        Assert.Equal([first.Id], listed.Select(i => i.Id));
    }

    [Fact]
    public async Task ReportIncident_ManyRetriesAtOnce_CreateOneIncident()
    {
        var request = Keyed();

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Api.ReportIncidentAsync(request, deadline: Deadline).ResponseAsync));

        Assert.Single(answers.Select(a => a.Id).Distinct());
        Assert.Single(await Listing.AllIncidentsAsync(Api, new ListIncidentsRequest { ProductId = request.Details.ProductId }));
    }

    [Fact]
    public async Task ReportIncident_TheSameRequestIdWithOtherDetails_IsAlreadyExistsNamingRequestId()
    {
        var request = Keyed();
        var first = await Api.ReportIncidentAsync(request, deadline: Deadline);
        var other = request.Clone();
        other.Details.Title = "Another incident entirely";

        var e = await GrpcAssert.FailsWith(StatusCode.AlreadyExists, () => Api.ReportIncidentAsync(other, deadline: Deadline));

        Assert.Equal(["request_id"], e.ViolatedFields());
        Assert.Contains(first.Id, e.Status.Detail);
    }

    [Fact]
    public async Task ReportIncident_OverHttpRetried_Answers200WithTheSameIncidentAndThen409ForOtherDetails()
    {
        var body = Messages.ToJson(Keyed());

        var first = await Client.PostAsync("/v1/incidents", body);
        var retry = await Client.PostAsync("/v1/incidents", body);
        var changed = await Client.PostAsync("/v1/incidents", body.Set("details.title", "Something else"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal((string?)first.Object["id"], (string?)retry.Object["id"]);
        Assert.Equal(HttpStatusCode.Conflict, changed.StatusCode);
        Assert.Equal(["request_id"], changed.ViolatedFields);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("has spaces in it")]
    [InlineData("ключ-идемпотентности")]
    public async Task ReportIncident_WithARequestIdOfTheWrongShape_IsInvalidArgumentNamingRequestId(string key)
    {
        var request = Messages.Incident();
        request.RequestId = key;

        var e = await GrpcAssert.FailsWith(StatusCode.InvalidArgument, () => Api.ReportIncidentAsync(request, deadline: Deadline));

        Assert.Equal(["request_id"], e.ViolatedFields());
    }

    [Fact]
    public async Task ReportIncident_TheSameRequestIdFromTwoOrganisations_ReportsTwoIncidents()
    {
        var request = Keyed();
        using var acme = Client.As(TestTokens.Provider("KE-PRV-" + Unique.Slug()));
        using var other = Client.As(TestTokens.Provider("KE-PRV-" + Unique.Slug()));

        var a = await acme.Grpc.ReportIncidentAsync(request, deadline: Deadline);
        var b = await other.Grpc.ReportIncidentAsync(request, deadline: Deadline);

        Assert.NotEqual(a.Id, b.Id);
    }

    [Fact]
    public async Task ReportIncident_WithoutARequestId_ReportsANewIncidentEachTime()
    {
        var request = Messages.Incident();

        var first = await Api.ReportIncidentAsync(request, deadline: Deadline);
        var second = await Api.ReportIncidentAsync(request, deadline: Deadline);

        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public async Task CreateProviderAndRegisterSystem_Retried_AnswerAlreadyExistsNamingTheRecordTheFirstAttemptCreated()
    {
        var provider = Messages.Provider();
        var created = await Api.CreateProviderAsync(provider, deadline: Deadline);
        var registration = Messages.Registration(created.Id, submit: true);
        var system = await Api.RegisterSystemAsync(registration, deadline: Deadline);

        var providerRetry = await GrpcAssert.FailsWith(StatusCode.AlreadyExists, () => Api.CreateProviderAsync(provider, deadline: Deadline));
        var systemRetry = await GrpcAssert.FailsWith(StatusCode.AlreadyExists, () => Api.RegisterSystemAsync(registration, deadline: Deadline));

        Assert.Contains(created.Id, providerRetry.Status.Detail);
        Assert.Contains(system.Id, systemRetry.Status.Detail);
        Assert.Equal(system, await Api.GetSystemAsync(new GetSystemRequest { Id = system.Id }, deadline: Deadline));
        Assert.Single(await Listing.AllSystemsAsync(Api, new ListSystemsRequest { ProductId = registration.ProductId }));
    }
}

[Collection(EmbeddedNodeCollection.Name)]
public sealed class IdempotentCreateOnEmbeddedStorageTests(EmbeddedNodeFixture node) : IdempotentCreateTests(node);

[Collection(PostgresNodeCollection.Name)]
public sealed class IdempotentCreateOnPostgresTests(PostgresNodeFixture node) : IdempotentCreateTests(node);
