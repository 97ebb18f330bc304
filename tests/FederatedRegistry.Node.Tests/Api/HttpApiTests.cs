using System.Net;
using System.Text.Json.Nodes;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Node.Tests.Support;

namespace FederatedRegistry.Node.Tests.Api;

/// <summary>The same national API as HTTP/JSON (gRPC JSON transcoding), through a real HttpClient over HTTP/1.1.</summary>
public abstract class HttpApiTests(INodeFixture node)
{
    private NodeClient Client => node.Client;

    // ---------- providers ----------

    [Fact]
    public async Task PostProvider_ThenGet_Answers200WithTheProviderInCamelCase()
    {
        var body = Messages.ToJson(Messages.Provider());
        var slug = (string)body["slug"]!;

        var created = await Client.PostAsync("/v1/providers", body);
        var read = await Client.GetAsync($"/v1/providers/KE-PRV-{slug}");

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal($"KE-PRV-{slug}", (string?)created.Object["id"]);
        Assert.Equal((string?)body["contactEmail"], (string?)created.Object["contactEmail"]);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.True(JsonNode.DeepEquals(created.Json, read.Json), $"{created.Body}\n{read.Body}");
    }

    [Fact]
    public async Task PostProvider_WithATakenSlug_Answers409()
    {
        var body = Messages.ToJson(Messages.Provider());
        await Client.PostAsync("/v1/providers", body);

        var again = await Client.PostAsync("/v1/providers", body);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains((string)body["slug"]!, again.Message);
    }

    [Fact]
    public async Task GetProvider_Missing_Answers404_AndMalformedAnswers400NamingId()
    {
        var missing = await Client.GetAsync($"/v1/providers/KE-PRV-{Unique.Slug()}");
        var malformed = await Client.GetAsync("/v1/providers/acme");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("id", malformed.ViolatedFields);
    }

    // ---------- registrations ----------

    [Fact]
    public async Task PostSystem_AsDraftAndSubmitted_Answers200WithTheStatusAndGetReturnsTheSame()
    {
        var providerId = await NewProviderAsync();

        var draft = await Client.PostAsync("/v1/systems", Messages.ToJson(Messages.Registration(providerId, submit: false)));
        var submitted = await Client.PostAsync("/v1/systems", Messages.ToJson(Messages.Registration(providerId, submit: true)));
        var readDraft = await Client.GetAsync($"/v1/systems/{Id(draft)}");
        var readSubmitted = await Client.GetAsync($"/v1/systems/{Id(submitted)}");

        Assert.Equal(HttpStatusCode.OK, draft.StatusCode);
        Assert.Equal("SYSTEM_STATUS_DRAFT", (string?)draft.Object["status"]);
        Assert.Equal(1, (int)draft.Object["version"]!);
        Assert.Equal("KE", (string?)draft.Object["jurisdiction"]);
        Assert.Equal("SYSTEM_STATUS_SUBMITTED", (string?)submitted.Object["status"]);
        Assert.True(JsonNode.DeepEquals(draft.Json, readDraft.Json), $"{draft.Body}\n{readDraft.Body}");
        Assert.True(JsonNode.DeepEquals(submitted.Json, readSubmitted.Json), $"{submitted.Body}\n{readSubmitted.Body}");
    }

