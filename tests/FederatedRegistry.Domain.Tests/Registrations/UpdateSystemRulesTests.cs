using static FederatedRegistry.Domain.Tests.Support.Violations;

namespace FederatedRegistry.Domain.Tests.Registrations;

public sealed class UpdateSystemRulesTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Validate_AValidUpdate_HasNoViolations(bool submit)
    {
        var command = Valid.Update(expectedVersion: 4, submit: submit);

        var violations = SystemRules.Validate(command);

        Assert.Empty(violations);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    public void Validate_WithoutId_NamesIdAsRequired(string? id)
    {
        var command = Valid.Update() with { Id = id! };

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "id", "is required");
    }

    [Theory]
    [InlineData("KE-SYS-0123")]
    [InlineData("ke-sys-0123456789abcdefghjk")]
    [InlineData("KE-SYS-0123456789ABCDEFGHJU")]
    [InlineData("KE-SYS-0123456789ABCDEFGHJKM")]
    [InlineData("KE-PRV-acme-health")]
    [InlineData("KE-INC-01JD3Q4W5X6Y7Z8A9B0C1D2E3F")]
    public void Validate_WithMalformedId_NamesIdAsARegistrationId(string id)
    {
        var command = Valid.Update() with { Id = id };

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "id", "must be a registration id");
    }

    [Fact]
    public void Validate_WithIdOver60Characters_NamesIdWithTheLimit()
    {
        var command = Valid.Update() with { Id = "KE-SYS-" + Valid.Repeat('A', 54) };

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "id", "at most 60 characters");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void Validate_WithoutExpectedVersion_NamesExpectedVersionAsRequired(int expectedVersion)
    {
        var command = Valid.Update() with { ExpectedVersion = expectedVersion };

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "expected_version", "is required: the version you last read");
    }

    [Fact]
    public void Validate_WithoutDetails_NamesDetailsAsRequired()
    {
        var command = Valid.Update() with { Details = null! };

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details", "is required");
    }

    [Fact]
    public void Validate_SubmittingWithoutProposedRiskTier_NamesDetailsProposedRiskTier()
    {
        var command = Valid.Update(submit: true) with { Details = Valid.Details() with { ProposedRiskTier = null } };

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details.proposed_risk_tier", "is required to submit");
    }

    [Fact]
    public void Validate_SubmittingHighRiskWithoutEvidence_NamesConformityEvidence()
    {
        var command = Valid.Update(submit: true) with
        {
            Details = Valid.Details() with { Assessment = Valid.Evidence() with { ConformityEvidence = "" } },
        };

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details.assessment.conformity_evidence", "is required to submit a high-risk system");
    }

    [Fact]
    public void Validate_WithBrokenDetail_NamesItUnderDetails()
    {
        var command = Valid.Update() with { Details = Valid.Details() with { Markets = ["KE", "KE"] } };

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "details.markets", "must not repeat a value");
    }
}
