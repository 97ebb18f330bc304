using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Node.Tests.Support;
using FederatedRegistry.Testing;
using Grpc.Core;

namespace FederatedRegistry.Node.Tests.Api;

/// <summary>
/// GET /v1/exports/incidents and /v1/exports/registrations, over HTTP as a browser or a script downloads them and over
/// gRPC as fedreg does: the files parsed as a user's tools would, against the records the test created.
/// </summary>
[Collection(EmbeddedNodeCollection.Name)]
public sealed class ExportTests(EmbeddedNodeFixture node)
{
    private const string ProviderName = "Acme Health Analytics Ltd";

    // A title with a comma and quotes, a description over two lines, a group that a spreadsheet would run as a formula.
    private const string AwkwardTitle = "Triage \"priority 4\", twice";
    private const string AwkwardDescription = "First line, with a comma.\nSecond line: \"quoted\".";
    private const string FormulaGroup = "=HYPERLINK(\"http://evil.example\")";

    private NodeClient Client => node.Client;

    private Registry.RegistryClient Api => node.Client.Grpc;

    // ---------- incidents ----------

    [Fact]
    public async Task ExportIncidents_AsCsvOverHttp_IsAnRfc4180FileWithTheAiidColumnsAndOneRowPerIncident()
    {
        var (_, system) = await RegisteredSystemAsync();
        var named = await ReportAsync(Awkward(Messages.IncidentDetails(productId: system.ProductId, systemId: system.Id)));
        var byProduct = await ReportAsync(Messages.IncidentDetails(productId: system.ProductId));

        using var response = await Client.Http.GetAsync($"/v1/exports/incidents?format=csv&productId={Uri.EscapeDataString(system.ProductId)}");
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("text/csv; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Matches(@"^""?KE-incidents-\d{8}T\d{6}Z\.csv""?$", response.Content.Headers.ContentDisposition?.FileName);
        var csv = CsvTable.Parse(body);
        Assert.Equal(
            ["incident_id", "date", "title", "description", "Alleged deployer of AI system", "Alleged developer of AI system", "Alleged harmed or nearly harmed parties"],
            csv.Header.Take(7));
        Assert.Equal(2, csv.Rows.Count);
        var row = csv.Single("incident_id", named.Id);
        Assert.Equal(AwkwardTitle, row["title"]);
        Assert.Equal(AwkwardDescription, row["description"]);
        Assert.Equal(named.Details.OccurredAt.ToDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), row["date"]);
        Assert.Equal("", row["Alleged deployer of AI system"]);
        Assert.Equal([ProviderName], JsonSerializer.Deserialize<string[]>(row["Alleged developer of AI system"])!);
        // A list cell starts with its bracket, never with a formula character; a text cell that would is prefixed with '.
        Assert.Equal(["patients over 75", FormulaGroup], JsonSerializer.Deserialize<string[]>(row["Alleged harmed or nearly harmed parties"])!);
        Assert.Equal("'+254 emergency desk", row["reporter"]);
        Assert.Equal("""["KE","TZ"]""", row["countries"]);
        Assert.Equal("true", row["cross_border"]);
        Assert.Equal("""["health and safety","discrimination and bias"]""", row["harm_types"]);
        Assert.Equal("serious", row["severity"]);
        Assert.Equal("model failure", row["suspected_cause"]);
        Assert.Equal("health", row["industry"]);
        Assert.Equal(system.Id, row["system_id"]);
        Assert.Equal("TriageAssist", row["system_name"]);
        Assert.Equal("reported", row["status"]);
        Assert.Equal("KE", row["jurisdiction"]);
        // Linked through its product alone, the second incident still names the registration and its developer.
        var linked = csv.Single("incident_id", byProduct.Id);
        Assert.Equal(system.Id, linked["system_id"]);
        Assert.Equal($"[\"{ProviderName}\"]", linked["Alleged developer of AI system"]);
        // The raw file quotes what needs it, doubles quotes, and keeps the description's line break inside its quotes.
        Assert.Contains("\"Triage \"\"priority 4\"\", twice\"", body);
        Assert.Contains("\"First line, with a comma.\nSecond line: \"\"quoted\"\".\"", body);
        Assert.EndsWith("\r\n", body);
    }

