using System.Net;
using System.Text.Json.Nodes;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Node.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace FederatedRegistry.Node.Tests.FieldRules;

/// <summary>Input no client should send: every one answers 4xx with a stated code, never 5xx, on both stores.</summary>
public abstract class MalformedInputTests(INodeFixture node)
{
    private NodeClient Client => node.Client;

    [Theory]
    [InlineData("/v1/providers", """{"slug": "acme", "name": """)]
    [InlineData("/v1/providers", """{"slug": "acme",}""")]
    [InlineData("/v1/systems", """not json at all""")]
    [InlineData("/v1/incidents", """[{"details": {}}]""")]
    [InlineData("/v1/incidents", "")]
    public async Task MalformedJson_Answers400(string path, string body)
    {
        var response = await Client.SendRawAsync(HttpMethod.Post, path, body);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, response.ToString());
        Assert.Equal(3, (int)response.Object["code"]!);
    }

    [Theory]
    [InlineData("/v1/providers", """{"slug": 5}""")]
    [InlineData("/v1/providers", """{"slug": {"nested": true}}""")]
    [InlineData("/v1/systems", """{"submit": "yes"}""")]
    [InlineData("/v1/systems", """{"details": {"markets": "KE"}}""")]
    [InlineData("/v1/systems", """{"details": "TriageAssist"}""")]
    [InlineData("/v1/incidents", """{"details": {"harmTypes": {"a": 1}}}""")]
    [InlineData("/v1/incidents", """{"details": {"resultedInDeath": "no"}}""")]
    public async Task WrongJsonType_Answers400(string path, string body)
    {
        var response = await Client.SendRawAsync(HttpMethod.Post, path, body);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, response.ToString());
    }

    [Theory]
    [InlineData("""{"expectedVersion": 99999999999}""")]
    [InlineData("""{"expectedVersion": 1.5}""")]
    [InlineData("""{"expectedVersion": "one"}""")]
    public async Task IntegerOutOfRangeOrNotAnInteger_Answers400(string body)
    {
        var response = await Client.SendRawAsync(HttpMethod.Put, $"/v1/systems/{FieldRuleCases.SomeSystemId}", body);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, response.ToString());
    }

    [Theory]
    [InlineData("/v1/systems", "details.category", "CATEGORY_WEATHER")]
    [InlineData("/v1/systems", "details.proposedRiskTier", "RISK_TIER_EXTREME")]
    [InlineData("/v1/incidents", "details.severity", "SEVERITY_CATASTROPHIC")]
    [InlineData("/v1/incidents", "details.harmTypes", "HARM_TYPE_BOREDOM")]
    public async Task UnknownEnumName_Answers400(string path, string field, string value)
    {
        var body = path == "/v1/systems"
            ? Messages.ToJson(Messages.Registration("KE-PRV-acme-health", true))
            : Messages.ToJson(Messages.Incident());
        body.Set(field, field.EndsWith('s') ? new JsonArray(value) : value);

        var response = await Client.PostAsync(path, body);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, response.ToString());
        Assert.Contains(value, response.Message);
    }

    [Fact]
    public async Task UnknownEnumNameInADecision_Answers400()
    {
        var response = await Client.PostAsync($"/v1/systems/{FieldRuleCases.SomeSystemId}:decide", new JsonObject { ["decision"] = "DECISION_APPROVE" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task NumericEnumValue99_Answers400NamingTheField()
    {
        var body = Messages.ToJson(Messages.Registration("KE-PRV-acme-health", true)).Set("details.category", 99);

        var response = await Client.PostAsync("/v1/systems", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["details.category"], response.ViolatedFields);
    }

    [Theory]
    [InlineData("status", "99")]
    [InlineData("status", "SYSTEM_STATUS_ARCHIVED")]
    [InlineData("riskTier", "42")]
    [InlineData("category", "CATEGORY_WEATHER")]
    public async Task UndefinedEnumFilterInTheQuery_Answers400NamingTheValue(string parameter, string value)
    {
        var response = await Client.GetAsync($"/v1/systems?{parameter}={value}");

        // The transcoder refuses the value before the service sees it; its message names the value, not the parameter.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(value, response.Message);
    }

    [Theory]
    [InlineData("severity", "SEVERITY_NONE")]
    [InlineData("harmType", "77")]
    [InlineData("status", "INCIDENT_STATUS_ARCHIVED")]
    [InlineData("overdue", "perhaps")]
    [InlineData("pageSize", "ten")]
    public async Task UnparsableIncidentFilterInTheQuery_Answers400(string parameter, string value)
    {
        var response = await Client.GetAsync($"/v1/incidents?{parameter}={value}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task UndefinedEnumFiltersThroughGrpc_AreInvalidArgumentNamingEachField()
    {
        var systems = await GrpcAssert.FailsWith(StatusCode.InvalidArgument, () => Client.Grpc.ListSystemsAsync(new ListSystemsRequest
        {
            Status = (SystemStatus)99,
            RiskTier = (RiskTier)99,
            Category = (Category)99,
        }, deadline: NodeClient.Deadline));
        var incidents = await GrpcAssert.FailsWith(StatusCode.InvalidArgument, () => Client.Grpc.ListIncidentsAsync(new ListIncidentsRequest
        {
            Status = (IncidentStatus)99,
            Severity = (Severity)99,
            HarmType = (HarmType)99,
        }, deadline: NodeClient.Deadline));

        Assert.Equal(["status", "risk_tier", "category"], systems.ViolatedFields());
        Assert.Equal(["status", "severity", "harm_type"], incidents.ViolatedFields());
    }

    [Fact]
    public async Task LoneSurrogateInAString_Answers400()
    {
        var response = await Client.SendRawAsync(HttpMethod.Post, "/v1/providers",
            """{"slug": "acme-surrogate", "name": "Acme \ud800 Ltd", "country": "KE", "contactEmail": "a@acme.example"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task RequestWithoutJsonContentType_Answers400()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/providers")
        {
            Content = new StringContent(Messages.ToJson(Messages.Provider()).ToJsonString(), System.Text.Encoding.UTF8, "text/plain"),
        };

        using var response = await Client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task OversizedString_Answers400NamingTheField()
    {
        var body = Messages.ToJson(Messages.Provider()).Set("name", new string('n', 100_000));

        var response = await Client.PostAsync("/v1/providers", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["name"], response.ViolatedFields);
    }

    [Fact]
    public async Task StringOfFiveMegabytes_Answers400NamingTheField()
    {
        var body = Messages.ToJson(Messages.Incident()).Set("details.description", new string('d', 5_000_000));

        var response = await Client.PostAsync("/v1/incidents", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["details.description"], response.ViolatedFields);
    }

    [Fact]
    public async Task BodyBeyondTheServersLimit_Answers400()
    {
        var body = Messages.ToJson(Messages.Provider()).Set("name", new string('n', 31_000_000));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/providers")
        {
            Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        // The node answers as soon as it sees the declared length; without 100-continue the client would still be sending.
        request.Headers.ExpectContinue = true;

        using var sent = await Client.Http.SendAsync(request);
        var response = new JsonResponse(sent.StatusCode, await sent.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("too large", response.Message);
    }

    [Theory]
    [InlineData("10000-01-01T00:00:00Z")]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("yesterday")]
    [InlineData("2026-01-01 10:00")]
    public async Task UnparsableTimestampInJson_Answers400(string value)
    {
        var body = Messages.ToJson(Messages.Incident()).Set("details.occurredAt", value);

        var response = await Client.PostAsync("/v1/incidents", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task TimestampOutOfRangeThroughGrpc_IsInvalidArgumentNamingEachField()
    {
        var request = Messages.Incident();
        request.Details.OccurredAt = new Timestamp { Seconds = long.MaxValue };
        request.Details.AwareAt = new Timestamp { Seconds = long.MinValue };
        request.Details.ReportedAt = new Timestamp { Seconds = 1, Nanos = 1_000_000_000 };

        var e = await GrpcAssert.FailsWith(StatusCode.InvalidArgument, () => Client.Grpc.ReportIncidentAsync(request, deadline: NodeClient.Deadline));

        Assert.Equal(["details.occurred_at", "details.aware_at", "details.reported_at"], e.ViolatedFields());
    }

    [Fact]
    public async Task UndefinedEnumThroughGrpc_IsInvalidArgumentNamingTheField()
    {
        var request = Messages.Registration("KE-PRV-acme-health", true);
        request.Details.DeploymentStatus = (DeploymentStatus)99;

        var e = await GrpcAssert.FailsWith(StatusCode.InvalidArgument, () => Client.Grpc.RegisterSystemAsync(request, deadline: NodeClient.Deadline));

        Assert.Equal(["details.deployment_status"], e.ViolatedFields());
    }

    [Fact]
    public async Task GrpcMessageAboveTheSizeLimit_IsResourceExhausted()
    {
        var request = Messages.Incident();
        request.Details.Description = new string('d', 5_000_000);

        await GrpcAssert.FailsWith(StatusCode.ResourceExhausted, () => Client.Grpc.ReportIncidentAsync(request, deadline: NodeClient.Deadline));
    }

    [Theory]
    [InlineData("AA")]          // base64url of a NUL byte: PostgreSQL cannot even compare text with it
    [InlineData("S0UtU1lTLQE")] // "KE-SYS-\u0001"
    [InlineData("_w")]          // 0xFF: not UTF-8
    [InlineData("%3D%3D%3D")]   // "===": not base64url
    public async Task ForgedPageToken_Answers400NamingPageToken(string token)
    {
        var systems = await Client.GetAsync($"/v1/systems?pageToken={token}&pageSize=1");
        var incidents = await Client.GetAsync($"/v1/incidents?pageToken={token}&pageSize=1");

        Assert.True(systems.StatusCode == HttpStatusCode.BadRequest, systems.ToString());
        Assert.True(incidents.StatusCode == HttpStatusCode.BadRequest, incidents.ToString());
        Assert.Equal(["page_token"], systems.ViolatedFields);
        Assert.Equal(["page_token"], incidents.ViolatedFields);
    }

    [Fact]
    public async Task PageTokenOfAnIdPrefix_AnswersTheRowsAfterIt()
    {
        var token = Convert.ToBase64String("KE-SYS-"u8).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        var systems = await Client.GetAsync($"/v1/systems?pageToken={token}&pageSize=1");

        Assert.Equal(HttpStatusCode.OK, systems.StatusCode);
    }
}

[Collection(EmbeddedNodeCollection.Name)]
public sealed class MalformedInputOnEmbeddedStorageTests(EmbeddedNodeFixture node) : MalformedInputTests(node);

[Collection(PostgresNodeCollection.Name)]
public sealed class MalformedInputOnPostgresTests(PostgresNodeFixture node) : MalformedInputTests(node);
