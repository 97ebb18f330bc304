namespace FederatedRegistry.Domain.Tests.Registrations;

public sealed class SystemLifecycleTests
{
    /// <summary>
    /// The documented table: draft → submitted → under_review → registered | rejected;
    /// registered → suspended | withdrawn; suspended → registered (reinstated) | withdrawn.
    /// Every (status, decision) pair not listed is illegal.
    /// </summary>
    internal static readonly IReadOnlyDictionary<(SystemStatus From, Decision Decision), SystemStatus> Documented =
        new Dictionary<(SystemStatus, Decision), SystemStatus>
        {
            [(SystemStatus.Submitted, Decision.StartReview)] = SystemStatus.UnderReview,
            [(SystemStatus.UnderReview, Decision.Register)] = SystemStatus.Registered,
            [(SystemStatus.UnderReview, Decision.Reject)] = SystemStatus.Rejected,
            [(SystemStatus.Registered, Decision.Suspend)] = SystemStatus.Suspended,
            [(SystemStatus.Registered, Decision.Withdraw)] = SystemStatus.Withdrawn,
            [(SystemStatus.Suspended, Decision.Register)] = SystemStatus.Registered,
            [(SystemStatus.Suspended, Decision.Withdraw)] = SystemStatus.Withdrawn,
        };

    public static TheoryData<SystemStatus, Decision, SystemStatus> LegalSteps()
    {
        var data = new TheoryData<SystemStatus, Decision, SystemStatus>();
        foreach (var ((from, decision), to) in Documented)
        {
            data.Add(from, decision, to);
        }
        return data;
    }

    public static TheoryData<SystemStatus, Decision> IllegalSteps()
    {
        var data = new TheoryData<SystemStatus, Decision>();
        foreach (var from in Enum.GetValues<SystemStatus>())
        {
            foreach (var decision in Enum.GetValues<Decision>())
            {
                if (!Documented.ContainsKey((from, decision)))
                {
                    data.Add(from, decision);
                }
            }
        }
        return data;
    }

    [Fact]
    public void TheDocumentedTable_AndTheIllegalSteps_CoverEveryStatusDecisionPair()
    {
        var pairs = Enum.GetValues<SystemStatus>().Length * Enum.GetValues<Decision>().Length;

        var covered = LegalSteps().Count() + IllegalSteps().Count();

        Assert.Equal(pairs, covered);
    }

    [Theory]
    [MemberData(nameof(LegalSteps))]
    public void Decide_WithALegalDecision_ReachesTheDocumentedStatusAtTheNextVersion(SystemStatus from, Decision decision, SystemStatus to)
    {
        var current = Valid.SystemAt(from, version: 5);
        var later = Valid.Now.AddHours(1);

        var outcome = SystemLifecycle.Decide(current, Valid.Decide(decision, expectedVersion: 5), later);

        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        var (next, change) = outcome.Value;
        Assert.Equal(to, next.Status);
        Assert.Equal(6, next.Version);
        Assert.Equal(later, next.UpdatedAt);
        Assert.Equal(current.CreatedAt, next.CreatedAt);
        Assert.Equal("decided:" + EnumNames.ToSnake(decision), change);
    }

    [Theory]
    [MemberData(nameof(IllegalSteps))]
    public void Decide_WithAnIllegalDecision_IsRefusedNamingWhatIsAllowed(SystemStatus from, Decision decision)
    {
        var current = Valid.SystemAt(from);
        var allowed = Documented.Keys.Where(k => k.From == from).Select(k => EnumNames.ToSnake(k.Decision)).ToHashSet();

        var outcome = SystemLifecycle.Decide(current, Valid.Decide(decision), Valid.Now);

        Assert.False(outcome.IsSuccess);
        Assert.Equal(ErrorKind.IllegalTransition, outcome.Error!.Kind);
        Assert.Contains(EnumNames.ToSnake(from), outcome.Error.Message, StringComparison.Ordinal);
        Assert.Contains(EnumNames.ToSnake(decision), outcome.Error.Message, StringComparison.Ordinal);
        Assert.Equal(allowed, Violations.AllowedIn(outcome.Error.Message));
    }

