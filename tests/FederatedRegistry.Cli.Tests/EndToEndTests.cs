using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FederatedRegistry.Cli.Tests.Support;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Testing;

namespace FederatedRegistry.Cli.Tests;

/// <summary>The built fedreg binary, run as a child process against real nodes.</summary>
[Collection(TwoNodesCollection.Name)]
public sealed partial class EndToEndTests(TwoNodes nodes) : IDisposable
{
    private readonly Fedreg _fedreg = new();

    public void Dispose() => _fedreg.Dispose();

    private static string Manifest(string productId, string category = "health") => $"""
        product_id: {productId}
        provider: {TwoNodes.Provider}
        details:
          name: CliTest {productId}
          version: 1.0.0
          intended_purpose: Suggests an urgency level for patients, for review by a triage nurse.
          category: {category}
          proposed_risk_tier: high
          markets: [KE, FR]
          deployment_status: pilot
          contact_email: cli-test@acme-health.example
          assessment:
            conformity_evidence: Validated on 48,000 episodes.
            bias_evaluation: Compared across sex and age band.
            human_oversight: A nurse confirms every suggestion.
            explainability: Shows the three weightiest observations.
            data_governance: Pseudonymised records only.
        """;

    private static string NewProductId() => $"cli-{Guid.NewGuid():N}.example/triage";

    [Fact]
    public async Task Register_InTwoNodes_ReportsCreatedInOneAndTheOthersRefusalByField()
    {
        var file = _fedreg.WriteFile("product.yaml", Manifest(NewProductId()));

        var run = await _fedreg.RunAsync("systems", "register", file, "--node", nodes.Ke.Url, "--node", nodes.Fr.Url, "--token", TestIssuer.Authority());

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Matches($"{Regex.Escape(nodes.Ke.Url)}: created KE-SYS-[0-9A-Z]{{20}} \\(submitted\\)", run.Stdout);
        Assert.Contains($"{nodes.Fr.Url} refused the request; it names this field:", run.Stdout);
        Assert.Contains("  provider_id: must name a provider registered on this node (FR)", run.Stdout);
    }

    [Fact]
    public async Task Register_Again_ReportsAlreadyRegisteredAndSucceeds()
    {
        var file = _fedreg.WriteFile("product.yaml", Manifest(NewProductId()));
        _fedreg.Environment["FEDREG_TOKEN"] = TestIssuer.Authority();
        var first = await _fedreg.RunAsync("systems", "register", file, "--node", nodes.Ke.Url);

        var again = await _fedreg.RunAsync("systems", "register", file, "--node", nodes.Ke.Url);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("already registered as KE-SYS-", again.Stdout);
        Assert.Contains("with the same details", again.Stdout);
    }

    [Fact]
    public async Task ListShowAndDecide_FindAndMoveTheRegistration()
    {
        var productId = NewProductId();
        var configFile = _fedreg.WriteFile("config.json", JsonSerializer.Serialize(new { nodes = new[] { nodes.Ke.Url }, token = TestIssuer.Authority() }));
        await _fedreg.RunAsync("systems", "register", _fedreg.WriteFile("p.yaml", Manifest(productId)), "--config", configFile);

        var list = await _fedreg.RunAsync("systems", "list", "--product", productId, "--output", "json", "--config", configFile);
        var id = JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().Single().GetProperty("id").GetString()!;
        var show = await _fedreg.RunAsync("systems", "show", id, "--config", configFile);
        var decide = await _fedreg.RunAsync("systems", "decide", id, "--decision", "start-review", "--config", configFile);

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Matches($"product_id +{Regex.Escape(productId)}", show.Stdout);
        Assert.Matches("status +submitted", show.Stdout);
        Assert.True(decide.ExitCode == 0, decide.ToString());
        Assert.Equal($"{id} is now under_review (version 2).", decide.Stdout.Trim());
    }

