using FederatedRegistry.Domain.Exports;

namespace FederatedRegistry.Domain.Tests.Exports;

public sealed class RegistrationExportTests
{
    private static readonly Provider Provider = ProviderRules.Create(Valid.Node, Valid.Provider(), Valid.Now.AddDays(-30));

    // What the node never records: Annex VIII points 2, 3, 8, 9, 11 and 12, the provider's street address, and the
    // components and functions of point 5 apart from the intended purpose.
    private static readonly string[] NeverHeld =
    [
        "provider_address", "submitter_name", "submitter_address", "submitter_contact", "authorised_representative_name",
        "authorised_representative_address", "authorised_representative_contact", "components_and_functions", "certificate_type",
        "certificate_number", "certificate_expiry", "notified_body", "certificate_copy", "eu_declaration_of_conformity", "instructions_for_use",
    ];

    // What the public register does not show.
    private static readonly string[] HiddenPublicly =
    [
        "provider_contact_email", "data_and_inputs", "operating_logic", "decision_reason", "conformity_evidence", "bias_evaluation", "human_oversight",
    ];

    private static Dictionary<string, string> Row(AiSystem system, bool publicView = false, Provider? provider = null) =>
        RegistrationExport.Columns.Zip(RegistrationExport.Row(new RegistrationExportSource(system, provider ?? Provider, publicView)))
            .ToDictionary(p => p.First, p => p.Second.CsvText);

    private static AiSystem Registered(DeploymentStatus? deployment = DeploymentStatus.InUse) =>
        Valid.SystemAt(SystemStatus.Registered) with
        {
            DecidedRiskTier = RiskTier.High,
            DecisionReason = "Evidence reviewed.",
            Details = Valid.Details() with { DeploymentStatus = deployment },
        };

    [Fact]
    public void Row_OfARegistration_FillsTheAnnexViiiPointsItHolds()
    {
        var system = Registered();

        var row = Row(system);

        Assert.Equal("Acme Health Ltd", row["provider_name"]);
        Assert.Equal("KE", row["provider_country"]);
        Assert.Equal("compliance@acme.example", row["provider_contact_email"]);
        Assert.Equal("Triage Assist", row["trade_name"]);
        Assert.Equal("2.1.0", row["system_version"]);
        Assert.Equal(system.Id, row["registration_id"]);
        Assert.Equal(Valid.ProductId, row["product_id"]);
        Assert.Equal(system.Details.IntendedPurpose, row["intended_purpose"]);
        Assert.Equal(system.Details.Assessment.DataGovernance, row["data_and_inputs"]);
        Assert.Equal(system.Details.Assessment.Explainability, row["operating_logic"]);
        Assert.Equal("in service", row["market_status"]);
        Assert.Equal("""["KE","TZ","UG"]""", row["member_states"]);
        Assert.Equal("https://acme.example/ai", row["url"]);
        Assert.Equal("high", row["decided_risk_tier"]);
        Assert.Equal("registered", row["registration_status"]);
        Assert.Equal("in use", row["deployment_status"]);
        Assert.Equal("Evidence reviewed.", row["decision_reason"]);
        Assert.All(NeverHeld, c => Assert.Equal("", row[c]));
    }

    [Fact]
    public void Row_InThePublicView_KeepsEveryColumn_AndEmptiesWhatThePublicRegisterHides()
    {
        var system = Registered();

        var whole = Row(system);
        var shown = Row(system, publicView: true);

        Assert.Equal(RegistrationExport.Columns, shown.Keys);
        Assert.All(HiddenPublicly, c => Assert.NotEqual("", whole[c]));
        Assert.All(HiddenPublicly, c => Assert.Equal("", shown[c]));
        Assert.All(shown.Keys.Except(HiddenPublicly), c => Assert.Equal(whole[c], shown[c]));
    }

    [Theory]
    [InlineData(DeploymentStatus.InUse, "in service")]
    [InlineData(DeploymentStatus.Retired, "no longer placed on the market or in service")]
    [InlineData(DeploymentStatus.Pilot, "")]
    [InlineData(DeploymentStatus.Planned, "")]
    [InlineData(null, "")]
    public void MarketStatus_UsesAnnexViiiPoint7sWords_OnlyWhereOneApplies(DeploymentStatus? deployment, string expected)
    {
        Assert.Equal(expected, Row(Registered(deployment))["market_status"]);
    }

    [Fact]
    public void Row_WithoutItsProvider_LeavesTheProviderColumnsEmpty()
    {
        var row = RegistrationExport.Columns.Zip(RegistrationExport.Row(new RegistrationExportSource(Registered(), null, false)))
            .ToDictionary(p => p.First, p => p.Second.CsvText);

        Assert.Equal("", row["provider_name"]);
        Assert.Equal("", row["url"]);
        Assert.Equal(Valid.ProviderId, row["provider_id"]);
    }

    [Fact]
    public void Columns_FollowAnnexViiiSectionAInOrder()
    {
        string[] firstOfEachPoint =
        [
            "provider_name", "submitter_name", "authorised_representative_name", "trade_name", "intended_purpose", "data_and_inputs",
            "market_status", "certificate_type", "certificate_copy", "member_states", "eu_declaration_of_conformity", "instructions_for_use", "url",
        ];

        var positions = firstOfEachPoint.Select(c => RegistrationExport.Columns.ToList().IndexOf(c)).ToList();

        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.Order(), positions);
        Assert.Equal(RegistrationExport.Columns.Count, RegistrationExport.Columns.Distinct().Count());
    }
}
