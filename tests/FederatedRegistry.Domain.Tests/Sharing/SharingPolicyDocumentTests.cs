using System.Xml.Linq;
using FederatedRegistry.Domain.Sharing;

namespace FederatedRegistry.Domain.Tests.Sharing;

public sealed class SharingPolicyDocumentTests
{
    internal static string Example()
    {
        using var stream = typeof(SharingPolicyDocumentTests).Assembly.GetManifestResourceStream("Sharing/example-policy.json")
            ?? throw new InvalidOperationException("The example policy is not embedded in the test assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    internal static SharingPolicy ExamplePolicy()
    {
        var outcome = SharingPolicyDocument.Parse(Example());
        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        return outcome.Value!;
    }

    /// <summary>A policy of KE with one grant whose datasets object is <paramref name="datasets"/>.</summary>
    private static string OneGrant(string datasets, string audience = "FR") =>
        $$"""{ "version": 1, "node_code": "KE", "grants": [ { "audience": "{{audience}}", "datasets": {{datasets}} } ] }""";

    private static IReadOnlyList<FieldViolation> FaultsOf(string json, string? nodeCode = null)
    {
        var outcome = SharingPolicyDocument.Parse(json, nodeCode);
        Assert.False(outcome.IsSuccess, "The document was accepted.");
        Assert.Equal(ErrorKind.Invalid, outcome.Error!.Kind);
        return outcome.Error.Violations;
    }

    [Fact]
    public void Parse_TheAnnotatedExample_ReadsEveryGrant()
    {
        var policy = ExamplePolicy();

        Assert.Equal(4, policy.Version);
        Assert.Equal("KE", policy.NodeCode);
        Assert.Equal(["observers", "all-peers", "FR"], policy.Grants.Select(g => g.Audience));
        var observers = policy.Grants[0];
        Assert.Equal(["status", "risk_tier", "category", "month"], observers.Systems!.Summary!.Dimensions);
        Assert.Equal(5, observers.Systems.Summary.MinCount);
        Assert.Equal(3, observers.Incidents!.Summary!.MinCount);
        Assert.Equal(new AlertsGrant(observers.Incidents.Alerts!.Fields, Severity.Serious, CrossBorderOnly: true, AffectingRecipientOnly: false),
            observers.Incidents.Alerts);
        Assert.True(observers.Advisories);
        var fr = policy.Grants[2];
        Assert.Equal(["product_id", "name", "category", "risk_tier", "status"], fr.Systems!.Records!.Fields);
        Assert.Equal(["status", "category"], fr.Systems.Records.Filter!.Select(t => t.Field));
        Assert.Equal(["health", "finance"], fr.Systems.Records.Filter![1].Values);
        Assert.Null(fr.Systems.Summary);
        Assert.False(fr.Advisories);
    }

    [Fact]
    public void TheExampleInTheDocComment_IsTheExampleResource()
    {
        var xml = Path.ChangeExtension(typeof(SharingPolicyDocument).Assembly.Location, ".xml");
        Assert.True(File.Exists(xml), $"The domain's XML documentation is missing at {xml}.");
        var member = XDocument.Load(xml).Descendants("member")
            .Single(m => (string?)m.Attribute("name") == "T:" + typeof(SharingPolicyDocument).FullName);
        var documented = member.Element("remarks")!.Element("code")!.Value;

        static string[] Lines(string text) => [.. text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)];

        Assert.Equal(Lines(Example()), Lines(documented));
    }

    [Fact]
    public void Write_ThenParse_GivesTheSameText()
    {
        var written = SharingPolicyDocument.Write(ExamplePolicy());

        var reread = SharingPolicyDocument.Parse(written);

        Assert.True(reread.IsSuccess, reread.Error?.Message);
        Assert.Equal(written, SharingPolicyDocument.Write(reread.Value!));
    }

    [Fact]
    public void Write_SpellsOutDefaultsAndUsesSnakeCase()
    {
        var policy = new SharingPolicy(2, "KE",
        [
            new AudienceGrant("INTL", Incidents: new DatasetGrant(Summary: new SummaryGrant(["severity"]), Alerts: new AlertsGrant(["id"], AffectingRecipientOnly: false))),
        ]);

        var json = SharingPolicyDocument.Write(policy);

        Assert.Contains("\"node_code\": \"KE\"", json, StringComparison.Ordinal);
        Assert.Contains("\"min_count\": 3", json, StringComparison.Ordinal);
        Assert.Contains("\"cross_border_only\": true", json, StringComparison.Ordinal);
        Assert.Contains("\"affecting_recipient_only\": false", json, StringComparison.Ordinal);
        Assert.DoesNotContain("min_severity", json, StringComparison.Ordinal);
        Assert.DoesNotContain("advisories", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WithNoGrants_IsAPolicyThatSharesNothing()
    {
        var outcome = SharingPolicyDocument.Parse("""{ "version": 1, "node_code": "KE", "grants": [] }""");

        Assert.True(outcome.IsSuccess);
        Assert.Equal(SharingPolicyDocument.Write(SharingPolicy.DenyAll("KE")), SharingPolicyDocument.Write(outcome.Value!));
    }

    [Fact]
    public void Parse_AMinCountBelowOne_NamesItsPath()
    {
        var json = OneGrant("""{ "incidents": { "summary": { "dimensions": ["severity"], "min_count": 0 } } }""");

        Violations.NamesOnly(FaultsOf(json), "grants[0].datasets.incidents.summary.min_count", "must be at least 1");
    }

    [Fact]
    public void Parse_AMinCountInTheThirdGrant_NamesThatGrant()
    {
        var json = """
            { "version": 1, "node_code": "KE", "grants": [
              { "audience": "FR", "datasets": { "advisories": { "send": true } } },
              { "audience": "BR", "datasets": { "advisories": { "send": true } } },
              { "audience": "observers", "datasets": { "incidents": { "summary": { "dimensions": ["month"], "min_count": -2 } } } } ] }
            """;

        Violations.NamesOnly(FaultsOf(json), "grants[2].datasets.incidents.summary.min_count", "must be at least 1");
    }

    [Fact]
    public void Parse_AMinCountLeftOut_IsThree()
    {
        var outcome = SharingPolicyDocument.Parse(OneGrant("""{ "systems": { "summary": { "dimensions": ["status"] } } }"""));

        Assert.Equal(3, outcome.Value!.Grants[0].Systems!.Summary!.MinCount);
    }

    [Theory]
    [InlineData("""{ "version": 1, "node_code": "KE", "grants": [], "owner": "x" }""", "owner", "not a known property")]
    [InlineData("""{ "version": 1, "node_code": "KE", "grants": [ { "audience": "FR", "datasets": { "advisories": { "send": true } }, "note": 1 } ] }""", "grants[0].note", "not a known property")]
    [InlineData("""{ "version": 1, "node_code": "KE", "grants": [ { "audience": "FR", "datasets": { "advisories": { "send": true, "when": "always" } } } ] }""", "grants[0].datasets.advisories.when", "not a known property")]
    public void Parse_AnUnknownProperty_IsRefusedByItsPath(string json, string field, string words) =>
        Violations.NamesOnly(FaultsOf(json), field, words);

    [Fact]
    public void Parse_AnUnknownDataset_IsRefusedNamingTheDatasets() =>
        Violations.NamesOnly(FaultsOf(OneGrant("""{ "models": { "summary": { "dimensions": ["status"] } } }""")),
            "grants[0].datasets.models", "is not a dataset; expected one of: systems, incidents, advisories");

    [Fact]
    public void Parse_AlertsOfSystems_AreRefused() =>
        Violations.NamesOnly(FaultsOf(OneGrant("""{ "systems": { "alerts": { "fields": ["id"] } } }""")),
            "grants[0].datasets.systems.alerts", "alerts are for incidents only");

    [Fact]
    public void Parse_AnUnknownDimension_IsRefusedByItsIndex() =>
        Violations.NamesOnly(FaultsOf(OneGrant("""{ "systems": { "summary": { "dimensions": ["status", "severity"] } } }""")),
            "grants[0].datasets.systems.summary.dimensions[1]", "'severity' is not a dimension of systems; expected one of: status, risk_tier");

    [Fact]
    public void Parse_TheReporterField_IsNotShareable() =>
        Violations.NamesOnly(FaultsOf(OneGrant("""{ "incidents": { "records": { "fields": ["id", "reporter"] } } }""")),
            "grants[0].datasets.incidents.records.fields[1]", "'reporter' is not a shareable field of incidents");

    [Fact]
    public void Parse_AnUnknownAlertField_IsRefused() =>
        Violations.NamesOnly(FaultsOf(OneGrant("""{ "incidents": { "alerts": { "fields": ["history"] } } }""")),
            "grants[0].datasets.incidents.alerts.fields[0]", "'history' is not a shareable field of incidents");

    [Fact]
    public void Parse_AFilterOnAFreeTextField_IsRefused() =>
        Violations.NamesOnly(FaultsOf(OneGrant("""{ "systems": { "records": { "fields": ["id"], "filter": { "name": ["x"] } } } }""")),
            "grants[0].datasets.systems.records.filter.name", "is not a field a filter of systems can test");

    [Fact]
    public void Parse_AnUnknownFilterValue_IsRefusedByItsIndex() =>
        Violations.NamesOnly(FaultsOf(OneGrant("""{ "systems": { "records": { "fields": ["id"], "filter": { "status": ["registered", "live"] } } } }""")),
            "grants[0].datasets.systems.records.filter.status[1]", "'live' is not a value of status");

    [Fact]
    public void Parse_AnEmptyFilterTerm_IsRefused() =>
        Violations.NamesOnly(FaultsOf(OneGrant("""{ "incidents": { "records": { "fields": ["id"], "filter": { "severity": [] } } } }""")),
            "grants[0].datasets.incidents.records.filter.severity", "must name at least one of");

    [Fact]
    public void Parse_ARepeatedProperty_IsRefused() =>
        Violations.NamesOnly(FaultsOf("""{ "version": 1, "version": 2, "node_code": "KE", "grants": [] }"""), "version", "must not appear twice");

    [Fact]
    public void Parse_ARepeatedDimension_IsRefused() =>
        Violations.NamesOnly(FaultsOf(OneGrant("""{ "systems": { "summary": { "dimensions": ["status", "month", "status"] } } }""")),
            "grants[0].datasets.systems.summary.dimensions[2]", "must not repeat 'status'");

    [Fact]
    public void Parse_ARepeatedAudience_IsRefusedNamingTheFirstGrant()
    {
        var json = """
            { "version": 1, "node_code": "KE", "grants": [
              { "audience": "FR", "datasets": { "advisories": { "send": true } } },
              { "audience": "FR", "datasets": { "systems": { "summary": { "dimensions": ["status"] } } } } ] }
            """;

        Violations.NamesOnly(FaultsOf(json), "grants[1].audience", "grants[0] already names FR");
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("XX")]
    [InlineData("observer")]
    [InlineData("all_peers")]
    [InlineData("")]
    public void Parse_AnAudienceThatIsNoNodeCodeNorClass_IsRefused(string audience) =>
        Violations.NamesOnly(FaultsOf(OneGrant("""{ "advisories": { "send": true } }""", audience)), "grants[0].audience", "must be a node code");

    [Fact]
    public void Parse_AnAudienceNamingTheNodeItself_IsRefused() =>
        Violations.NamesOnly(FaultsOf(OneGrant("""{ "advisories": { "send": true } }""", "KE")), "grants[0].audience", "must not name this node itself");

    [Theory]
    [InlineData("ke")]
    [InlineData("XX")]
    [InlineData("K")]
    public void Parse_ABadNodeCode_IsRefused(string code) =>
        Violations.NamesOnly(FaultsOf($$"""{ "version": 1, "node_code": "{{code}}", "grants": [] }"""), "node_code", "must be a node code");

    [Fact]
    public void Parse_ForAnotherNode_IsRefusedNamingThisNode() =>
        Violations.NamesOnly(FaultsOf("""{ "version": 1, "node_code": "FR", "grants": [] }""", nodeCode: "KE"), "node_code", "must be KE, the code of this node");

    [Theory]
    [InlineData("observers")]
    [InlineData("INTL")]
    public void Parse_AlertsToObserversAffectingTheRecipientOnly_AreRefused(string audience) =>
        Violations.NamesOnly(FaultsOf(OneGrant("""{ "incidents": { "alerts": { "fields": ["id"] } } }""", audience)),
            "grants[0].datasets.incidents.alerts.affecting_recipient_only", "must be false");

    [Fact]
    public void Parse_AGrantWithNoDataset_IsRefused() =>
        Violations.NamesOnly(FaultsOf(OneGrant("{}")), "grants[0].datasets", "must grant at least one dataset");

    [Fact]
    public void Parse_ADatasetWithNoGranularity_IsRefused() =>
        Violations.NamesOnly(FaultsOf(OneGrant("""{ "incidents": {} }""")), "grants[0].datasets.incidents", "must grant at least one of: summary, records, alerts");

    [Theory]
    [InlineData("""{ "version": "4", "node_code": "KE", "grants": [] }""", "version", "must be a whole number")]
    [InlineData("""{ "version": 2.5, "node_code": "KE", "grants": [] }""", "version", "must be a whole number")]
    [InlineData("""{ "version": 0, "node_code": "KE", "grants": [] }""", "version", "must be at least 1")]
    [InlineData("""{ "node_code": "KE", "grants": [] }""", "version", "is required")]
    [InlineData("""{ "version": 1, "node_code": 7, "grants": [] }""", "node_code", "must be a string")]
    [InlineData("""{ "version": 1, "node_code": "KE", "grants": {} }""", "grants", "must be a JSON array")]
    [InlineData("""{ "version": 1, "node_code": "KE", "grants": [ 3 ] }""", "grants[0]", "must be a JSON object")]
    [InlineData("""{ "version": 1, "node_code": "KE", "grants": [ { "audience": "FR", "datasets": { "advisories": { "send": "yes" } } } ] }""", "grants[0].datasets.advisories.send", "must be true or false")]
    [InlineData("""{ "version": 1, "node_code": "KE", "grants": [ { "audience": "FR", "datasets": { "systems": { "summary": { "dimensions": "status" } } } } ] }""", "grants[0].datasets.systems.summary.dimensions", "must be a JSON array")]
    [InlineData("""{ "version": 1, "node_code": "KE", "grants": [ { "audience": "FR", "datasets": { "systems": { "summary": { "dimensions": [1] } } } } ] }""", "grants[0].datasets.systems.summary.dimensions[0]", "must be a string")]
    [InlineData("""{ "version": 1, "node_code": "KE", "grants": [ { "audience": "FR", "datasets": { "incidents": { "alerts": { "fields": ["id"], "min_severity": "grave" } } } } ] }""", "grants[0].datasets.incidents.alerts.min_severity", "must be one of: critical, serious, moderate, minor")]
    public void Parse_AValueOfTheWrongKind_IsRefusedByItsPath(string json, string field, string words) =>
        Violations.NamesOnly(FaultsOf(json), field, words);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("[]")]
    [InlineData("null")]
    public void Parse_ADocumentThatIsNoObject_IsRefused(string json) =>
        Assert.Equal("document", Assert.Single(FaultsOf(json)).Field);

    [Fact]
    public void Parse_MalformedJson_SaysWhere()
    {
        var violation = Assert.Single(FaultsOf("{ \"version\": 1,\n  \"node_code\": KE }"));

        Assert.Equal("document", violation.Field);
        Assert.Contains("is not valid JSON (line 2", violation.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ATooLongDocument_IsRefused() =>
        Violations.NamesOnly(FaultsOf(new string(' ', SharingPolicyDocument.MaxLength) + "{}"), "document", "at most");

    [Fact]
    public void Parse_ADocumentWithManyFaults_NamesEveryOne()
    {
        var json = """
            { "version": 0, "node_code": "KE", "grants": [
              { "audience": "FR", "datasets": { "systems": { "summary": { "dimensions": ["colour"], "min_count": 0 } } } },
              { "audience": "KE", "datasets": { "incidents": { "records": { "fields": ["reporter"] } } } } ] }
            """;

        var violations = FaultsOf(json);

        Assert.Equal(
            ["version", "grants[0].datasets.systems.summary.dimensions[0]", "grants[0].datasets.systems.summary.min_count",
             "grants[1].audience", "grants[1].datasets.incidents.records.fields[0]"],
            violations.Select(v => v.Field));
    }

    [Fact]
    public void Parse_NullForAnOptionalPart_IsTheSameAsLeavingItOut()
    {
        var outcome = SharingPolicyDocument.Parse(OneGrant("""{ "systems": { "summary": null, "records": { "fields": ["id"], "filter": null } } }"""));

        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        Assert.Null(outcome.Value!.Grants[0].Systems!.Summary);
        Assert.Null(outcome.Value.Grants[0].Systems!.Records!.Filter);
    }

    [Fact]
    public void Validate_APolicyBuiltInCode_NamesFaultsAsTheDocumentWould()
    {
        var policy = new SharingPolicy(1, "KE",
        [
            new AudienceGrant("FR", Systems: new DatasetGrant(Records: new RecordsGrant(["id", "colour"], [new FilterTerm("category", ["health", "health"])]))),
        ]);

        var violations = SharingPolicyDocument.Validate(policy, nodeCode: "KE");

        Assert.Equal(
            ["grants[0].datasets.systems.records.fields[1]", "grants[0].datasets.systems.records.filter.category[1]"],
            violations.Select(v => v.Field));
    }

    [Fact]
    public void Validate_TheExample_FindsNothing() =>
        Assert.Empty(SharingPolicyDocument.Validate(ExamplePolicy(), nodeCode: "KE"));
}
