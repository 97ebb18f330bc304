using static FederatedRegistry.Domain.Tests.Support.Violations;

namespace FederatedRegistry.Domain.Tests.Registrations;

public sealed class DecideSystemRulesTests
{
    public static TheoryData<Decision> EveryDecision() => [.. Enum.GetValues<Decision>()];

    [Theory]
    [MemberData(nameof(EveryDecision))]
    public void Validate_AValidDecision_HasNoViolations(Decision decision)
    {
        var command = Valid.Decide(decision, expectedVersion: 3);

        var violations = SystemRules.Validate(command);

        Assert.Empty(violations);
    }

    [Fact]
    public void Validate_WithExpectedVersionZero_MeansAnyVersionAndHasNoViolations()
    {
        var command = Valid.Decide(Decision.StartReview, expectedVersion: 0);

        var violations = SystemRules.Validate(command);

        Assert.Empty(violations);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Validate_WithoutId_NamesIdAsRequired(string? id)
    {
        var command = Valid.Decide(Decision.StartReview) with { Id = id! };

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "id", "is required");
    }

    [Fact]
    public void Validate_WithMalformedId_NamesIdAsARegistrationId()
    {
        var command = Valid.Decide(Decision.StartReview) with { Id = "KE-PRV-acme-health" };

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "id", "must be a registration id");
    }

    [Fact]
    public void Validate_WithoutDecision_NamesDecisionAsRequiredListingTheDecisions()
    {
        var command = Valid.Decide(Decision.StartReview) with { Decision = null };

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "decision", "is required: one of: start_review, register, reject, suspend, withdraw");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(99)]
    public void Validate_WithUndefinedDecision_NamesDecisionListingTheDecisions(int value)
    {
        var command = Valid.Decide(Decision.StartReview) with { Decision = (Decision)value };

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "decision", "must be one of: start_review, register, reject, suspend, withdraw");
    }

    [Fact]
    public void Validate_WithUndefinedDecidedRiskTier_NamesDecidedRiskTierListingTheTiers()
    {
        var command = Valid.Decide(Decision.Register) with { DecidedRiskTier = (RiskTier)99 };

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "decided_risk_tier", "must be one of: unacceptable, high, limited, minimal");
    }

    [Fact]
    public void Validate_RegisteringWithoutDecidedRiskTier_NamesDecidedRiskTierAsRequiredToRegister()
    {
        var command = Valid.Decide(Decision.Register) with { DecidedRiskTier = null };

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "decided_risk_tier", "is required to register a system");
    }

    [Theory]
    [InlineData(Decision.Reject, null)]
    [InlineData(Decision.Reject, "")]
    [InlineData(Decision.Suspend, null)]
    [InlineData(Decision.Suspend, "  ")]
    [InlineData(Decision.Withdraw, null)]
    [InlineData(Decision.Withdraw, "\t")]
    public void Validate_RefusingOrEndingWithoutReason_NamesReasonAsRequired(Decision decision, string? reason)
    {
        var command = Valid.Decide(decision) with { Reason = reason };

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "reason", "is required");
    }

    [Theory]
    [InlineData(Decision.StartReview)]
    [InlineData(Decision.Register)]
    public void Validate_ReviewingOrRegisteringWithoutReason_HasNoViolations(Decision decision)
    {
        var command = Valid.Decide(decision) with { Reason = null };

        var violations = SystemRules.Validate(command);

        Assert.Empty(violations);
    }

    [Theory]
    [MemberData(nameof(EveryDecision))]
    public void Validate_WithReasonOver2000Characters_NamesReasonWithTheLimit(Decision decision)
    {
        var command = Valid.Decide(decision) with { Reason = Valid.Repeat('r', 2001) };

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "reason", "at most 2000 characters");
    }

    [Theory]
    [InlineData(Decision.StartReview)]
    [InlineData(Decision.Reject)]
    public void Validate_WithControlCharacterInReason_NamesReason(Decision decision)
    {
        var command = Valid.Decide(decision) with { Reason = "Incomplete\u0000 evidence" };

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "reason", "must not contain control characters");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void Validate_WithNegativeExpectedVersion_NamesExpectedVersion(int expectedVersion)
    {
        var command = Valid.Decide(Decision.StartReview) with { ExpectedVersion = expectedVersion };

        var violations = SystemRules.Validate(command);

        NamesOnly(violations, "expected_version", "must be 0 (any) or a version number");
    }
}