    [Fact]
    public async Task Register_WithAnInvalidManifest_NamesTheFieldAndSendsNothing()
    {
        var productId = NewProductId();
        var file = _fedreg.WriteFile("bad.yaml", Manifest(productId, category: "astrology"));

        var run = await _fedreg.RunAsync("systems", "register", file, "--node", nodes.Ke.Url, "--token", TestIssuer.Authority());

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("bad.yaml cannot be used; nothing was sent:", run.Stderr);
        Assert.Contains("  details.category: must be one of biometrics,", run.Stderr);
        var listed = await nodes.Ke.Client.ListSystemsAsync(new ListSystemsRequest { ProductId = productId }, TestNode.AsAuthority);
        Assert.Empty(listed.Systems);
    }

    [Fact]
    public async Task NodeThatIsDown_ExitsWithThreeAndSaysWhy()
    {
        var down = $"http://127.0.0.1:{FreePorts.Next()}";

        var run = await _fedreg.RunAsync("systems", "list", "--node", down);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains($"Cannot connect to {down}: nothing is listening there. The node is not running, or the port is wrong", run.Stderr);
    }

    [Fact]
    public async Task Register_WithoutAToken_ExitsWithFourAndSaysHowToGiveOne()
    {
        var file = _fedreg.WriteFile("product.yaml", Manifest(NewProductId()));

        var run = await _fedreg.RunAsync("systems", "register", file, "--node", nodes.Ke.Url);

        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Contains($"{nodes.Ke.Url} did not accept the token", run.Stdout);
        Assert.Contains("FEDREG_TOKEN", run.Stdout);
    }

    [Fact]
    public async Task BadUsage_ExitsWithTwo()
    {
        var run = await _fedreg.RunAsync("systems", "decide");

        Assert.True(run.ExitCode == 2, run.ToString());
    }

    [Fact]
    public async Task Help_DocumentsTheExitCodes()
    {
        var run = await _fedreg.RunAsync("--help");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("3    a node could not be reached", run.Stdout);
    }

    [Fact]
    public async Task IncidentReport_TwiceFromOneFile_ReportsOneIncidentThatTheListShows()
    {
        var productId = NewProductId();
        var file = _fedreg.WriteFile("incident.yaml", $"""
            title: Chest pain under-prioritised
            description: Two patients over 75 were given the fourth urgency level.
            product_id: {productId}
            severity: serious
            harm_types: [health_and_safety]
            occurred_at: 2026-11-02T08:30:00Z
            aware_at: 2026-11-03T10:00:00Z
            affected_jurisdictions: [KE]
            reporter: CLI test
            """);
        _fedreg.Environment["FEDREG_TOKEN"] = TestIssuer.Authority();

        var first = await _fedreg.RunAsync("incidents", "report", file, "--node", nodes.Ke.Url);
        var again = await _fedreg.RunAsync("incidents", "report", file, "--node", nodes.Ke.Url);
        var list = await _fedreg.RunAsync("incidents", "list", "--product", productId, "--node", nodes.Ke.Url, "-o", "json");

        Assert.True(first.ExitCode == 0, first.ToString());
        var id = IncidentId().Match(first.Stdout).Value;
        Assert.Contains($"Reported {id}: serious", again.Stdout);
        Assert.Equal(id, JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().Single().GetProperty("id").GetString());
    }

