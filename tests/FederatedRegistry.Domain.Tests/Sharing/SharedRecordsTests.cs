using FederatedRegistry.Domain.Sharing;

namespace FederatedRegistry.Domain.Tests.Sharing;

public sealed class SharedRecordsTests
{
    [Fact]
    public void From_ARegistration_WritesEveryCatalogueFieldAndNoOther()
    {
        var system = Valid.SystemAt(SystemStatus.Registered) with { DecidedRiskTier = RiskTier.Limited };

        var record = SharedRecords.From(system);

        Assert.Equal(SharingCatalogue.Fields(SharedDataset.Systems).Order(StringComparer.Ordinal), record.Fields.Keys);
        Assert.Equal(system.Id, record["id"]);
        Assert.Equal("health", record["category"]);
        Assert.Equal("high", record["proposed_risk_tier"]);
        Assert.Equal("limited", record["decided_risk_tier"]);
        Assert.Equal("limited", record["risk_tier"]);
        Assert.Equal("registered", record["status"]);
        Assert.Equal("pilot", record["deployment_status"]);
        Assert.Equal(new SharedRecord(SharedDataset.Systems, [KeyValuePair.Create("markets", (object?)new[] { "KE", "TZ", "UG" })]), record.Project(["markets"]));
        Assert.Equal(3L, record["record_version"]);
        Assert.Equal(system.CreatedAt, record["created_at"]);
    }

    [Fact]
    public void From_ARegistrationWithoutOptionalValues_WritesNulls()
    {
        var system = Valid.SystemAt(SystemStatus.Draft);
        system = system with { Details = system.Details with { Category = null, ProposedRiskTier = null, DeploymentStatus = null, Assessment = Assessment.Empty } };

        var record = SharedRecords.From(system);

        Assert.Null(record["category"]);
        Assert.Null(record["risk_tier"]);
        Assert.Null(record["bias_evaluation"]);
        Assert.True(record.Has("bias_evaluation"));
        Assert.Equal(["unspecified"], SharedRecords.DimensionValues(system, "risk_tier"));
        Assert.Equal(["unspecified"], SharedRecords.DimensionValues(system, "category"));
    }

    [Fact]
    public void From_AnIncident_WritesEveryCatalogueField_NeverTheReporterOrHistory()
    {
        var incident = Valid.IncidentAt(IncidentStatus.Triaged);

        var record = SharedRecords.From(incident);

        Assert.Equal(SharingCatalogue.Fields(SharedDataset.Incidents).Order(StringComparer.Ordinal), record.Fields.Keys);
        Assert.DoesNotContain("reporter", SharingCatalogue.Fields(SharedDataset.Incidents));
        Assert.DoesNotContain("history", SharingCatalogue.Fields(SharedDataset.Incidents));
        Assert.Equal("serious", record["severity"]);
        Assert.Equal(new SharedRecord(SharedDataset.Incidents, [KeyValuePair.Create("harm_types", (object?)new[] { "health_and_safety" })]), record.Project(["harm_types"]));
        Assert.Equal(false, record["cross_border"]);
        Assert.Equal(incident.Deadline!.DueAt, record["reporting_deadline"]);
        Assert.Equal("triaged", record["status"]);
    }

    [Fact]
    public void Tabulate_CrossesTheDimensions_AndCountsAnIncidentOncePerHarmType()
    {
        var first = Valid.IncidentAt(IncidentStatus.Reported);
        var second = first with { Status = IncidentStatus.Closed, Details = first.Details with { HarmTypes = [HarmType.HealthAndSafety, HarmType.Economic] } };

        var cells = SharedRecords.Tabulate([first, second, second], ["status", "harm_type"]);

        Assert.Equal(
            [new CountCell(["closed", "economic"], 2), new CountCell(["closed", "health_and_safety"], 2), new CountCell(["reported", "health_and_safety"], 1)],
            cells.OrderBy(c => string.Join('/', c.Values), StringComparer.Ordinal));
    }

    [Fact]
    public void Tabulate_ByMonth_UsesTheUtcMonthOfOccurrence()
    {
        var incident = Valid.IncidentAt(IncidentStatus.Reported);
        incident = incident with { Details = incident.Details with { OccurredAt = new DateTimeOffset(2025, 6, 30, 23, 30, 0, TimeSpan.FromHours(-2)) } };

        var cell = Assert.Single(SharedRecords.Tabulate([incident], ["month"]));

        Assert.Equal(["2025-07"], cell.Values);
    }

    [Fact]
    public void EveryValueTheMappingWrites_IsAValueOfItsDimension()
    {
        var system = Valid.SystemAt(SystemStatus.UnderReview);
        var incident = Valid.IncidentAt(IncidentStatus.Investigating);

        foreach (var dimension in SharingCatalogue.Dimensions(SharedDataset.Systems))
        {
            Assert.All(SharedRecords.DimensionValues(system, dimension), v => Assert.True(SharingCatalogue.IsDimensionValue(SharedDataset.Systems, dimension, v), v));
        }
        foreach (var dimension in SharingCatalogue.Dimensions(SharedDataset.Incidents))
        {
            Assert.All(SharedRecords.DimensionValues(incident, dimension), v => Assert.True(SharingCatalogue.IsDimensionValue(SharedDataset.Incidents, dimension, v), v));
        }
    }

    [Fact]
    public void FilterValues_AreValuesTheMappingCanWrite()
    {
        foreach (var dataset in new[] { SharedDataset.Systems, SharedDataset.Incidents })
        {
            foreach (var field in SharingCatalogue.FilterFields(dataset))
            {
                Assert.True(SharingCatalogue.IsField(dataset, field), field);
                Assert.NotEmpty(SharingCatalogue.FilterValues(dataset, field));
            }
        }
    }

    [Fact]
    public void ASharedRecord_RefusesValuesOfOtherTypes()
    {
        Assert.Throws<ArgumentException>(() => new SharedRecord(SharedDataset.Systems, [KeyValuePair.Create("x", (object?)3.5)]));
        Assert.Throws<ArgumentException>(() => new SharedRecord(SharedDataset.Systems, [KeyValuePair.Create("x", (object?)new[] { "a", null })]));
        Assert.Throws<ArgumentException>(() => new SharedRecord(SharedDataset.Systems, [KeyValuePair.Create("", (object?)"a")]));
    }

    [Fact]
    public void ASharedRecord_IsNotChangedByChangingTheListItWasBuiltFrom()
    {
        var markets = new List<string> { "KE" };
        var record = new SharedRecord(SharedDataset.Systems, [KeyValuePair.Create("markets", (object?)markets)]);

        markets.Add("FR");

        Assert.Equal(["KE"], (IEnumerable<string>)record["markets"]!);
    }
}
