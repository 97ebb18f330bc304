using System.Net;
using System.Text.Json.Nodes;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Node.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
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
    public async Task StringOfThreeMegabytes_Answers400NamingTheField()
    {
        var body = Messages.ToJson(Messages.Incident()).Set("details.description", new string('d', 3_000_000));

        var response = await Client.PostAsync("/v1/incidents", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["details.description"], response.ViolatedFields);
    }

    [Theory]
    [InlineData(5_000_000)]
    [InlineData(31_000_000)]
    public async Task BodyBeyondTheNodesLimit_Answers413NamingTheSetting(int length)
    {
        var body = Messages.ToJson(Messages.Provider()).Set("name", new string('n', length));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/providers")
        {
            Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        // The node answers as soon as it sees the declared length; without 100-continue the client would still be sending.
        request.Headers.ExpectContinue = true;

        using var sent = await Client.Http.SendAsync(request);
        var response = new JsonResponse(sent.StatusCode, await sent.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("too large", response.Message);
        Assert.Contains("Limits:MaxRequestBytes", response.Message);
    }

    [Fact]
    public async Task BodyBeyondTheNodesLimitWithoutADeclaredLength_Answers413()
    {
        var json = Messages.ToJson(Messages.Provider()).Set("name", new string('n', 5_000_000)).ToJsonString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/providers")
        {
            Content = new StreamContent(new UnseekableStream(System.Text.Encoding.UTF8.GetBytes(json))),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        JsonResponse? response = null;
        try
        {
            using var sent = await Client.Http.SendAsync(request);
            response = new JsonResponse(sent.StatusCode, await sent.Content.ReadAsStringAsync());
        }
        catch (HttpRequestException)
        {
            // The node may close the connection while the client is still sending; it must still serve the next request.
        }

        Assert.True(response is null || response.StatusCode == HttpStatusCode.RequestEntityTooLarge, response?.ToString());
        Assert.True(await Client.IsHealthyAsync(CancellationToken.None));
    }

    [Fact]
    public async Task JsonNestedDeeperThanTheLimit_Answers400NamingTheSetting()
    {
        var nested = string.Concat(Enumerable.Repeat("[", 40)) + string.Concat(Enumerable.Repeat("]", 40));
        var json = Messages.ToJson(Messages.Provider()).ToJsonString()[..^1] + ",\"extra\":" + nested + "}";

        var response = await Client.SendRawAsync(HttpMethod.Post, "/v1/providers", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Limits:MaxJsonDepth", response.Message);
    }

    [Fact]
    public async Task BytesThatAreNotUtf8_Answer400NamingTheOffset()
    {
        var json = System.Text.Encoding.UTF8.GetBytes("""{"slug": "acme-x", "name": "Acme """);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/providers")
        {
            Content = new ByteArrayContent([.. json, 0xC3, 0x28, .. "\"}"u8.ToArray()]),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        using var sent = await Client.Http.SendAsync(request);
        var response = new JsonResponse(sent.StatusCode, await sent.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"offset {json.Length}", response.Message);
    }

    [Fact]
    public async Task JsonInAnotherCharset_Answers415()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/providers")
        {
            Content = new StringContent(Messages.ToJson(Messages.Provider()).ToJsonString(), System.Text.Encoding.Unicode, "application/json"),
        };

        using var sent = await Client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, sent.StatusCode);
    }

    [Fact]
    public async Task MalformedJson_Answers400SayingWhere()
    {
        var response = await Client.SendRawAsync(HttpMethod.Post, "/v1/providers", """{"slug": "acme" "name": "Acme"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("BytePositionInLine: 16", response.Message);
    }

    [Theory]
    [InlineData("")]          // no message at all: an empty body
    [InlineData("0A")]        // field 1, length-delimited, and then nothing
    [InlineData("0A03EDA080")] // field 1 holding a UTF-16 surrogate encoded as UTF-8, which is not UTF-8
    [InlineData("FFFFFFFF")]  // not protobuf
    public async Task ProtobufThatDoesNotParse_IsInvalidArgumentNotUnknown(string hex)
    {
        var method = new Method<byte[], byte[]>(MethodType.Unary, Registry.Descriptor.FullName, "GetSystem",
            Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));
        var bytes = Convert.FromHexString(hex);

        // An empty message is a valid GetSystemRequest (no id): it reaches the API, which names the field.
        var e = await GrpcAssert.FailsWith(StatusCode.InvalidArgument,
            async () => await Client.Channel.CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(deadline: NodeClient.Deadline), bytes));

        Assert.True(hex.Length == 0 ? e.ViolatedFields().SequenceEqual(["id"]) : e.Status.Detail.Contains("fedreg.v1.GetSystemRequest", StringComparison.Ordinal), e.Status.Detail);
    }

    [Fact]
    public async Task ErrorQuotingAHugeValue_IsCutShortAndTheConnectionSurvives()
    {
        var dimensions = "risk_tier," + new string('x', 300_000);

        var e = await GrpcAssert.FailsWith(StatusCode.InvalidArgument,
            () => Client.Grpc.GetFederationSummaryAsync(new GetFederationSummaryRequest { Dimensions = dimensions }, deadline: NodeClient.Deadline));
        var policy = await GrpcAssert.FailsWith(StatusCode.InvalidArgument, () => Client.Grpc.ReplacePolicyAsync(new ReplacePolicyRequest
        {
            Document = """{"version": 1, "node_code": """ + $"\"{node.Settings.Code}\"" +
                """, "grants": [{"audience": "all-peers", "datasets": {"systems": {"summary": {"dimensions": [""" +
                $"\"{new string('y', 500_000)}\"" + "]}}}}]}",
        }, deadline: NodeClient.Deadline));

        Assert.Equal(["dimensions"], e.ViolatedFields());
        Assert.Contains("yyyyy... (cut)", policy.Status.Detail);
        Assert.True(policy.Status.Detail.Length < 2_000, $"{policy.Status.Detail.Length} characters");
        Assert.All(policy.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations, v => Assert.True(v.Description.Length < 600));
        Assert.Equal(node.Settings.Code, (await Client.Grpc.GetNodeInfoAsync(new GetNodeInfoRequest(), deadline: NodeClient.Deadline)).Code);
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

/// <summary>A stream that cannot tell its length, so that its content is sent chunked.</summary>
internal sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
{
    public override bool CanSeek => false;
}

[Collection(EmbeddedNodeCollection.Name)]
public sealed class MalformedInputOnEmbeddedStorageTests(EmbeddedNodeFixture node) : MalformedInputTests(node);

[Collection(PostgresNodeCollection.Name)]
public sealed class MalformedInputOnPostgresTests(PostgresNodeFixture node) : MalformedInputTests(node);
