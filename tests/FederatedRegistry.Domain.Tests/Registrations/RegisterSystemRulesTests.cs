using static FederatedRegistry.Domain.Tests.Support.Violations;

namespace FederatedRegistry.Domain.Tests.Registrations;

public sealed class RegisterSystemRulesTests
{
    private static RegisterSystem WithDetails(Func<SystemDetails, SystemDetails> change, bool submit = true) =>
        Valid.Register(submit) with { Details = change(Valid.Details()) };

    [Fact]
    public void Validate_AValidHighRiskSubmission_HasNoViolations()
    {
        var command = Valid.Register(submit: true);

        var violations = SystemRules.Validate(command);

        Assert.Empty(violations);
    }

    [Fact]
    public void Validate_ADraftWithOnlyRequiredFields_HasNoViolations()
    {
        var command = WithDetails(d => d with
        {
            ProposedRiskTier = null,
            Assessment = Assessment.Empty,
            Markets = [],
            DeploymentStatus = null,
        }, submit: false);

        var violations = SystemRules.Validate(command);

        Assert.Empty(violations);
    }

    [Theory]
    [InlineData("a.b/c")]
    [InlineData("acme.example/triage-assist")]
    [InlineData("health.acme.example/triage_assist.v2")]
    [InlineData("x-1.example/0")]
    public void Validate_WithWellFormedProductId_HasNoViolations(string productId)
    {
        var command = Valid.Register() with { ProductId = productId };

        var violations = SystemRules.Validate(command);

        Assert.Empty(violations);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_WithoutProductId_NamesProductIdAsRequired(string? productId)
    {
        var command = Valid.Register() with { ProductId = productId! };

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "product_id", "is required");
    }