    [Fact]
    public async Task Import_InterruptedThenRerun_AcceptsEveryRowOnceAndReportsTheBadOne()
    {
        // Rows one at a time, and enough of them, that the import is still running when the kill comes: 8 at a time, a
        // short file can be done before this test has read the progress line it waits for.
        const int Good = 3000;
        var batch = Guid.NewGuid().ToString("N")[..10];
        var csv = new StringBuilder("product_id,provider,name,version,category,proposed_risk_tier,markets,deployment_status,contact_email,intended_purpose\n");
        for (var i = 1; i <= Good; i++)
        {
            csv.Append($"imp-{batch}.example/p{i},{TwoNodes.Provider},Imp{batch} {i},1.0.{i},health,limited,KE;TZ,pilot,imp@acme-health.example,\"Suggests, for review, an urgency level ({i}).\"\n");
            if (i == 30)
            {
                csv.Append($"imp-{batch}.example/bad,{TwoNodes.Provider},Imp{batch} bad,1.0,astrology,high,KE,pilot,imp@acme-health.example,Bad row\n");
            }
        }
        var file = _fedreg.WriteFile("registrations.csv", csv.ToString());
        _fedreg.Environment["FEDREG_TOKEN"] = TestIssuer.Authority();

        var (killed, firstProgress) = await _fedreg.RunAndKillAsync(
            line => ProgressLine().Match(line) is { Success: true } m && int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 5,
            "import", file, "--node", nodes.Ke.Url, "--parallel", "1");
        var rerun = await _fedreg.RunAsync("import", file, "--node", nodes.Ke.Url, "--output", "json");

        Assert.True(killed, "the first run ended before it could be interrupted:\n" + firstProgress);
        Assert.True(rerun.ExitCode == 1, rerun.ToString());
        var report = JsonDocument.Parse(rerun.Stdout).RootElement;
        Assert.Equal(Good + 1, report.GetProperty("processed").GetInt32());
        Assert.True(report.GetProperty("accepted").GetInt32() == Good, rerun.ToString());
        Assert.InRange(report.GetProperty("alreadyRegistered").GetInt32(), 5, Good - 1);
        var rejected = Assert.Single(report.GetProperty("results").EnumerateArray(), r => !r.GetProperty("accepted").GetBoolean());
        Assert.Equal(31, rejected.GetProperty("row").GetInt32());
        Assert.StartsWith("details.category: must be one of", rejected.GetProperty("reason").GetString());
        var onNode = await ProductsOnKeAsync($"imp-{batch}.");
        Assert.Equal(Good, onNode.Count);
        Assert.Equal(Good, onNode.Distinct().Count());
    }

    [Fact]
    public async Task Import_InterruptedWithCtrlC_ReportsTheRowsDoneAndExits130()
    {
        var batch = Guid.NewGuid().ToString("N")[..10];
        // Rows the node accepts, one at a time, and many of them, so that the import is still running when the interrupt
        // comes. SIGINT must reach fedreg: run from a shell that ignores it (a script's background job, "cmd &", passes
        // the ignoring on), fedreg runs all the rows and this test fails.
        var csv = new StringBuilder("product_id,provider,name,version,category,proposed_risk_tier,contact_email,intended_purpose\n");
        for (var i = 1; i <= 10_000; i++)
        {
            csv.Append($"int-{batch}.example/p{i},{TwoNodes.Provider},Int{batch} {i},1.0,finance,minimal,int@acme-health.example,Scores loan applications ({i}).\n");
        }
        var file = _fedreg.WriteFile("registrations.csv", csv.ToString());
        _fedreg.Environment["FEDREG_TOKEN"] = TestIssuer.Authority();

        var run = await _fedreg.RunAndInterruptAsync(line => line.StartsWith("import: 3/", StringComparison.Ordinal), "import", file, "--node", nodes.Ke.Url, "--parallel", "1");

        Assert.NotNull(run);
        Assert.True(run.ExitCode == 130, run.ToString());
        Assert.Matches(@"^\d+ of 10000 rows processed: \d+ accepted", run.Stdout);
        Assert.Contains("rerun the same command to continue", run.Stderr);
    }

    [Fact]
    public async Task FederationSummary_OnANodeWithoutPeers_PrintsTheDimensionColumnsAndNoRows()
    {
        var run = await _fedreg.RunAsync("federation", "summary", "--dimensions", "risk_tier,category", "--node", nodes.Ke.Url, "--token", TestIssuer.Authority());

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("NODE  POLICY  RISK_TIER  CATEGORY  COUNT", run.Stdout.Split('\n')[0]);
    }

