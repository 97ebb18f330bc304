using static FederatedRegistry.Domain.Tests.Support.Violations;

namespace FederatedRegistry.Domain.Tests.Incidents;

public sealed class ReportIncidentRulesTests
{
    private static readonly DateTimeOffset Now = Valid.Now;

    private static IReadOnlyList<FieldViolation> Validate(Func<IncidentDetails, IncidentDetails> change) =>
        IncidentRules.Validate(new ReportIncident(change(Valid.Occurrence())), Now);

    [Fact]
    public void Validate_AValidReport_HasNoViolations()
    {
        var command = Valid.Report();

        var violations = IncidentRules.Validate(command, Now);

        Assert.Empty(violations);
    }

    [Fact]
    public void Validate_AMinimalReport_HasNoViolations()
    {
        var violations = Validate(d => d with
        {
            SystemId = null,
            SuspectedCause = null,
            AffectedGroups = [],
            ReportedAt = null,
            Reporter = null,
        });

        Assert.Empty(violations);
    }

    [Fact]
    public void Validate_WithoutDetails_NamesDetailsAsRequired()
    {
        var violations = IncidentRules.Validate(new ReportIncident(null!), Now);

        NamesOnly(violations, "details", "is required");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Validate_WithoutTitle_NamesDetailsTitleAsRequired(string? title)
    {
        var violations = Validate(d => d with { Title = title! });

        NamesOnly(violations, "details.title", "is required");
    }

    [Fact]
    public void Validate_WithTitleOver200Characters_NamesDetailsTitleWithTheLimit()
    {
        var violations = Validate(d => d with { Title = Valid.Repeat('t', 201) });

        NamesOnly(violations, "details.title", "at most 200 characters");
    }

    [Fact]
    public void Validate_WithControlCharacterInTitle_NamesDetailsTitle()
    {
        var violations = Validate(d => d with { Title = "Chest pain\u0008 under-ranked" });

        NamesOnly(violations, "details.title", "must not contain control characters");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Validate_WithoutDescription_NamesDetailsDescriptionAsRequired(string? description)
    {
        var violations = Validate(d => d with { Description = description! });

        NamesOnly(violations, "details.description", "is required");
    }

    [Fact]
    public void Validate_WithDescriptionOver10000Characters_NamesDetailsDescriptionWithTheLimit()
    {
        var violations = Validate(d => d with { Description = Valid.Repeat('d', 10_001) });

        NamesOnly(violations, "details.description", "at most 10000 characters");
    }

    [Fact]
    public void Validate_WithReporterOver200Characters_NamesDetailsReporterWithTheLimit()
    {
        var violations = Validate(d => d with { Reporter = Valid.Repeat('r', 201) });

        NamesOnly(violations, "details.reporter", "at most 200 characters");
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Validate_WithNeitherSystemIdNorProductId_NamesDetailsSystemIdAskingForEither(string? systemId, string? productId)
    {
        var violations = Validate(d => d with { SystemId = systemId, ProductId = productId });

        NamesOnly(violations, "details.system_id", "or details.product_id is required");
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Validate_WithOnlySystemIdOrOnlyProductId_HasNoViolations(bool withSystem, bool withProduct)
    {
        var violations = Validate(d => d with
        {
            SystemId = withSystem ? d.SystemId : null,
            ProductId = withProduct ? d.ProductId : null,
        });

        Assert.Empty(violations);
    }

    [Theory]
    [InlineData("KE-SYS-123")]
    [InlineData("KE-PRV-acme-health")]
    [InlineData(" ")]
    [InlineData("acme.example/triage-assist")]
    public void Validate_WithMalformedSystemId_NamesDetailsSystemIdAsARegistrationId(string systemId)
    {
        var violations = Validate(d => d with { SystemId = systemId });

        NamesOnly(violations, "details.system_id", "must be a registration id");
    }

    [Theory]
    [InlineData("triage-assist")]
    [InlineData("Acme.example/triage-assist")]
    [InlineData("acme.example/")]
    [InlineData(" ")]
    public void Validate_WithMalformedProductId_NamesDetailsProductIdAndItsShape(string productId)
    {
        var violations = Validate(d => d with { ProductId = productId });

        NamesOnly(violations, "details.product_id", "a lower-case domain name");
    }

    [Fact]
    public void Validate_WithProductIdOver200Characters_NamesDetailsProductIdWithTheLimit()
    {
        var violations = Validate(d => d with { ProductId = "acme.example/" + Valid.Repeat('p', 188) });

        NamesOnly(violations, "details.product_id", "at most 200 characters");
    }

    [Fact]
    public void Validate_WithoutSeverity_NamesDetailsSeverityAsRequiredListingTheSeverities()
    {
        var violations = Validate(d => d with { Severity = null });

        NamesOnly(violations, "details.severity", "is required: one of: critical, serious, moderate, minor");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(99)]
    public void Validate_WithUndefinedSeverity_NamesDetailsSeverity(int value)
    {
        var violations = Validate(d => d with { Severity = (Severity)value });

        NamesOnly(violations, "details.severity", "must be one of: critical, serious, moderate, minor");
    }

    [Fact]
    public void Validate_WithUndefinedSuspectedCause_NamesDetailsSuspectedCause()
    {
        var violations = Validate(d => d with { SuspectedCause = (SuspectedCause)99 });

        NamesOnly(violations, "details.suspected_cause", "must be one of: model_failure, misuse, governance_or_oversight_failure, misrepresentation");
    }

    [Fact]
    public void Validate_WithoutHarmTypes_NamesDetailsHarmTypesListingThem()
    {
        var violations = Validate(d => d with { HarmTypes = [] });

        NamesOnly(violations, "details.harm_types", "must name at least one harm type: one of: health_and_safety,");
    }

    [Fact]
    public void Validate_WithNullHarmTypes_NamesDetailsHarmTypes()
    {
        var violations = Validate(d => d with { HarmTypes = null! });

        NamesOnly(violations, "details.harm_types", "must name at least one harm type");
    }

    [Fact]
    public void Validate_WithUndefinedHarmType_NamesThatHarmTypeByIndex()
    {
        var violations = Validate(d => d with { HarmTypes = [HarmType.Economic, (HarmType)99] });

        NamesOnly(violations, "details.harm_types[1]", "must be one of: health_and_safety,");
    }

    [Fact]
    public void Validate_WithRepeatedHarmType_NamesDetailsHarmTypesAsRepeating()
    {
        var violations = Validate(d => d with { HarmTypes = [HarmType.Economic, HarmType.PrivacyAndData, HarmType.Economic] });

        NamesOnly(violations, "details.harm_types", "must not repeat a value");
    }

    [Fact]
    public void Validate_WithEveryHarmType_HasNoViolations()
    {
        var violations = Validate(d => d with { HarmTypes = Enum.GetValues<HarmType>() });

        Assert.Empty(violations);
    }

    [Fact]
    public void Validate_With50AffectedGroups_HasNoViolations()
    {
        var violations = Validate(d => d with { AffectedGroups = [.. Enumerable.Range(1, 50).Select(i => $"group {i}")] });

        Assert.Empty(violations);
    }

    [Fact]
    public void Validate_WithMoreThan50AffectedGroups_NamesDetailsAffectedGroupsWithTheLimit()
    {
        var violations = Validate(d => d with { AffectedGroups = [.. Enumerable.Range(1, 51).Select(i => $"group {i}")] });

        NamesOnly(violations, "details.affected_groups", "at most 50 entries");
    }

    [Theory]
    [InlineData("", "is required")]
    [InlineData("   ", "is required")]
    [InlineData("children\u0000", "must not contain control characters")]
    public void Validate_WithBadAffectedGroup_NamesThatGroupByIndex(string group, string words)
    {
        var violations = Validate(d => d with { AffectedGroups = ["patients", group] });

        NamesOnly(violations, "details.affected_groups[1]", words);
    }

    [Fact]
    public void Validate_WithAffectedGroupOver200Characters_NamesThatGroupWithTheLimit()
    {
        var violations = Validate(d => d with { AffectedGroups = [Valid.Repeat('g', 201)] });

        NamesOnly(violations, "details.affected_groups[0]", "at most 200 characters");
    }

    [Fact]
    public void Validate_WithoutAffectedJurisdictions_NamesThemAsNeedingOneCountry()
    {
        var violations = Validate(d => d with { AffectedJurisdictions = [] });

        NamesOnly(violations, "details.affected_jurisdictions", "must name at least one country");
    }

    [Theory]
    [InlineData("ke")]
    [InlineData("XX")]
    [InlineData("INTL")]
    [InlineData("")]
    public void Validate_WithAffectedJurisdictionThatIsNotACountry_NamesItByIndex(string code)
    {
        var violations = Validate(d => d with { AffectedJurisdictions = ["KE", code] });

        NamesOnly(violations, "details.affected_jurisdictions[1]", code == "" ? "is required" : "ISO 3166-1 alpha-2");
    }

    [Fact]
    public void Validate_WithRepeatedAffectedJurisdiction_NamesThemAsRepeating()
    {
        var violations = Validate(d => d with { AffectedJurisdictions = ["KE", "UG", "KE"] });

        NamesOnly(violations, "details.affected_jurisdictions", "must not repeat a value");
    }

    [Fact]
    public void Validate_WithoutOccurredAt_NamesDetailsOccurredAtAsRequired()
    {
        var violations = Validate(d => d with { OccurredAt = null });

        NamesOnly(violations, "details.occurred_at", "is required");
    }

    [Fact]
    public void Validate_WithoutAwareAt_NamesDetailsAwareAtAsRequired()
    {
        var violations = Validate(d => d with { AwareAt = null });

        NamesOnly(violations, "details.aware_at", "is required");
    }

    [Fact]
    public void Validate_WithAllTimesEqual_HasNoViolations()
    {
        var violations = Validate(d => d with { OccurredAt = Now, AwareAt = Now, ReportedAt = Now });

        Assert.Empty(violations);
    }

    [Fact]
    public void Validate_WithAwareBeforeOccurred_NamesDetailsAwareAtAsOutOfOrder()
    {
        var violations = Validate(d => d with { OccurredAt = d.AwareAt!.Value.AddSeconds(1) });

        NamesOnly(violations, "details.aware_at", "must not be before details.occurred_at");
    }

    [Fact]
    public void Validate_WithReportedBeforeAware_NamesDetailsReportedAtAsOutOfOrder()
    {
        var violations = Validate(d => d with { ReportedAt = d.AwareAt!.Value.AddSeconds(-1) });

        NamesOnly(violations, "details.reported_at", "must not be before details.aware_at");
    }

    [Fact]
    public void Validate_WithReportedAtInTheFuture_NamesDetailsReportedAt()
    {
        var violations = Validate(d => d with { ReportedAt = Now + IncidentRules.ClockSkew + TimeSpan.FromSeconds(1) });

        NamesOnly(violations, "details.reported_at", "must not be in the future");
    }

    [Fact]
    public void Validate_WithAwareAtInTheFuture_NamesDetailsAwareAt()
    {
        var violations = Validate(d => d with { AwareAt = Now.AddDays(1), ReportedAt = null });

        NamesOnly(violations, "details.aware_at", "must not be in the future");
    }

    [Fact]
    public void Validate_WithEveryTimeInTheFuture_NamesEachTimeAsInTheFuture()
    {
        var future = Now.AddHours(1);

        var violations = Validate(d => d with { OccurredAt = future, AwareAt = future, ReportedAt = future });

        Assert.Equal(["details.occurred_at", "details.aware_at", "details.reported_at"], violations.Select(v => v.Field));
        Assert.All(violations, v => Assert.Equal("must not be in the future", v.Rule));
    }

    [Fact]
    public void Validate_WithOccurredAtInTheFutureAlone_NamesOccurredAtAsFutureAndAwareAtAsOutOfOrder()
    {
        var violations = Validate(d => d with { OccurredAt = Now.AddHours(1) });

        Assert.Equal(2, violations.Count);
        Names(violations, "details.occurred_at", "must not be in the future");
        Names(violations, "details.aware_at", "must not be before details.occurred_at");
    }

    [Fact]
    public void Validate_WithTimesWithinTheClockSkew_HasNoViolations()
    {
        var ahead = Now + IncidentRules.ClockSkew;

        var violations = Validate(d => d with { OccurredAt = ahead, AwareAt = ahead, ReportedAt = ahead });

        Assert.Empty(violations);
    }

    [Fact]
    public void Validate_WithTimesInOtherOffsets_ComparesTheInstants()
    {
        var nairobi = TimeSpan.FromHours(3);
        var occurred = Now.AddHours(-2).ToOffset(nairobi);
        var aware = Now.AddHours(-1).ToOffset(TimeSpan.FromHours(-5));

        var violations = Validate(d => d with { OccurredAt = occurred, AwareAt = aware, ReportedAt = Now.ToOffset(nairobi) });

        Assert.Empty(violations);
    }
}
