using FederatedRegistry.Cli.Manifests;
using FederatedRegistry.Contracts.V1;

namespace FederatedRegistry.Cli.Tests;

public sealed class ManifestTests
{
    private static string Example(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "examples", name));

    [Fact]
    public void ExampleProductManifest_ReadsEveryField()
    {
        var manifest = ProductManifest.Parse(Example("product.yaml"), "product.yaml");

        Assert.Equal("acme-health.example/triage-assist", manifest.ProductId);
        Assert.Equal("acme-health", manifest.ProviderSlug);
        Assert.True(manifest.Submit);
        Assert.Equal(Category.Health, manifest.Details.Category);
        Assert.Equal(RiskTier.High, manifest.Details.ProposedRiskTier);
        Assert.Equal(DeploymentStatus.Pilot, manifest.Details.DeploymentStatus);
        Assert.Equal(["KE", "TZ", "UG", "FR"], manifest.Details.Markets);
        Assert.StartsWith("Retrospective validation", manifest.Details.Assessment.ConformityEvidence);
    }

    [Fact]
    public void ProviderSlug_BecomesEachNodesOwnProviderId()
    {
        var manifest = ProductManifest.Parse(Example("product.yaml"), "product.yaml");

        Assert.Equal("KE-PRV-acme-health", manifest.ToRequest("KE").ProviderId);
        Assert.Equal("FR-PRV-acme-health", manifest.ToRequest("FR").ProviderId);
    }

    [Fact]
    public void JsonManifest_InTheHttpApisCamelCase_ReadsLikeYaml()
    {
        var json = """
            {"productId": "acme.example/x", "providerId": "KE-PRV-acme", "submit": false,
             "details": {"name": "X", "category": "CATEGORY_FINANCE", "proposedRiskTier": "RISK_TIER_LIMITED", "markets": ["ke"]}}
            """;

        var manifest = ProductManifest.Parse(json, "x.json");

        Assert.Equal("KE-PRV-acme", manifest.ToRequest("FR").ProviderId);
        Assert.False(manifest.Submit);
        Assert.Equal(Category.Finance, manifest.Details.Category);
        Assert.Equal(RiskTier.Limited, manifest.Details.ProposedRiskTier);
        Assert.Equal(["KE"], manifest.Details.Markets);
    }

    [Fact]
    public void UnknownCategory_IsRejectedNamingTheFieldTheLineAndTheChoices()
    {
        var yaml = """
            product_id: acme.example/x
            provider: acme
            details:
              name: X
              category: healthcare
            """;

        var e = Assert.Throws<ManifestException>(() => ProductManifest.Parse(yaml, "p.yaml"));

        var problem = Assert.Single(e.Problems);
        Assert.Equal("details.category", problem.Field);
        Assert.Contains("must be one of", problem.Rule);
        Assert.Contains("health", problem.Rule);
        Assert.Contains("\"healthcare\"", problem.Rule);
    }

    [Fact]
    public void MissingFields_AreAllNamedAtOnce()
    {
        var e = Assert.Throws<ManifestException>(() => ProductManifest.Parse("details:\n  version: 1.0\n", "p.yaml"));

        Assert.Equal(["product_id", "provider", "details.name", "details.category"], e.Problems.Select(p => p.Field));
    }

    [Fact]
    public void MisspeltField_IsNamedRatherThanDropped()
    {
        var yaml = "product_id: a.example/x\nprovider: acme\ndetails:\n  name: X\n  category: health\n  intended_purpse: typo\n";

        var e = Assert.Throws<ManifestException>(() => ProductManifest.Parse(yaml, "p.yaml"));

        var problem = Assert.Single(e.Problems);
        Assert.Equal("details.intended_purpse", problem.Field);
        Assert.Contains("line 6", problem.Rule);
    }

    [Fact]
    public void BothProviderAndProviderId_AreRefused()
    {
        var yaml = "product_id: a.example/x\nprovider: acme\nprovider_id: KE-PRV-acme\ndetails:\n  name: X\n  category: health\n";

        var e = Assert.Throws<ManifestException>(() => ProductManifest.Parse(yaml, "p.yaml"));

        Assert.Equal("provider_id", Assert.Single(e.Problems).Field);
    }

    [Fact]
    public void BrokenYaml_NamesTheLine()
    {
        var e = Assert.Throws<ManifestException>(() => ProductManifest.Parse("product_id: [unclosed\nprovider: x\n", "p.yaml"));

        Assert.Equal("(file)", e.Problems[0].Field);
        Assert.Contains("line", e.Problems[0].Rule);
    }

    [Fact]
    public void ExampleIncident_ReadsEnumsTimesAndListsAndGetsARequestIdFromItsContent()
    {
        var text = Example("incident.yaml");

        var first = IncidentManifest.Parse(text, "incident.yaml");
        var again = IncidentManifest.Parse(text, "incident.yaml");

        Assert.Equal(Severity.Serious, first.Details.Severity);
        Assert.Equal([HarmType.HealthAndSafety, HarmType.DiscriminationAndBias], first.Details.HarmTypes);
        Assert.Equal(SuspectedCause.ModelFailure, first.Details.SuspectedCause);
        Assert.Equal(new DateTimeOffset(2026, 11, 3, 10, 0, 0, TimeSpan.Zero), first.Details.AwareAt.ToDateTimeOffset());
        Assert.Equal(["KE", "TZ"], first.Details.AffectedJurisdictions);
        Assert.Equal(first.RequestId, again.RequestId);
    }

    [Fact]
    public void Incident_WithoutSystemOrProduct_IsRejectedNamingProductId()
    {
        var e = Assert.Throws<ManifestException>(() => IncidentManifest.Parse("title: T\nseverity: minor\n", "i.yaml"));

        Assert.Equal("product_id", Assert.Single(e.Problems).Field);
    }

    [Fact]
    public void CsvImport_ReadsQuotedCellsAndReportsABadRowWithoutStoppingTheOthers()
    {
        var csv = "product_id,provider,name,category,markets,intended_purpose\n"
            + "a.example/one,acme,One,health,KE;TZ,\"Triage, with a comma and \"\"quotes\"\"\"\n"
            + "a.example/two,acme,Two,astrology,KE,Two\n";

        var rows = ImportFile.Read(csv, "r.csv");

        Assert.Equal(2, rows.Count);
        Assert.Equal("Triage, with a comma and \"quotes\"", rows[0].Manifest!.Details.IntendedPurpose);
        Assert.Equal(["KE", "TZ"], rows[0].Manifest!.Details.Markets);
        Assert.Null(rows[1].Manifest);
        Assert.Equal("a.example/two", rows[1].ProductId);
        Assert.Equal("details.category", Assert.Single(rows[1].Problems).Field);
    }

    [Fact]
    public void CsvImport_IsCountedFirst_ThenReadOnlyAsFarAsTheRowsTaken()
    {
        var csv = new System.Text.StringBuilder("product_id,provider,name,category\n");
        for (var i = 1; i <= 20_000; i++)
        {
            csv.Append($"a.example/{i},acme,System {i},health\n").Append(i % 1000 == 0 ? "\n" : "");
        }
        var readers = new List<CountingReader>();

        var rows = ImportFile.Open(() => { readers.Add(new CountingReader(csv.ToString())); return readers[^1]; }, "r.csv");
        var first = rows.Rows.Take(2).ToList();

        Assert.Equal(20_000, rows.Count);
        Assert.Equal(["a.example/1", "a.example/2"], first.Select(r => r.ProductId));
        Assert.Equal([1, 2], first.Select(r => r.Number));
        Assert.Equal(2, readers.Count);
        Assert.Equal(csv.Length, readers[0].CharsRead);
        Assert.True(readers[1].CharsRead < csv.Length / 4, $"read {readers[1].CharsRead} of {csv.Length} characters for two rows");
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void CsvRecords_SplitAcrossTheReadersBuffers_AreTheSame(string lineEnd)
    {
        // Quoted fields with doubled quotes, commas and line ends, long enough that buffer boundaries fall inside them.
        var cell = "\"" + string.Concat(Enumerable.Repeat("a \"\"b\"\", c" + lineEnd, 3000)) + "\"";
        var text = string.Join(lineEnd, Enumerable.Range(0, 40).Select(i => $"{i},{cell},x")) + lineEnd;

        var records = Csv.Records(new StringReader(text)).ToList();

        Assert.Equal(40, records.Count);
        var expected = string.Concat(Enumerable.Repeat("a \"b\", c" + lineEnd, 3000));
        Assert.Equal(Enumerable.Range(0, 40).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), records.Select(r => r[0]));
        Assert.All(records, r => Assert.Equal([r[0], expected, "x"], r));
    }

    private sealed class CountingReader(string text) : StringReader(text)
    {
        public int CharsRead { get; private set; }

        public override int Read(char[] buffer, int index, int count)
        {
            var read = base.Read(buffer, index, count);
            CharsRead += read;
            return read;
        }
    }

    [Fact]
    public void CsvImport_WithAnUnknownColumn_StopsBeforeAnythingIsSent()
    {
        var e = Assert.Throws<ManifestException>(() => ImportFile.Read("product_id,colour\na,b\n", "r.csv"));

        Assert.Equal("colour", Assert.Single(e.Problems).Field);
    }

    [Fact]
    public void JsonImport_ReadsAListOfManifests()
    {
        var json = """{"registrations": [{"product_id": "a.example/1", "provider": "acme", "details": {"name": "A", "category": "health"}}, {"product_id": "a.example/2"}]}""";

        var rows = ImportFile.Read(json, "r.json");

        Assert.NotNull(rows[0].Manifest);
        Assert.Equal(2, rows[1].Number);
        Assert.Contains(rows[1].Problems, p => p.Field == "details");
    }

    [Fact]
    public void ExampleCsv_HasNoBadRows()
    {
        var rows = ImportFile.Read(Example("registrations.csv"), "registrations.csv");

        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Empty(r.Problems));
    }

    [Fact]
    public void ExamplePolicyYaml_IsValid_AndTheSamePolicyAsTheAnnotatedJson()
    {
        var fromYaml = PolicyFile.Read(Example("policy.yaml"), "policy.yaml", nodeCode: "KE");
        var fromJson = PolicyFile.Read(Example("policy.json"), "policy.json", nodeCode: "KE");

        Assert.Equal(Canonical(fromJson), Canonical(fromYaml));
    }

    [Fact]
    public void PolicyFile_BreakingTheNodesRules_NamesEachFieldByItsPath()
    {
        var yaml = """
            version: 1
            node_code: KE
            grants:
              - audience: observers
                datasets:
                  systems:
                    summary: { dimensions: [risk_tier, colour], min_count: 0 }
            """;

        var e = Assert.Throws<ManifestException>(() => PolicyFile.Read(yaml, "policy.yaml"));

        Assert.Contains(e.Problems, p => p.Field == "grants[0].datasets.systems.summary.dimensions[1]" && p.Rule.StartsWith("'colour' is not a dimension of systems", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Field == "grants[0].datasets.systems.summary.min_count" && p.Rule == "must be at least 1");
    }

    [Fact]
    public void PolicyFile_ForAnotherNode_NamesNodeCode()
    {
        var e = Assert.Throws<ManifestException>(() => PolicyFile.Read(Example("policy.yaml"), "policy.yaml", nodeCode: "FR"));

        Assert.Equal("node_code: must be FR, the code of this node", Assert.Single(e.Problems).ToString());
    }

    [Fact]
    public void ExampleAdvisory_ReadsEveryField()
    {
        var request = AdvisoryManifest.Parse(Example("advisory.yaml"), "advisory.yaml");

        Assert.StartsWith("Triage models under-prioritise", request.Title);
        Assert.Equal([Category.Health], request.Categories);
        Assert.Equal(2, request.Mitigations.Count);
        Assert.NotEmpty(request.LessonsLearned);
    }

    [Fact]
    public void Advisory_WithoutCategoriesOrSummary_NamesBothAndIsNotSent()
    {
        var e = Assert.Throws<ManifestException>(() => AdvisoryManifest.Parse("title: Something\nmitigations: [one]\n", "advisory.yaml"));

        Assert.Contains(e.Problems, p => p.Field == "summary" && p.Rule == "is required");
        Assert.Contains(e.Problems, p => p.Field == "categories" && p.Rule.StartsWith("is required", StringComparison.Ordinal));
    }

    private static string Canonical(string json) =>
        FederatedRegistry.Domain.Sharing.SharingPolicyDocument.Write(FederatedRegistry.Domain.Sharing.SharingPolicyDocument.Parse(json).Value!);
}
