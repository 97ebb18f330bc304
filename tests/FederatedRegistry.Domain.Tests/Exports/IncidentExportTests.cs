using FederatedRegistry.Domain.Exports;

namespace FederatedRegistry.Domain.Tests.Exports;

public sealed class IncidentExportTests
{
    private static readonly AiSystem System = Valid.SystemAt(SystemStatus.Registered);
    private static readonly Provider Provider = ProviderRules.Create(Valid.Node, Valid.Provider(), Valid.Now.AddDays(-30));

    private static Dictionary<string, string> Row(Incident incident, AiSystem? system = null, Provider? provider = null, DateTimeOffset? now = null) =>
        IncidentExport.Columns.Zip(IncidentExport.Row(new IncidentExportSource(incident, system, provider, now ?? Valid.Now)))
            .ToDictionary(p => p.First, p => p.Second.CsvText);

    [Fact]
    public void Columns_StartWithTheAiidColumnsSpelledAsItsIncidentsCsvHeader()
    {
        // The header of the AI Incident Database's incidents.csv, less its Mongo _id and report ids, which a node has no equivalent of.
        Assert.Equal(
            ["incident_id", "date", "title", "description", "Alleged deployer of AI system", "Alleged developer of AI system",
             "Alleged harmed or nearly harmed parties"],
            IncidentExport.Columns.Take(7));
        Assert.Equal(IncidentExport.Columns.Count, IncidentExport.Columns.Distinct().Count());
    }

    [Fact]
    public void Row_OfAReportedIncident_HoldsItsFieldsAsReadableValues()
    {
        var incident = Valid.IncidentAt(IncidentStatus.Investigating) with
        {
            Details = Valid.Occurrence() with
            {
                HarmTypes = [HarmType.HealthAndSafety, HarmType.DiscriminationAndBias],
                AffectedJurisdictions = ["KE", "UG"],
                AffectedGroups = ["patients over 75", "nurses"],
                SuspectedCause = SuspectedCause.GovernanceOrOversightFailure,
                OccurredAt = new DateTimeOffset(2025, 5, 30, 23, 30, 0, TimeSpan.FromHours(-4)),
            },
        };

        var row = Row(incident, System, Provider);

        Assert.Equal(incident.Id, row["incident_id"]);
        // 23:30 at UTC-4 is the next day in UTC.
        Assert.Equal("2025-05-31", row["date"]);
        Assert.Equal("2025-05-31T03:30:00Z", row["occurred_at"]);
        Assert.Equal(incident.Details.Title, row["title"]);
        Assert.Equal("""["Acme Health Ltd"]""", row[IncidentExport.Developer]);
        Assert.Equal("", row[IncidentExport.Deployer]);
        Assert.Equal("""["patients over 75","nurses"]""", row[IncidentExport.HarmedParties]);
        Assert.Equal("""["KE","UG"]""", row["countries"]);
        Assert.Equal("true", row["cross_border"]);
        Assert.Equal("""["health and safety","discrimination and bias"]""", row["harm_types"]);
        Assert.Equal("serious", row["severity"]);
        Assert.Equal("governance or oversight failure", row["suspected_cause"]);
        Assert.Equal("health", row["industry"]);
        Assert.Equal("Triage Assist", row["system_name"]);
        Assert.Equal("investigating", row["status"]);
        Assert.Equal("false", row["resulted_in_death"]);
        Assert.Equal("Nairobi General Hospital", row["reporter"]);
        Assert.Equal("KE", row["jurisdiction"]);
    }

    [Fact]
    public void Row_WithoutALocalRegistration_LeavesTheDeveloperAndTheSystemColumnsEmpty()
    {
        var incident = Valid.IncidentAt(IncidentStatus.Reported) with
        {
            Details = Valid.Occurrence() with { SystemId = null, ProductId = "elsewhere.example/model" },
        };

        var row = Row(incident);

        Assert.Equal("", row[IncidentExport.Developer]);
        Assert.Equal("", row["industry"]);
        Assert.Equal("", row["system_id"]);
        Assert.Equal("", row["system_name"]);
        Assert.Equal("elsewhere.example/model", row["product_id"]);
    }

    [Fact]
    public void Row_OverdueAndDeadline_FollowTheStoredDeadlineAtTheTimeOfTheExport()
    {
        var incident = Valid.IncidentAt(IncidentStatus.Reported);
        var due = incident.Deadline!.DueAt;

        var before = Row(incident, now: due.AddMinutes(-1));
        var after = Row(incident, now: due.AddMinutes(1));

        Assert.Equal("false", before["overdue"]);
        Assert.Equal("true", after["overdue"]);
        Assert.Equal(ExportCell.Of(due).Text, after["reporting_deadline"]);
        Assert.Equal(incident.Deadline.Rule, after["deadline_rule"]);
    }

    [Fact]
    public void LinkedSystemId_IsTheNamedRegistration_ElseTheLocalRegistrationOfTheProduct_ElseNone()
    {
        var named = Valid.IncidentAt(IncidentStatus.Reported);
        var byProduct = named with { Details = named.Details with { SystemId = null } };
        var neither = named with { Details = named.Details with { SystemId = null, ProductId = null } };

        Assert.Equal(Valid.SystemId, IncidentExport.LinkedSystemId(named));
        Assert.Equal(Identifiers.SystemId(Valid.Node, Valid.ProductId), IncidentExport.LinkedSystemId(byProduct));
        Assert.Null(IncidentExport.LinkedSystemId(neither));
    }

    [Theory]
    [InlineData("csv", ExportFormat.Csv)]
    [InlineData("JSON", ExportFormat.Json)]
    [InlineData("xlsx", null)]
    [InlineData("", null)]
    [InlineData(" csv", null)]
    public void Format_IsCsvOrJson(string name, ExportFormat? expected)
    {
        var rules = new FieldRules();

        var format = ExportFormats.Validate(rules, "format", name);

        string[] violations = expected is null ? ["format: must be csv or json"] : [];
        Assert.Equal(expected, format);
        Assert.Equal(violations, rules.Violations.Select(v => v.ToString()));
    }

    [Fact]
    public void ListCell_IsAJsonArrayOfStrings_WithQuotesEscapedAndLettersKept()
    {
        var cell = ExportCell.Of(["Zoë \"the nurse\"", "日本", ""]);

        Assert.Equal("""["Zoë \"the nurse\"","日本",""]""", cell.CsvText);
        Assert.Equal("[]", ExportCell.Of(Array.Empty<string>()).CsvText);
    }
}