    [Fact]
    public async Task ExportIncidents_OverGrpc_GivesTheSameBytesAsOverHttp_InChunksOfWholeRows()
    {
        var (_, system) = await RegisteredSystemAsync();
        // Enough text to fill several 64 KiB chunks, and enough incidents for two pages of the read model.
        var longText = string.Join('\n', Enumerable.Repeat("Nurses noted the same pattern again, in other words.", 12));
        await ForEachAsync(Enumerable.Range(1, 205), async i =>
        {
            var details = Messages.IncidentDetails(productId: system.ProductId);
            details.Title = $"Incident {i}, \"numbered\"";
            details.Description = longText;
            await ReportAsync(details);
        });
        var query = $"format=csv&productId={Uri.EscapeDataString(system.ProductId)}";

        var http = await Client.Http.GetByteArrayAsync($"/v1/exports/incidents?{query}");
        var chunks = await GrpcChunksAsync(Api.ExportIncidents(new ExportIncidentsRequest { Format = "csv", ProductId = system.ProductId }, deadline: NodeClient.Deadline));

        Assert.True(chunks.Count > 1, $"{chunks.Count} chunk(s)");
        Assert.All(chunks, c => Assert.Equal("text/csv; charset=utf-8", c.ContentType));
        Assert.All(chunks, c => Assert.EndsWith("\r\n", c.Data.ToStringUtf8()));
        var grpc = chunks.SelectMany(c => c.Data.ToByteArray()).ToArray();
        Assert.Equal(Encoding.UTF8.GetString(http), Encoding.UTF8.GetString(grpc));
        var csv = CsvTable.Parse(grpc);
        Assert.Equal(205, csv.Rows.Count);
        Assert.Equal(205, csv.Rows.Select(r => r["incident_id"]).Distinct().Count());
        Assert.All(csv.Rows, r => Assert.Equal(longText, r["description"]));
    }