    [Theory]
    [MemberData(nameof(LegalSteps))]
    public void Target_ForALegalStep_IsTheDocumentedStatus(SystemStatus from, Decision decision, SystemStatus to)
    {
        var target = SystemLifecycle.Target(from, decision);

        Assert.Equal(to, target);
    }

    [Theory]
    [MemberData(nameof(IllegalSteps))]
    public void Target_ForAnIllegalStep_IsNull(SystemStatus from, Decision decision)
    {
        var target = SystemLifecycle.Target(from, decision);

        Assert.Null(target);
    }

    [Theory]
    [InlineData(4, 3)]
    [InlineData(4, 5)]
    [InlineData(1, 2)]
    public void Decide_WithStaleExpectedVersion_IsAVersionConflictNamingExpectedVersion(int current, int expected)
    {
        var system = Valid.SystemAt(SystemStatus.Submitted, version: current);

        var outcome = SystemLifecycle.Decide(system, Valid.Decide(Decision.StartReview, expectedVersion: expected), Valid.Now);

        Assert.Equal(ErrorKind.VersionConflict, outcome.Error?.Kind);
        var violation = Assert.Single(outcome.Error!.Violations);
        Assert.Equal("expected_version", violation.Field);
        Assert.Contains(current.ToString(System.Globalization.CultureInfo.InvariantCulture), violation.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_WithStaleExpectedVersionAndAnIllegalDecision_ReportsTheConflictFirst()
    {
        var system = Valid.SystemAt(SystemStatus.Draft, version: 2);

        var outcome = SystemLifecycle.Decide(system, Valid.Decide(Decision.Register, expectedVersion: 1), Valid.Now);

        Assert.Equal(ErrorKind.VersionConflict, outcome.Error?.Kind);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    public void Decide_WithExpectedVersionZero_AppliesToAnyCurrentVersion(int current)
    {
        var system = Valid.SystemAt(SystemStatus.Submitted, version: current);

        var outcome = SystemLifecycle.Decide(system, Valid.Decide(Decision.StartReview, expectedVersion: 0), Valid.Now);

        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        Assert.Equal(current + 1, outcome.Value.System.Version);
    }

    [Fact]
    public void Decide_Register_RecordsTheDecidedTierAndTrimmedReason()
    {
        var system = Valid.SystemAt(SystemStatus.UnderReview) with { Details = Valid.Details() with { ProposedRiskTier = RiskTier.Limited } };
        var command = new DecideSystem(system.Id, Decision.Register, RiskTier.High, "  Used for triage: high risk.  ", 0);

        var outcome = SystemLifecycle.Decide(system, command, Valid.Now);

        var next = outcome.Value.System;
        Assert.Equal(RiskTier.High, next.DecidedRiskTier);
        Assert.Equal(RiskTier.High, next.EffectiveRiskTier);
        Assert.Equal("Used for triage: high risk.", next.DecisionReason);
    }

    [Fact]
    public void Decide_WithoutTierOrReason_KeepsTheEarlierDecidedTierAndReason()
    {
        var system = Valid.SystemAt(SystemStatus.Submitted) with { DecidedRiskTier = RiskTier.Limited, DecisionReason = "Earlier reason" };
        var command = new DecideSystem(system.Id, Decision.StartReview, null, "  ", 0);

        var outcome = SystemLifecycle.Decide(system, command, Valid.Now);

        Assert.Equal(RiskTier.Limited, outcome.Value.System.DecidedRiskTier);
        Assert.Equal("Earlier reason", outcome.Value.System.DecisionReason);
    }

    [Fact]
    public void EffectiveRiskTier_BeforeAnyDecision_IsTheProposedTier()
    {
        var system = SystemLifecycle.Register(Valid.Node, Valid.Register(), Valid.Now);

        Assert.Null(system.DecidedRiskTier);
        Assert.Equal(Valid.Details().ProposedRiskTier, system.EffectiveRiskTier);
    }

    [Theory]
    [InlineData(false, SystemStatus.Draft)]
    [InlineData(true, SystemStatus.Submitted)]
    public void Register_StartsAtVersionOneAsDraftOrSubmitted(bool submit, SystemStatus expected)
    {
        var command = Valid.Register(submit);

        var system = SystemLifecycle.Register(Valid.Node, command, Valid.Now);

        Assert.Equal(expected, system.Status);
        Assert.Equal(1, system.Version);
        Assert.Equal(Valid.Now, system.CreatedAt);
        Assert.Equal(Valid.Now, system.UpdatedAt);
    }

    [Fact]
    public void Register_IssuesTheProductsSystemIdUnderTheNodeAndRecordsTheJurisdiction()
    {
        var command = Valid.Register();

        var system = SystemLifecycle.Register("BR", command, Valid.Now);

        Assert.Equal(Identifiers.SystemId("BR", command.ProductId), system.Id);
        Assert.Equal("BR", system.Jurisdiction);
        Assert.Equal(command.ProductId, system.ProductId);
        Assert.Equal(command.ProviderId, system.ProviderId);
    }

    [Fact]
    public void Register_TrimsTextAndFillsAbsentOptionalParts()
    {
        var command = Valid.Register(submit: false) with
        {
            Details = Valid.Details() with
            {
                Name = "  Triage Assist ",
                Version = " 2.1.0\t",
                IntendedPurpose = "\nRanks emergency-room patients by urgency. ",
                Assessment = null!,
                Markets = null!,
                DeploymentStatus = null,
            },
        };

        var details = SystemLifecycle.Register(Valid.Node, command, Valid.Now).Details;

        Assert.Equal("Triage Assist", details.Name);
        Assert.Equal("2.1.0", details.Version);
        Assert.Equal("Ranks emergency-room patients by urgency.", details.IntendedPurpose);
        Assert.Equal(Assessment.Empty, details.Assessment);
        Assert.Empty(details.Markets);
        Assert.Equal(DeploymentStatus.Planned, details.DeploymentStatus);
    }

    [Theory]
    [InlineData(SystemStatus.Draft)]
    [InlineData(SystemStatus.Submitted)]
    [InlineData(SystemStatus.UnderReview)]
    [InlineData(SystemStatus.Registered)]
    [InlineData(SystemStatus.Suspended)]
    public void Update_WithoutSubmit_KeepsTheStatusAndReplacesTheDetailsAtTheNextVersion(SystemStatus status)
    {
        var system = Valid.SystemAt(status, version: 3);
        var details = Valid.Details() with { Version = "2.2.0", Markets = ["KE"] };

        var outcome = SystemLifecycle.Update(system, new UpdateSystem(system.Id, 3, details, Submit: false), Valid.Now);

        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        var (next, change) = outcome.Value;
        Assert.Equal(status, next.Status);
        Assert.Equal(4, next.Version);
        Assert.Equal("2.2.0", next.Details.Version);
        Assert.Equal(["KE"], next.Details.Markets);
        Assert.Equal("updated", change);
    }

    [Theory]
    [InlineData(SystemStatus.Rejected)]
    [InlineData(SystemStatus.Withdrawn)]
    public void Update_ARejectedOrWithdrawnRegistration_ReopensItAsADraft(SystemStatus status)
    {
        var system = Valid.SystemAt(status, version: 6);

        var outcome = SystemLifecycle.Update(system, Valid.Update(expectedVersion: 6), Valid.Now);

        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        Assert.Equal(SystemStatus.Draft, outcome.Value.System.Status);
        Assert.Equal(7, outcome.Value.System.Version);
        Assert.Equal("reopened", outcome.Value.Change);
    }

    [Fact]
    public void Update_WithSubmitFromDraft_SubmitsIt()
    {
        var system = Valid.SystemAt(SystemStatus.Draft, version: 1);

        var outcome = SystemLifecycle.Update(system, Valid.Update(expectedVersion: 1, submit: true), Valid.Now);

        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        Assert.Equal(SystemStatus.Submitted, outcome.Value.System.Status);
        Assert.Equal(2, outcome.Value.System.Version);
        Assert.Equal("submitted", outcome.Value.Change);
    }

    [Theory]
    [InlineData(SystemStatus.Rejected)]
    [InlineData(SystemStatus.Withdrawn)]
    public void Update_WithSubmitFromRejectedOrWithdrawn_ReopensAndSubmitsInOneVersion(SystemStatus status)
    {
        var system = Valid.SystemAt(status, version: 4);

        var outcome = SystemLifecycle.Update(system, Valid.Update(expectedVersion: 4, submit: true), Valid.Now);

        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        Assert.Equal(SystemStatus.Submitted, outcome.Value.System.Status);
        Assert.Equal(5, outcome.Value.System.Version);
    }

    [Theory]
    [InlineData(SystemStatus.Submitted)]
    [InlineData(SystemStatus.UnderReview)]
    [InlineData(SystemStatus.Registered)]
    [InlineData(SystemStatus.Suspended)]
    public void Update_WithSubmitFromAnythingButADraft_IsAnIllegalTransition(SystemStatus status)
    {
        var system = Valid.SystemAt(status, version: 2);

        var outcome = SystemLifecycle.Update(system, Valid.Update(expectedVersion: 2, submit: true), Valid.Now);

        Assert.Equal(ErrorKind.IllegalTransition, outcome.Error?.Kind);
        Assert.Contains("Only a draft can be submitted", outcome.Error!.Message, StringComparison.Ordinal);
        Assert.Contains(EnumNames.ToSnake(status), outcome.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, 2)]
    [InlineData(3, 4)]
    [InlineData(3, 0)]
    public void Update_WithStaleExpectedVersion_IsAVersionConflict(int current, int expected)
    {
        var system = Valid.SystemAt(SystemStatus.Draft, version: current);

        var outcome = SystemLifecycle.Update(system, Valid.Update(expectedVersion: expected), Valid.Now);

        Assert.Equal(ErrorKind.VersionConflict, outcome.Error?.Kind);
        Assert.Equal("expected_version", Assert.Single(outcome.Error!.Violations).Field);
    }

    [Fact]
    public void AFullLifecycle_IncreasesTheVersionByOneWithEveryChange()
    {
        var t = Valid.Now;
        var system = SystemLifecycle.Register(Valid.Node, Valid.Register(submit: false), t);
        var seen = new List<(SystemStatus Status, int Version)> { (system.Status, system.Version) };

        AiSystem Apply(Outcome<(AiSystem System, string Change)> outcome)
        {
            Assert.True(outcome.IsSuccess, outcome.Error?.Message);
            seen.Add((outcome.Value.System.Status, outcome.Value.System.Version));
            return outcome.Value.System;
        }

        system = Apply(SystemLifecycle.Update(system, Valid.Update(system.Version, submit: true), t = t.AddMinutes(1)));
        system = Apply(SystemLifecycle.Decide(system, Valid.Decide(Decision.StartReview, system.Version), t = t.AddMinutes(1)));
        system = Apply(SystemLifecycle.Decide(system, Valid.Decide(Decision.Register, system.Version), t = t.AddMinutes(1)));
        system = Apply(SystemLifecycle.Decide(system, Valid.Decide(Decision.Suspend, system.Version), t = t.AddMinutes(1)));
        system = Apply(SystemLifecycle.Decide(system, Valid.Decide(Decision.Register, system.Version), t = t.AddMinutes(1)));
        system = Apply(SystemLifecycle.Decide(system, Valid.Decide(Decision.Withdraw, system.Version), t = t.AddMinutes(1)));
        system = Apply(SystemLifecycle.Update(system, Valid.Update(system.Version), t = t.AddMinutes(1)));
        Apply(SystemLifecycle.Update(system, Valid.Update(system.Version, submit: true), t.AddMinutes(1)));

        Assert.Equal(
            [
                (SystemStatus.Draft, 1), (SystemStatus.Submitted, 2), (SystemStatus.UnderReview, 3),
                (SystemStatus.Registered, 4), (SystemStatus.Suspended, 5), (SystemStatus.Registered, 6),
                (SystemStatus.Withdrawn, 7), (SystemStatus.Draft, 8), (SystemStatus.Submitted, 9),
            ],
            seen);
    }
}
