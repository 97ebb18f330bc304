using static FederatedRegistry.Domain.Tests.Support.Violations;

namespace FederatedRegistry.Domain.Tests.Incidents;

public sealed class TransitionIncidentRulesTests
{
    public static TheoryData<IncidentStatus> EveryStatus() => [.. Enum.GetValues<IncidentStatus>()];

    [Theory]
    [MemberData(nameof(EveryStatus))]
    public void Validate_AValidTransition_HasNoViolations(IncidentStatus to)
    {
        var command = Valid.Transition(to, expectedVersion: 2);

        var violations = IncidentRules.Validate(command);

        Assert.Empty(violations);
    }

    [Fact]
    public void Validate_WithoutNoteAndAnyVersion_HasNoViolations()
    {
        var command = Valid.Transition(IncidentStatus.Triaged, expectedVersion: 0) with { Note = null };

        var violations = IncidentRules.Validate(command);

        Assert.Empty(violations);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Validate_WithoutId_NamesIdAsRequired(string? id)
    {
        var command = Valid.Transition(IncidentStatus.Triaged) with { Id = id! };

        var violations = IncidentRules.Validate(command);

        NamesOnly(violations, "id", "is required");
    }

    [Theory]
    [InlineData("KE-INC-123")]
    [InlineData("KE-SYS-0123456789ABCDEFGHJK")]
    [InlineData("ke-inc-01jd3q4w5x6y7z8a9b0c1d2e3f")]
    [InlineData("KE-INC-01JD3Q4W5X6Y7Z8A9B0C1D2E3I")]
    public void Validate_WithMalformedId_NamesIdAsAnIncidentId(string id)
    {
        var command = Valid.Transition(IncidentStatus.Triaged) with { Id = id };

        var violations = IncidentRules.Validate(command);

        NamesOnly(violations, "id", "must be an incident id");
    }

    [Fact]
    public void Validate_WithoutTarget_NamesToAsRequiredListingTheStatuses()
    {
        var command = Valid.Transition(IncidentStatus.Triaged) with { To = null };

        var violations = IncidentRules.Validate(command);

        NamesOnly(violations, "to", "is required: one of: reported, triaged, investigating, mitigated, closed");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public void Validate_WithUndefinedTarget_NamesTo(int value)
    {
        var command = Valid.Transition(IncidentStatus.Triaged) with { To = (IncidentStatus)value };

        var violations = IncidentRules.Validate(command);

        NamesOnly(violations, "to", "must be one of: reported, triaged, investigating, mitigated, closed");
    }

    [Fact]
    public void Validate_WithNoteOver2000Characters_NamesNoteWithTheLimit()
    {
        var command = Valid.Transition(IncidentStatus.Triaged) with { Note = Valid.Repeat('n', 2001) };

        var violations = IncidentRules.Validate(command);

        NamesOnly(violations, "note", "at most 2000 characters");
    }

    [Fact]
    public void Validate_WithControlCharacterInNote_NamesNote()
    {
        var command = Valid.Transition(IncidentStatus.Triaged) with { Note = "Escalated\u001b[31m" };

        var violations = IncidentRules.Validate(command);

        NamesOnly(violations, "note", "must not contain control characters");
    }

    [Fact]
    public void Validate_WithNegativeExpectedVersion_NamesExpectedVersion()
    {
        var command = Valid.Transition(IncidentStatus.Triaged, expectedVersion: -1);

        var violations = IncidentRules.Validate(command);

        NamesOnly(violations, "expected_version", "must be 0 (any) or a version number");
    }
}