    [Fact]
    public async Task ExportIncidents_AsJson_IsOneDocumentWithAnObjectPerIncidentKeyedByColumn()
    {
        var (_, system) = await RegisteredSystemAsync();
        var incident = await ReportAsync(Awkward(Messages.IncidentDetails(productId: system.ProductId, systemId: system.Id)));
        var request = new ExportIncidentsRequest { Format = "json", ProductId = system.ProductId };

        using var response = await Client.Http.GetAsync($"/v1/exports/incidents?format=json&productId={Uri.EscapeDataString(system.ProductId)}");
        var http = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        var grpc = JsonNode.Parse(Concat(await GrpcChunksAsync(Api.ExportIncidents(request, deadline: NodeClient.Deadline))))!.AsObject();

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith(".json", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal("incidents", (string?)http["export"]);
        Assert.Equal("KE", (string?)http["node"]);
        Assert.True(DateTimeOffset.TryParse((string?)http["generated_at"], System.Globalization.CultureInfo.InvariantCulture, out _));
        var record = Assert.Single(http["incidents"]!.AsArray())!.AsObject();
        Assert.Equal(incident.Id, (string?)record["incident_id"]);
        Assert.Equal(AwkwardTitle, (string?)record["title"]);
        Assert.Equal(AwkwardDescription, (string?)record["description"]);
        // Values are as recorded: the spreadsheet guard is the CSV's alone.
        Assert.Equal(FormulaGroup, (string?)record["Alleged harmed or nearly harmed parties"]![1]);
        Assert.True(record.ContainsKey("Alleged deployer of AI system"));
        Assert.Null(record["Alleged deployer of AI system"]);
        Assert.Equal(ProviderName, (string?)record["Alleged developer of AI system"]![0]);
        Assert.True((bool)record["cross_border"]!);
        Assert.False((bool)record["resulted_in_death"]!);
        Assert.Equal(["health and safety", "discrimination and bias"], record["harm_types"]!.AsArray().Select(h => (string?)h));
        Assert.True(JsonNode.DeepEquals(http["incidents"], grpc["incidents"]), $"{http}\n{grpc}");
    }

    [Theory]
    [InlineData("xml")]
    [InlineData("")]
    public async Task ExportIncidents_WithAFormatOtherThanCsvOrJson_IsRefusedNamingFormat(string format)
    {
        var http = await Client.GetAsync($"/v1/exports/incidents?format={format}");
        var e = await GrpcAssert.FailsWith(StatusCode.InvalidArgument,
            () => GrpcChunksAsync(Api.ExportIncidents(new ExportIncidentsRequest { Format = format }, deadline: NodeClient.Deadline)));

        Assert.Equal(HttpStatusCode.BadRequest, http.StatusCode);
        Assert.Equal(["format"], http.ViolatedFields);
        Assert.Contains("format: must be csv or json", http.Message);
        Assert.Equal(["format"], e.ViolatedFields());
    }

    [Fact]
    public async Task ExportRegistrations_WithAFormatOtherThanCsvOrJson_Answers400NamingFormat_EvenWithoutAToken()
    {
        using var anonymous = Client.As("");

        var http = await anonymous.GetAsync("/v1/exports/registrations?format=xlsx");

        Assert.Equal(HttpStatusCode.BadRequest, http.StatusCode);
        Assert.Equal(["format"], http.ViolatedFields);
    }

    [Fact]
    public async Task ExportIncidents_IsTheAuthoritysOnly()
    {
        using var anonymous = Client.As("");
        using var provider = Client.As(TestTokens.Provider("KE-PRV-" + Unique.Slug()));
        using var observer = Client.As(TestTokens.Observer());

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1/exports/incidents?format=csv")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await provider.GetAsync("/v1/exports/incidents?format=csv")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await observer.GetAsync("/v1/exports/incidents?format=csv")).StatusCode);
        await GrpcAssert.FailsWith(StatusCode.PermissionDenied,
            () => GrpcChunksAsync(provider.Grpc.ExportIncidents(new ExportIncidentsRequest { Format = "csv" }, deadline: NodeClient.Deadline)));
    }

    // ---------- registrations ----------

    [Fact]
    public async Task ExportRegistrations_AsCsv_HasTheAnnexViiiColumnsFilledFromTheRegistration()
    {
        var details = Messages.Details(purpose: "-1 step: suggests an urgency level,\nfor review by a \"triage\" nurse.");
        details.DeploymentStatus = DeploymentStatus.InUse;
        var (provider, system) = await RegisteredSystemAsync(details);

        using var response = await Client.Http.GetAsync($"/v1/exports/registrations?format=csv&providerId={provider.Id}");
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var csv = CsvTable.Parse(body);
        Assert.Equal(
            ["provider_name", "provider_address", "provider_country", "provider_contact_email", "submitter_name", "submitter_address",
             "submitter_contact", "authorised_representative_name", "authorised_representative_address", "authorised_representative_contact",
             "trade_name", "system_version", "registration_id", "product_id", "intended_purpose", "components_and_functions",
             "data_and_inputs", "operating_logic", "market_status", "certificate_type", "certificate_number", "certificate_expiry",
             "notified_body", "certificate_copy", "member_states", "eu_declaration_of_conformity", "instructions_for_use", "url"],
            csv.Header.Take(28));
        var row = Assert.Single(csv.Rows);
        Assert.Equal(ProviderName, row["provider_name"]);
        Assert.Equal("KE", row["provider_country"]);
        Assert.Equal("compliance@acme-health.example", row["provider_contact_email"]);
        Assert.Equal("TriageAssist", row["trade_name"]);
        Assert.Equal("2.1.0", row["system_version"]);
        Assert.Equal(system.Id, row["registration_id"]);
        Assert.Equal(system.ProductId, row["product_id"]);
        Assert.Equal("'" + details.IntendedPurpose, row["intended_purpose"]);
        Assert.Equal(details.Assessment.DataGovernance, row["data_and_inputs"]);
        Assert.Equal(details.Assessment.Explainability, row["operating_logic"]);
        Assert.Equal("in service", row["market_status"]);
        Assert.Equal("""["KE","TZ"]""", row["member_states"]);
        Assert.Equal("https://acme-health.example", row["url"]);
        Assert.Equal("high", row["decided_risk_tier"]);
        Assert.Equal("registered", row["registration_status"]);
        Assert.Equal("Reviewed.", row["decision_reason"]);
        Assert.All(["provider_address", "submitter_name", "authorised_representative_name", "components_and_functions", "certificate_type",
            "certificate_number", "certificate_expiry", "notified_body", "certificate_copy", "eu_declaration_of_conformity", "instructions_for_use"],
            column => Assert.Equal("", row[column]));
    }

    [Fact]
    public async Task ExportRegistrations_WithoutAToken_HasThePublicRegisterOnly_WithoutWhatItHides()
    {
        var provider = await NewProviderAsync();
        var registered = await RegisterAsync(provider.Id, Messages.Details(name: "Public one"), register: true);
        var lawEnforcement = await RegisterAsync(provider.Id, Messages.Details(name: "Restricted one", category: Category.LawEnforcement), register: true);
        var draft = await Api.RegisterSystemAsync(Messages.Registration(provider.Id, submit: false), deadline: NodeClient.Deadline);
        var submitted = await Api.RegisterSystemAsync(Messages.Registration(provider.Id, submit: true), deadline: NodeClient.Deadline);
        var path = $"/v1/exports/registrations?format=csv&providerId={provider.Id}";
        using var anonymous = Client.As("");
        using var other = Client.As(TestTokens.Provider("KE-PRV-" + Unique.Slug()));
        using var own = Client.As(TestTokens.Provider(provider.Id));

        var asAnonymous = CsvTable.Parse(await anonymous.Http.GetStringAsync(path));
        var asOtherProvider = CsvTable.Parse(await other.Http.GetStringAsync(path));
        var asAuthority = CsvTable.Parse(await Client.Http.GetStringAsync(path));
        var asOwner = CsvTable.Parse(await own.Http.GetStringAsync("/v1/exports/registrations?format=csv"));
        var overGrpc = CsvTable.Parse(Concat(await GrpcChunksAsync(anonymous.Grpc.ExportRegistrations(
            new ExportRegistrationsRequest { Format = "csv", ProviderId = provider.Id }, deadline: NodeClient.Deadline))));

        var row = Assert.Single(asAnonymous.Rows);
        Assert.Equal(registered.Id, row["registration_id"]);
        Assert.Equal(ProviderName, row["provider_name"]);
        Assert.All(["provider_contact_email", "data_and_inputs", "operating_logic", "decision_reason", "conformity_evidence", "bias_evaluation", "human_oversight"],
            column => Assert.Equal("", row[column]));
        Assert.Equal(registered.Details.ContactEmail, row["system_contact_email"]);
        Assert.Equal([registered.Id], asOtherProvider.Rows.Select(r => r["registration_id"]));
        Assert.Equal([registered.Id], overGrpc.Rows.Select(r => r["registration_id"]));
        string[] all = [registered.Id, lawEnforcement.Id, draft.Id, submitted.Id];
        Assert.Equal(all.Order(), asAuthority.Rows.Select(r => r["registration_id"]).Order());
        Assert.Equal(all.Order(), asOwner.Rows.Select(r => r["registration_id"]).Order());
        Assert.All(asOwner.Rows, r => Assert.Equal(Messages.Details().Assessment.DataGovernance, r["data_and_inputs"]));
    }

    // ---------- helpers ----------

    private static IncidentDetails Awkward(IncidentDetails details)
    {
        details.Title = AwkwardTitle;
        details.Description = AwkwardDescription;
        details.AffectedGroups.Add(FormulaGroup);
        details.Reporter = "+254 emergency desk";
        return details;
    }

    private async Task<Incident> ReportAsync(IncidentDetails details) =>
        await Api.ReportIncidentAsync(new ReportIncidentRequest { Details = details }, deadline: NodeClient.Deadline);

    private async Task<Provider> NewProviderAsync() => await Api.CreateProviderAsync(Messages.Provider(), deadline: NodeClient.Deadline);

    private async Task<(Provider Provider, AiSystem System)> RegisteredSystemAsync(SystemDetails? details = null)
    {
        var provider = await NewProviderAsync();
        return (provider, await RegisterAsync(provider.Id, details ?? Messages.Details(), register: true));
    }

    private async Task<AiSystem> RegisterAsync(string providerId, SystemDetails details, bool register)
    {
        var system = await Api.RegisterSystemAsync(Messages.Registration(providerId, submit: true, details: details), deadline: NodeClient.Deadline);
        if (!register)
        {
            return system;
        }
        await Api.DecideSystemAsync(new DecideSystemRequest { Id = system.Id, Decision = Decision.StartReview }, deadline: NodeClient.Deadline);
        return await Api.DecideSystemAsync(new DecideSystemRequest
        {
            Id = system.Id,
            Decision = Decision.Register,
            DecidedRiskTier = RiskTier.High,
            Reason = "Reviewed.",
        }, deadline: NodeClient.Deadline);
    }

    private static async Task<List<Google.Api.HttpBody>> GrpcChunksAsync(AsyncServerStreamingCall<Google.Api.HttpBody> call)
    {
        using (call)
        {
            var chunks = new List<Google.Api.HttpBody>();
            await foreach (var chunk in call.ResponseStream.ReadAllAsync())
            {
                chunks.Add(chunk);
            }
            return chunks;
        }
    }

    private static string Concat(IEnumerable<Google.Api.HttpBody> chunks) =>
        Encoding.UTF8.GetString([.. chunks.SelectMany(c => c.Data.ToByteArray())]);

    private static Task ForEachAsync<T>(IEnumerable<T> items, Func<T, Task> action) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (item, _) => await action(item));
}