    [Fact]
    public async Task FederationProduct_AsJson_NamesTheProduct()
    {
        var productId = NewProductId();

        var run = await _fedreg.RunAsync("federation", "product", productId, "--node", nodes.Ke.Url, "--token", TestIssuer.Authority(), "-o", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(productId, JsonDocument.Parse(run.Stdout).RootElement.GetProperty("productId").GetString());
    }

    [Fact]
    public async Task ExportIncidents_ToStdoutAndToAFile_WritesTheNodesCsvAndJson()
    {
        var productId = NewProductId();
        var incident = await nodes.Ke.Client.ReportIncidentAsync(new ReportIncidentRequest
        {
            Details = new IncidentDetails
            {
                Title = "Chest pain, \"priority 4\"",
                Description = "Two patients over 75.\nBoth waited over an hour.",
                ProductId = productId,
                Severity = Severity.Serious,
                HarmTypes = { HarmType.HealthAndSafety },
                AffectedGroups = { "patients over 75" },
                OccurredAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-3)),
                AwareAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-1)),
                AffectedJurisdictions = { "KE" },
                Reporter = "-CLI test desk",
            },
        }, TestNode.AsAuthority);
        var file = Path.Combine(_fedreg.Home, "out", "incidents.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        _fedreg.Environment["FEDREG_TOKEN"] = TestIssuer.Authority();

        var csv = await _fedreg.RunAsync("export", "incidents", "--product", productId, "--node", nodes.Ke.Url);
        var json = await _fedreg.RunAsync("export", "incidents", "--format", "json", "--out", file, "--product", productId, "--node", nodes.Ke.Url);

        Assert.True(csv.ExitCode == 0, csv.ToString());
        var row = Assert.Single(CsvTable.Parse(csv.Stdout).Rows);
        Assert.Equal(incident.Id, row["incident_id"]);
        Assert.Equal("Chest pain, \"priority 4\"", row["title"]);
        Assert.Equal("Two patients over 75.\nBoth waited over an hour.", row["description"]);
        Assert.Equal("'-CLI test desk", row["reporter"]);
        Assert.Equal("""["patients over 75"]""", row["Alleged harmed or nearly harmed parties"]);
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.StartsWith($"Exported incidents from {nodes.Ke.Url} to {file} (", json.Stdout);
        var document = JsonDocument.Parse(File.ReadAllText(file)).RootElement;
        var record = Assert.Single(document.GetProperty("incidents").EnumerateArray());
        Assert.Equal(incident.Id, record.GetProperty("incident_id").GetString());
        Assert.Equal("-CLI test desk", record.GetProperty("reporter").GetString());
        Assert.Equal(["out/incidents.json"], Directory.GetFiles(Path.GetDirectoryName(file)!).Select(f => Path.GetRelativePath(_fedreg.Home, f)));
    }

    [Fact]
    public async Task ExportRegistrations_WithoutAToken_WritesThePublicRegister()
    {
        var draft = NewProductId();
        await _fedreg.RunAsync("systems", "register", _fedreg.WriteFile("p.yaml", Manifest(draft)), "--node", nodes.Ke.Url, "--token", TestIssuer.Authority());

        var anonymous = await _fedreg.RunAsync("export", "registrations", "--product", draft, "--node", nodes.Ke.Url);
        var authority = await _fedreg.RunAsync("export", "registrations", "--product", draft, "--node", nodes.Ke.Url, "--token", TestIssuer.Authority());

        Assert.True(anonymous.ExitCode == 0, anonymous.ToString());
        Assert.StartsWith("provider_name,provider_address,provider_country,", anonymous.Stdout);
        Assert.Empty(CsvTable.Parse(anonymous.Stdout).Rows);
        var row = Assert.Single(CsvTable.Parse(authority.Stdout).Rows);
        Assert.Equal(draft, row["product_id"]);
        Assert.Equal("submitted", row["registration_status"]);
        Assert.Equal("""["KE","FR"]""", row["member_states"]);
    }

    [Fact]
    public async Task ExportIncidents_WithoutAToken_ExitsWithFourAndLeavesNoFile()
    {
        var file = Path.Combine(_fedreg.Home, "incidents.csv");

        var run = await _fedreg.RunAsync("export", "incidents", "--out", file, "--node", nodes.Ke.Url);

        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Contains($"{nodes.Ke.Url} did not accept the token", run.Stderr);
        Assert.Empty(Directory.GetFiles(_fedreg.Home, "*incidents.csv*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task ExportIncidents_WithAnUnknownFormat_ExitsWithTwoAndSendsNothing()
    {
        var run = await _fedreg.RunAsync("export", "incidents", "--format", "xlsx", "--node", nodes.Ke.Url, "--token", TestIssuer.Authority());

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("xlsx", run.Stderr);
    }

    [GeneratedRegex(@"^import: (\d+)/\d+ rows")]
    private static partial Regex ProgressLine();

    [GeneratedRegex(@"KE-INC-[0-9A-Z]{26}")]
    private static partial Regex IncidentId();
}