    [Fact]
    public async Task PostSystem_TheSameProductTwice_Answers409()
    {
        var body = Messages.ToJson(Messages.Registration(await NewProviderAsync(), submit: true));
        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync("/v1/systems", body)).StatusCode);

        var again = await Client.PostAsync("/v1/systems", body);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains((string)body["productId"]!, again.Message);
    }

    [Fact]
    public async Task PostSystem_ForAnUnknownProvider_Answers400NamingProviderId()
    {
        var response = await Client.PostAsync("/v1/systems", Messages.ToJson(Messages.Registration("KE-PRV-" + Unique.Slug(), submit: false)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["provider_id"], response.ViolatedFields);
    }

    [Fact]
    public async Task GetSystem_Missing_Answers404_AndMalformedAnswers400NamingId()
    {
        var missing = await Client.GetAsync("/v1/systems/KE-SYS-0123456789ABCDEFGHJK");
        var malformed = await Client.GetAsync("/v1/systems/KE-SYS-lower");
        var versionsOfMissing = await Client.GetAsync("/v1/systems/KE-SYS-0123456789ABCDEFGHJK/versions");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("KE-SYS-0123456789ABCDEFGHJK", missing.Message);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(["id"], malformed.ViolatedFields);
        Assert.Equal(HttpStatusCode.NotFound, versionsOfMissing.StatusCode);
    }

    [Fact]
    public async Task PutSystem_WithTheCurrentVersion_Answers200_AndWithAStaleVersionAnswers409NamingExpectedVersion()
    {
        var id = Id(await Client.PostAsync("/v1/systems", Messages.ToJson(Messages.Registration(await NewProviderAsync(), submit: false))));
        var update = Messages.ToJson(new UpdateSystemRequest { ExpectedVersion = 1, Details = Messages.Details(name: "Renamed") });

        var updated = await Client.PutAsync($"/v1/systems/{id}", update);
        var stale = await Client.PutAsync($"/v1/systems/{id}", update);

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(2, (int)updated.Object["version"]!);
        Assert.Equal("Renamed", (string?)updated.Object["details"]!["name"]);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(["expected_version"], stale.ViolatedFields);
        Assert.Contains("current version is 2", stale.Message);
    }

    [Fact]
    public async Task PutSystem_ThatDoesNotExist_Answers404()
    {
        var response = await Client.PutAsync("/v1/systems/KE-SYS-0123456789ABCDEFGHJK",
            Messages.ToJson(new UpdateSystemRequest { ExpectedVersion = 1, Details = Messages.Details() }));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task DecideAndVersions_WalkTheLifecycle_AndTheHistoryListsEveryStep()
    {
        var id = Id(await Client.PostAsync("/v1/systems", Messages.ToJson(Messages.Registration(await NewProviderAsync(), submit: true))));

        var review = await Client.PostAsync($"/v1/systems/{id}:decide", new JsonObject { ["decision"] = "DECISION_START_REVIEW" });
        var register = await Client.PostAsync($"/v1/systems/{id}:decide", new JsonObject
        {
            ["decision"] = "DECISION_REGISTER",
            ["decidedRiskTier"] = "RISK_TIER_HIGH",
            ["reason"] = "Evidence reviewed.",
            ["expectedVersion"] = 2,
        });
        var suspend = await Client.PostAsync($"/v1/systems/{id}:decide", new JsonObject { ["decision"] = "DECISION_SUSPEND", ["reason"] = "Incident under investigation." });
        var versions = await Client.GetAsync($"/v1/systems/{id}/versions");

        Assert.Equal(HttpStatusCode.OK, review.StatusCode);
        Assert.Equal("SYSTEM_STATUS_UNDER_REVIEW", (string?)review.Object["status"]);
        Assert.Equal(HttpStatusCode.OK, register.StatusCode);
        Assert.Equal("SYSTEM_STATUS_REGISTERED", (string?)register.Object["status"]);
        Assert.Equal("RISK_TIER_HIGH", (string?)register.Object["decidedRiskTier"]);
        Assert.Equal("SYSTEM_STATUS_SUSPENDED", (string?)suspend.Object["status"]);
        Assert.Equal("Incident under investigation.", (string?)suspend.Object["decisionReason"]);
        Assert.Equal(HttpStatusCode.OK, versions.StatusCode);
        var list = versions.Object["versions"]!.AsArray();
        Assert.Equal(["registered:submitted", "decided:start_review", "decided:register", "decided:suspend"], list.Select(v => (string?)v!["change"]));
        Assert.Equal([1, 2, 3, 4], list.Select(v => (int)v!["version"]!));
        Assert.Equal("SYSTEM_STATUS_REGISTERED", (string?)list[2]!["snapshot"]!["status"]);
    }

    [Fact]
    public async Task Decide_IllegalForTheCurrentStatus_Answers400WithAMessageNamingTheAllowedDecisions()
    {
        var id = Id(await Client.PostAsync("/v1/systems", Messages.ToJson(Messages.Registration(await NewProviderAsync(), submit: true))));

        var response = await Client.PostAsync($"/v1/systems/{id}:decide", new JsonObject
        {
            ["decision"] = "DECISION_WITHDRAW",
            ["reason"] = "No longer offered.",
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(9, (int)response.Object["code"]!); // FAILED_PRECONDITION
        Assert.Contains("withdraw", response.Message);
        Assert.Contains("allowed now: start_review", response.Message);
    }

    [Fact]
    public async Task Decide_OnAMissingRegistration_Answers404()
    {
        var response = await Client.PostAsync("/v1/systems/KE-SYS-0123456789ABCDEFGHJK:decide", new JsonObject { ["decision"] = "DECISION_START_REVIEW" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task GetSystems_WithEachQueryFilter_ReturnsExactlyTheMatchingRows()
    {
        var word = Unique.Word();
        var providerId = await NewProviderAsync();
        var a = Id(await Client.PostAsync("/v1/systems", Messages.ToJson(Messages.Registration(providerId, false,
            details: Messages.Details(name: $"Tutor {word}", category: Category.Education, tier: RiskTier.Limited)))));
        var b = Id(await Client.PostAsync("/v1/systems", Messages.ToJson(Messages.Registration(providerId, true,
            details: Messages.Details(name: "Border screening", category: Category.MigrationAndBorder, tier: RiskTier.High)))));
        var productOfB = (string?)(await Client.GetAsync($"/v1/systems/{b}")).Object["productId"];

        async Task<List<string>> Ids(string query) => [.. (await AllSystemsAsync(query)).Order()];
        var p = Uri.EscapeDataString(providerId);

        Assert.Equal(new[] { a, b }.Order(), await Ids($"providerId={p}"));
        Assert.Equal([a], await Ids($"providerId={p}&status=SYSTEM_STATUS_DRAFT"));
        Assert.Equal([b], await Ids($"provider_id={p}&risk_tier=RISK_TIER_HIGH"));
        Assert.Equal([a], await Ids($"providerId={p}&category=CATEGORY_EDUCATION"));
        Assert.Equal([b], await Ids($"productId={Uri.EscapeDataString(productOfB!)}"));
        Assert.Equal([a], await Ids($"text={word.ToUpperInvariant()}"));
        Assert.Empty(await Ids($"providerId={p}&category=CATEGORY_FINANCE"));
    }

    [Fact]
    public async Task GetSystems_PageByPageWithPageTokens_ReturnsEveryRowOnce()
    {
        var providerId = await NewProviderAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(Id(await Client.PostAsync("/v1/systems", Messages.ToJson(Messages.Registration(providerId, false)))));
        }

        var first = await Client.GetAsync($"/v1/systems?providerId={Uri.EscapeDataString(providerId)}&pageSize=2");
        var all = await AllSystemsAsync($"providerId={Uri.EscapeDataString(providerId)}", pageSize: 2);

        Assert.Equal(2, first.Object["systems"]!.AsArray().Count);
        Assert.NotEqual("", (string?)first.Object["nextPageToken"]);
        Assert.Equal(ids.Order(), all.Order());
    }

    // ---------- incidents ----------

    [Fact]
    public async Task PostIncident_Answers200WithTheDeadlineOfItsRuleAndTheDerivedFlags()
    {
        var aware = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-2).AddHours(10), TimeSpan.Zero);
        var body = Messages.ToJson(Messages.Incident(awareAt: aware));
        body["details"]!["resultedInDeath"] = true;

        var response = await Client.PostAsync("/v1/incidents", body);
        var read = await Client.GetAsync($"/v1/incidents/{Id(response)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("death", (string?)response.Object["deadlineRule"]);
        Assert.Equal(aware.AddDays(10), DateTimeOffset.Parse((string)response.Object["reportingDeadline"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(false, (bool?)response.Object["overdue"]);
        Assert.Equal(true, (bool?)response.Object["crossBorder"]);
        Assert.Equal("INCIDENT_STATUS_REPORTED", (string?)response.Object["status"]);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.True(JsonNode.DeepEquals(response.Object["details"], read.Object["details"]), $"{response.Body}\n{read.Body}");
    }

    [Fact]
    public async Task PostIncident_AwareLongAgo_IsOverdue_AndRecentIsNot_AndOneJurisdictionIsNotCrossBorder()
    {
        var old = Messages.ToJson(Messages.Incident(awareAt: DateTimeOffset.UtcNow.AddDays(-20)));
        var recent = Messages.ToJson(Messages.Incident(awareAt: DateTimeOffset.UtcNow.AddMinutes(-10)));
        recent["details"]!["affectedJurisdictions"] = new JsonArray("KE");

        var overdue = await Client.PostAsync("/v1/incidents", old);
        var onTime = await Client.PostAsync("/v1/incidents", recent);

        Assert.Equal(true, (bool?)overdue.Object["overdue"]);
        Assert.Equal(true, (bool?)overdue.Object["reportedLate"]);
        Assert.Equal(false, (bool?)onTime.Object["overdue"]);
        Assert.Equal(false, (bool?)onTime.Object["reportedLate"]);
        Assert.Equal(false, (bool?)onTime.Object["crossBorder"]);
    }

    [Fact]
    public async Task GetIncident_Missing_Answers404_AndMalformedAnswers400NamingId()
    {
        var missing = await Client.GetAsync("/v1/incidents/KE-INC-01JD3Q4W5X6Y7Z8A9B0C1D2E3F");
        var malformed = await Client.GetAsync("/v1/incidents/KE-INC-1");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(["id"], malformed.ViolatedFields);
    }

    [Fact]
    public async Task Transition_Legal_Answers200_IllegalAnswers400NamingAllowedSteps_StaleAnswers409()
    {
        var id = Id(await Client.PostAsync("/v1/incidents", Messages.ToJson(Messages.Incident())));

        var triaged = await Client.PostAsync($"/v1/incidents/{id}:transition", new JsonObject { ["to"] = "INCIDENT_STATUS_TRIAGED", ["note"] = "Confirmed." });
        var illegal = await Client.PostAsync($"/v1/incidents/{id}:transition", new JsonObject { ["to"] = "INCIDENT_STATUS_REPORTED" });
        var stale = await Client.PostAsync($"/v1/incidents/{id}:transition", new JsonObject { ["to"] = "INCIDENT_STATUS_INVESTIGATING", ["expectedVersion"] = 1 });
        var missing = await Client.PostAsync("/v1/incidents/KE-INC-01JD3Q4W5X6Y7Z8A9B0C1D2E3F:transition", new JsonObject { ["to"] = "INCIDENT_STATUS_TRIAGED" });

        Assert.Equal(HttpStatusCode.OK, triaged.StatusCode);
        Assert.Equal("INCIDENT_STATUS_TRIAGED", (string?)triaged.Object["status"]);
        Assert.Equal(2, triaged.Object["history"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.BadRequest, illegal.StatusCode);
        Assert.Contains("allowed now: investigating, closed", illegal.Message);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(["expected_version"], stale.ViolatedFields);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task GetIncidents_WithOverdueAndEachFilter_ReturnsExactlyTheMatchingRows()
    {
        var product = Unique.ProductId();
        var provider = await NewProviderAsync();
        var systemId = Id(await Client.PostAsync("/v1/systems", Messages.ToJson(Messages.Registration(provider, true))));
        var oldBody = Messages.ToJson(Messages.Incident(product, awareAt: DateTimeOffset.UtcNow.AddDays(-30)));
        var minorBody = Messages.ToJson(Messages.Incident(product));
        minorBody["details"]!["severity"] = "SEVERITY_MINOR";
        minorBody["details"]!["harmTypes"] = new JsonArray("HARM_TYPE_ECONOMIC");
        var old = Id(await Client.PostAsync("/v1/incidents", oldBody));
        var minor = Id(await Client.PostAsync("/v1/incidents", minorBody));
        var linked = Id(await Client.PostAsync("/v1/incidents", Messages.ToJson(Messages.Incident(systemId: systemId))));
        await Client.PostAsync($"/v1/incidents/{minor}:transition", new JsonObject { ["to"] = "INCIDENT_STATUS_TRIAGED" });

        async Task<List<string>> Ids(string query) => [.. (await AllIncidentsAsync(query)).Order()];
        var p = Uri.EscapeDataString(product);

        Assert.Equal(new[] { old, minor }.Order(), await Ids($"productId={p}"));
        Assert.Equal([old], await Ids($"productId={p}&overdue=true"));
        Assert.Equal([minor], await Ids($"productId={p}&status=INCIDENT_STATUS_TRIAGED"));
        Assert.Equal([minor], await Ids($"product_id={p}&severity=SEVERITY_MINOR"));
        Assert.Equal([minor], await Ids($"productId={p}&harmType=HARM_TYPE_ECONOMIC"));
        Assert.Equal([linked], await Ids($"systemId={systemId}"));
        Assert.Equal(new[] { old, minor }.Order(), await Ids($"productId={p}&pageSize=1"));
    }

    // ---------- summary, node, health, OpenAPI ----------

    [Fact]
    public async Task GetSummary_CountsMoveByTheChangesMade()
    {
        var providerId = await NewProviderAsync();
        var before = (await Client.GetAsync("/v1/summary")).Object;

        var systemId = Id(await Client.PostAsync("/v1/systems", Messages.ToJson(Messages.Registration(providerId, true,
            details: Messages.Details(category: Category.JusticeAndDemocracy, tier: RiskTier.High)))));
        await Client.PostAsync("/v1/incidents", Messages.ToJson(Messages.Incident(systemId: systemId)));
        var after = (await Client.GetAsync("/v1/summary")).Object;

        Assert.Equal(node.Settings.Code, (string?)after["nodeCode"]);
        Assert.Equal(1, Long(after["totalSystems"]) - Long(before["totalSystems"]));
        Assert.Equal(1, Long(after["totalIncidents"]) - Long(before["totalIncidents"]));
        Assert.Equal(1, Cell(after, "systems", "category", "justice_and_democracy") - Cell(before, "systems", "category", "justice_and_democracy"));
        Assert.Equal(1, Cell(after, "systems", "status", "submitted") - Cell(before, "systems", "status", "submitted"));
        Assert.Equal(1, Cell(after, "incidents", "severity", "serious") - Cell(before, "incidents", "severity", "serious"));
        Assert.Equal(1, Cell(after, "incidents", "harm_type", "discrimination_and_bias") - Cell(before, "incidents", "harm_type", "discrimination_and_bias"));
    }

    [Fact]
    public async Task GetNode_DescribesThisNode()
    {
        var response = await Client.GetAsync("/v1/node");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(node.Settings.Code, (string?)response.Object["code"]);
        Assert.Equal("national", (string?)response.Object["role"]);
        Assert.Equal(node.Settings.Values["Storage:Provider"], (string?)response.Object["storageProvider"]);
    }

    [Fact]
    public async Task HealthReady_AnswersHealthyWithTheSiloDatabaseAndSchemaChecks()
    {
        var response = await Client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", (string?)response.Object["status"]);
        foreach (var check in new[] { "silo", "database", "schema" })
        {
            Assert.Equal("healthy", (string?)response.Object["checks"]![check]!["status"]);
        }
        Assert.Contains(node.Settings.Values["Storage:Provider"]!, (string?)response.Object["checks"]!["database"]!["description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApiDocument_ListsTheTranscodedRoutes()
    {
        var response = await Client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = response.Object["paths"]!.AsObject();
        Assert.NotNull(paths["/v1/systems"]?["get"]);
        Assert.NotNull(paths["/v1/systems"]?["post"]);
        Assert.NotNull(paths["/v1/systems/{id}:decide"]?["post"]);
        Assert.NotNull(paths["/v1/incidents"]?["get"]);
        Assert.NotNull(paths["/v1/incidents"]?["post"]);
        Assert.NotNull(paths["/v1/summary"]?["get"]);
        Assert.NotNull(paths["/v1/providers"]?["post"]);
        Assert.NotNull(paths["/v1/incidents/{id}:transition"]?["post"]);
    }

    [Fact]
    public async Task UnknownRoute_Answers404()
    {
        var response = await Client.GetAsync("/v1/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<string> NewProviderAsync()
    {
        var response = await Client.PostAsync("/v1/providers", Messages.ToJson(Messages.Provider()));
        Assert.True(response.StatusCode == HttpStatusCode.OK, response.ToString());
        return Id(response);
    }

    private async Task<List<string>> AllSystemsAsync(string query, int pageSize = 0) =>
        await AllPagesAsync("/v1/systems", "systems", query, pageSize);

    private async Task<List<string>> AllIncidentsAsync(string query, int pageSize = 0) =>
        await AllPagesAsync("/v1/incidents", "incidents", query, pageSize);

    private async Task<List<string>> AllPagesAsync(string path, string items, string query, int pageSize)
    {
        var ids = new List<string>();
        var token = "";
        do
        {
            var url = $"{path}?{query}" + (pageSize > 0 ? $"&pageSize={pageSize}" : "") + (token == "" ? "" : $"&pageToken={Uri.EscapeDataString(token)}");
            var page = await Client.GetAsync(url);
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"GET {url}: {page}");
            ids.AddRange(page.Object[items]!.AsArray().Select(i => (string)i!["id"]!));
            token = (string?)page.Object["nextPageToken"] ?? "";
        }
        while (token != "");
        Listing.AssertNoRepeats(ids);
        return ids;
    }

    private static string Id(JsonResponse response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, response.ToString());
        return (string)response.Object["id"]!;
    }

    // int64 fields are written as JSON numbers by default, as strings when WriteInt64sAsStrings is on: accept both.
    private static long Long(JsonNode? value) => value is null ? 0 : long.Parse(value.ToString(), System.Globalization.CultureInfo.InvariantCulture);

    private static long Cell(JsonObject summary, string dataset, string dimension, string value) =>
        (summary["cells"] as JsonArray ?? [])
            .Where(c => (string?)c!["dataset"] == dataset && (string?)c["dimension"] == dimension && (string?)c["value"] == value)
            .Sum(c => Long(c!["count"]));
}

[Collection(EmbeddedNodeCollection.Name)]
public sealed class HttpApiOnEmbeddedStorageTests(EmbeddedNodeFixture node) : HttpApiTests(node);

[Collection(PostgresNodeCollection.Name)]
public sealed class HttpApiOnPostgresTests(PostgresNodeFixture node) : HttpApiTests(node);