    [Fact]
    public void Validate_WithProductIdOver200Characters_NamesProductIdWithTheLimit()
    {
        var command = Valid.Register() with { ProductId = "acme.example/" + Valid.Repeat('p', 188) };

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "product_id", "at most 200 characters");
    }

    [Theory]
    [InlineData("acme")]
    [InlineData("acme.example")]
    [InlineData("acme.example/")]
    [InlineData("acme/triage-assist")]
    [InlineData("Acme.example/triage-assist")]
    [InlineData("acme.example/Triage-Assist")]
    [InlineData("acme.example/triage assist")]
    [InlineData("acme.example/triage/assist")]
    [InlineData("-acme.example/triage")]
    [InlineData("acme-.example/triage")]
    [InlineData("acme..example/triage")]
    [InlineData("acme.example/-triage")]
    [InlineData("https://acme.example/triage")]
    public void Validate_WithMalformedProductId_NamesProductIdAndItsShape(string productId)
    {
        var command = Valid.Register() with { ProductId = productId };

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "product_id", "a lower-case domain name, '/', then a product name");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Validate_WithoutProviderId_NamesProviderIdAsRequired(string? providerId)
    {
        var command = Valid.Register() with { ProviderId = providerId! };

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "provider_id", "is required");
    }

    [Theory]
    [InlineData("acme-health")]
    [InlineData("ke-PRV-acme-health")]
    [InlineData("KE-prv-acme-health")]
    [InlineData("KE-SYS-acme-health")]
    [InlineData("KE-PRV-Acme")]
    [InlineData("KE-PRV-ab")]
    public void Validate_WithMalformedProviderId_NamesProviderIdAsAProviderId(string providerId)
    {
        var command = Valid.Register() with { ProviderId = providerId };

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "provider_id", "must be a provider id");
    }

    [Fact]
    public void Validate_WithProviderIdOver60Characters_NamesProviderIdWithTheLimit()
    {
        var command = Valid.Register() with { ProviderId = "KE-PRV-" + Valid.Repeat('a', 54) };

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "provider_id", "at most 60 characters");
    }

    [Fact]
    public void Validate_WithoutDetails_NamesDetailsAsRequired()
    {
        var command = Valid.Register() with { Details = null! };

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details", "is required");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Validate_WithoutName_NamesDetailsNameAsRequired(string? name)
    {
        var command = WithDetails(d => d with { Name = name! });

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details.name", "is required");
    }

    [Fact]
    public void Validate_WithNameOver200Characters_NamesDetailsNameWithTheLimit()
    {
        var command = WithDetails(d => d with { Name = Valid.Repeat('n', 201) });

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details.name", "at most 200 characters");
    }

    [Fact]
    public void Validate_WithControlCharacterInName_NamesDetailsNameAsContainingControlCharacters()
    {
        var command = WithDetails(d => d with { Name = "Triage\u0000Assist" });

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details.name", "must not contain control characters");
    }

    [Theory]
    [InlineData("Triage\nAssist")]
    [InlineData("Triage\tAssist")]
    public void Validate_WithLineBreakOrTabInName_NamesDetailsNameAsOneLine(string name)
    {
        var command = WithDetails(d => d with { Name = name });

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details.name", "one line");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Validate_WithoutVersion_NamesDetailsVersionAsRequired(string? version)
    {
        var command = WithDetails(d => d with { Version = version! });

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details.version", "is required");
    }

    [Fact]
    public void Validate_WithVersionOver50Characters_NamesDetailsVersionWithTheLimit()
    {
        var command = WithDetails(d => d with { Version = Valid.Repeat('1', 51) });

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details.version", "at most 50 characters");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Validate_WithoutIntendedPurpose_NamesDetailsIntendedPurposeAsRequired(string? purpose)
    {
        var command = WithDetails(d => d with { IntendedPurpose = purpose! });

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details.intended_purpose", "is required");
    }

    [Theory]
    [InlineData("Triage.")]
    [InlineData("123456789")]
    [InlineData("   Triage.       ")]
    public void Validate_WithIntendedPurposeUnder10Characters_NamesDetailsIntendedPurposeWithTheMinimum(string purpose)
    {
        var command = WithDetails(d => d with { IntendedPurpose = purpose });

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details.intended_purpose", "at least 10 characters");
    }

    [Fact]
    public void Validate_WithIntendedPurposeOver4000Characters_NamesDetailsIntendedPurposeWithTheLimit()
    {
        var command = WithDetails(d => d with { IntendedPurpose = Valid.Repeat('p', 4001) });

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details.intended_purpose", "at most 4000 characters");
    }

    [Fact]
    public void Validate_WithLineBreaksAndTabsInIntendedPurpose_HasNoViolations()
    {
        var command = WithDetails(d => d with { IntendedPurpose = "Ranks patients.\r\n\tA nurse confirms each ranking." });

        var violations = SystemRules.Validate(command);

        Assert.Empty(violations);
    }

    [Fact]
    public void Validate_WithoutCategory_NamesDetailsCategoryAsRequiredListingTheCategories()
    {
        var command = WithDetails(d => d with { Category = null });

        var violations = SystemRules.Validate(command);

        var violation = NamesOnly(violations, "details.category", "is required");
        Assert.Contains(EnumNames.OneOf<Category>(), violation.Rule, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(14)]
    [InlineData(99)]
    [InlineData(-1)]
    public void Validate_WithUndefinedCategory_NamesDetailsCategoryListingTheCategories(int value)
    {
        var command = WithDetails(d => d with { Category = (Category)value });

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details.category", "must be one of: biometrics, critical_infrastructure,");
    }

    [Fact]
    public void Validate_WithUndefinedProposedRiskTier_NamesDetailsProposedRiskTierListingTheTiers()
    {
        var command = WithDetails(d => d with { ProposedRiskTier = (RiskTier)99 });

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details.proposed_risk_tier", "must be one of: unacceptable, high, limited, minimal");
    }

    [Fact]
    public void Validate_SubmittingWithoutProposedRiskTier_NamesDetailsProposedRiskTierAsRequiredToSubmit()
    {
        var command = WithDetails(d => d with { ProposedRiskTier = null }, submit: true);

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details.proposed_risk_tier", "is required to submit");
    }

    [Fact]
    public void Validate_DraftWithoutProposedRiskTier_HasNoViolations()
    {
        var command = WithDetails(d => d with { ProposedRiskTier = null }, submit: false);

        var violations = SystemRules.Validate(command);

        Assert.Empty(violations);
    }

    [Fact]
    public void Validate_WithUndefinedDeploymentStatus_NamesDetailsDeploymentStatusListingTheStatuses()
    {
        var command = WithDetails(d => d with { DeploymentStatus = (DeploymentStatus)99 });

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details.deployment_status", "must be one of: planned, pilot, in_use, retired");
    }

    [Theory]
    [InlineData("ke")]
    [InlineData("XX")]
    [InlineData("EU")]
    [InlineData("")]
    public void Validate_WithMarketThatIsNotAnAssignedCode_NamesThatMarketByIndex(string market)
    {
        var command = WithDetails(d => d with { Markets = ["KE", market, "TZ"] });

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details.markets[1]", market == "" ? "is required" : "ISO 3166-1 alpha-2");
    }

    [Fact]
    public void Validate_WithRepeatedMarket_NamesDetailsMarketsAsRepeating()
    {
        var command = WithDetails(d => d with { Markets = ["KE", "TZ", "KE"] });

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details.markets", "must not repeat a value");
    }

    [Fact]
    public void Validate_WithEveryAssignedCountryAsMarket_HasNoViolations()
    {
        var command = WithDetails(d => d with { Markets = [.. CountryCodes.All] });

        var violations = SystemRules.Validate(command);

        Assert.Empty(violations);
    }

    [Fact]
    public void Validate_WithMoreThan250Markets_NamesDetailsMarketsWithTheLimit()
    {
        var command = WithDetails(d => d with { Markets = [.. CountryCodes.All, "KE", "TZ"] });

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details.markets", "at most 250 entries");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Validate_WithoutContactEmail_NamesDetailsContactEmailAsRequired(string? email)
    {
        var command = WithDetails(d => d with { ContactEmail = email! });

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details.contact_email", "is required");
    }

    [Theory]
    [InlineData("registry")]
    [InlineData("registry@acme")]
    [InlineData("registry at acme.example")]
    public void Validate_WithMalformedContactEmail_NamesDetailsContactEmailAsAnAddress(string email)
    {
        var command = WithDetails(d => d with { ContactEmail = email });

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details.contact_email", "must be an e-mail address");
    }

    public static TheoryData<string> AssessmentFields() =>
        ["conformity_evidence", "bias_evaluation", "human_oversight", "explainability", "data_governance"];

    private static Assessment WithAssessmentField(string field, string value) => field switch
    {
        "conformity_evidence" => Valid.Evidence() with { ConformityEvidence = value },
        "bias_evaluation" => Valid.Evidence() with { BiasEvaluation = value },
        "human_oversight" => Valid.Evidence() with { HumanOversight = value },
        "explainability" => Valid.Evidence() with { Explainability = value },
        "data_governance" => Valid.Evidence() with { DataGovernance = value },
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
    };

    [Theory]
    [MemberData(nameof(AssessmentFields))]
    public void Validate_WithAssessmentTextOf10000Characters_HasNoViolations(string field)
    {
        var command = WithDetails(d => d with { Assessment = WithAssessmentField(field, Valid.Repeat('e', SystemRules.MaxTextLength)) });

        var violations = SystemRules.Validate(command);

        Assert.Empty(violations);
    }

    [Theory]
    [MemberData(nameof(AssessmentFields))]
    public void Validate_WithAssessmentTextOver10000Characters_NamesThatAssessmentFieldWithTheLimit(string field)
    {
        var command = WithDetails(d => d with { Assessment = WithAssessmentField(field, Valid.Repeat('e', SystemRules.MaxTextLength + 1)) });

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details.assessment." + field, "at most 10000 characters");
    }

    [Theory]
    [MemberData(nameof(AssessmentFields))]
    public void Validate_WithControlCharacterInAssessmentText_NamesThatAssessmentField(string field)
    {
        var command = WithDetails(d => d with { Assessment = WithAssessmentField(field, "Evaluated\u0001 across groups") });

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details.assessment." + field, "must not contain control characters");
    }

    [Theory]
    [InlineData(RiskTier.High)]
    [InlineData(RiskTier.Unacceptable)]
    public void Validate_SubmittingHighRiskWithoutConformityEvidence_NamesConformityEvidenceAsRequiredForHighRisk(RiskTier tier)
    {
        var command = WithDetails(d => d with { ProposedRiskTier = tier, Assessment = Valid.Evidence() with { ConformityEvidence = " " } });

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details.assessment.conformity_evidence", "is required to submit a high-risk system");
    }

    [Theory]
    [InlineData(RiskTier.High)]
    [InlineData(RiskTier.Unacceptable)]
    public void Validate_SubmittingHighRiskWithoutHumanOversight_NamesHumanOversightAsRequiredForHighRisk(RiskTier tier)
    {
        var command = WithDetails(d => d with { ProposedRiskTier = tier, Assessment = Valid.Evidence() with { HumanOversight = "" } });

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details.assessment.human_oversight", "is required to submit a high-risk system");
    }

    [Fact]
    public void Validate_SubmittingHighRiskWithNoAssessment_NamesBothRequiredEvidenceFields()
    {
        var command = WithDetails(d => d with { ProposedRiskTier = RiskTier.High, Assessment = null! });

        var violations = SystemRules.Validate(command);

        Assert.Equal(
            ["details.assessment.conformity_evidence", "details.assessment.human_oversight"],
            violations.Select(v => v.Field));
    }

    [Fact]
    public void Validate_HighRiskDraftWithoutEvidence_HasNoViolations()
    {
        var command = WithDetails(d => d with { ProposedRiskTier = RiskTier.High, Assessment = Assessment.Empty }, submit: false);

        var violations = SystemRules.Validate(command);

        Assert.Empty(violations);
    }

    [Theory]
    [InlineData(RiskTier.Limited)]
    [InlineData(RiskTier.Minimal)]
    public void Validate_SubmittingLowerRiskWithoutEvidence_HasNoViolations(RiskTier tier)
    {
        var command = WithDetails(d => d with { ProposedRiskTier = tier, Assessment = Assessment.Empty }, submit: true);

        var violations = SystemRules.Validate(command);

        Assert.Empty(violations);
    }

    [Fact]
    public void Validate_WithSeveralBrokenFields_NamesEveryOneInOneAnswer()
    {
        var command = new RegisterSystem(
            ProductId: "ACME",
            ProviderId: "",
            Details: Valid.Details() with { Name = "", Category = (Category)99, Markets = ["ke"] },
            Submit: false);

        var violations = SystemRules.Validate(command);

        Assert.Equal(
            ["product_id", "provider_id", "details.name", "details.category", "details.markets[0]"],
            violations.Select(v => v.Field));
    }
}
