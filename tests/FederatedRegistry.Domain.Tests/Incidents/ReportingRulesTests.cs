namespace FederatedRegistry.Domain.Tests.Incidents;

public sealed class ReportingRulesTests
{
    private static readonly ReportingRules Eu = ReportingRules.EuAiActArticle73;
    private static readonly DateTimeOffset Aware = Valid.Now.AddDays(-2);

    private static IncidentDetails Incident(
        Severity severity,
        bool death = false,
        bool widespread = false,
        params HarmType[] harms) =>
        Valid.Occurrence() with
        {
            Severity = severity,
            HarmTypes = harms.Length == 0 ? [HarmType.HealthAndSafety] : harms,
            ResultedInDeath = death,
            Widespread = widespread,
            OccurredAt = Aware.AddDays(-1),
            AwareAt = Aware,
            ReportedAt = Aware.AddHours(5),
        };

    [Fact]
    public void Defaults_AreThoseOfEuAiActArticle73()
    {
        var rules = new ReportingRules();

        Assert.Equal(Eu, rules);
        Assert.Equal((2, 2, 10, 15, (int?)null), (rules.WidespreadInfringementDays, rules.CriticalInfrastructureDays, rules.DeathDays, rules.SeriousDays, rules.OtherDays));
        Assert.Empty(rules.Validate());
    }

    [Theory]
    [InlineData(Severity.Critical)]
    [InlineData(Severity.Serious)]
    [InlineData(Severity.Moderate)]
    [InlineData(Severity.Minor)]
    public void DeadlineFor_AWidespreadInfringement_IsTwoDaysFromAwareness(Severity severity)
    {
        var deadline = Eu.DeadlineFor(Incident(severity, widespread: true));

        Assert.Equal(new ReportingDeadline(Aware.AddDays(2), "widespread_infringement"), deadline);
    }

    [Theory]
    [InlineData(Severity.Critical)]
    [InlineData(Severity.Serious)]
    public void DeadlineFor_ASeriousCriticalInfrastructureHarm_IsTwoDaysFromAwareness(Severity severity)
    {
        var deadline = Eu.DeadlineFor(Incident(severity, harms: [HarmType.Economic, HarmType.CriticalInfrastructure]));

        Assert.Equal(new ReportingDeadline(Aware.AddDays(2), "critical_infrastructure"), deadline);
    }

    [Theory]
    [InlineData(Severity.Critical)]
    [InlineData(Severity.Serious)]
    [InlineData(Severity.Moderate)]
    [InlineData(Severity.Minor)]
    public void DeadlineFor_ADeath_IsTenDaysFromAwareness(Severity severity)
    {
        var deadline = Eu.DeadlineFor(Incident(severity, death: true));

        Assert.Equal(new ReportingDeadline(Aware.AddDays(10), "death"), deadline);
    }

    [Theory]
    [InlineData(Severity.Critical)]
    [InlineData(Severity.Serious)]
    public void DeadlineFor_AnyOtherSeriousIncident_IsFifteenDaysFromAwareness(Severity severity)
    {
        var deadline = Eu.DeadlineFor(Incident(severity));

        Assert.Equal(new ReportingDeadline(Aware.AddDays(15), "serious"), deadline);
    }

    [Theory]
    [InlineData(Severity.Moderate)]
    [InlineData(Severity.Minor)]
    public void DeadlineFor_AModerateOrMinorIncident_IsNoneByDefault(Severity severity)
    {
        var deadline = Eu.DeadlineFor(Incident(severity, harms: [HarmType.CriticalInfrastructure, HarmType.Economic]));

        Assert.Null(deadline);
    }

    [Theory]
    [InlineData(Severity.Moderate)]
    [InlineData(Severity.Minor)]
    public void DeadlineFor_AModerateOrMinorIncident_FollowsOtherDaysWhenSet(Severity severity)
    {
        var rules = Eu with { OtherDays = 30 };

        var deadline = rules.DeadlineFor(Incident(severity));

        Assert.Equal(new ReportingDeadline(Aware.AddDays(30), "other"), deadline);
    }

    [Fact]
    public void DeadlineFor_ASeriousIncident_IgnoresOtherDays()
    {
        var rules = Eu with { OtherDays = 1 };

        var deadline = rules.DeadlineFor(Incident(Severity.Serious));

        Assert.Equal(new ReportingDeadline(Aware.AddDays(15), "serious"), deadline);
    }

    [Fact]
    public void DeadlineFor_AMinorIncidentWithADeath_TakesOtherDaysWhenTheyAreEarlier()
    {
        var rules = Eu with { OtherDays = 5 };

        var deadline = rules.DeadlineFor(Incident(Severity.Minor, death: true));

        Assert.Equal(new ReportingDeadline(Aware.AddDays(5), "other"), deadline);
    }

    [Fact]
    public void DeadlineFor_AMinorIncidentWithADeath_TakesTheDeathRuleWhenItIsEarlier()
    {
        var rules = Eu with { OtherDays = 30 };

        var deadline = rules.DeadlineFor(Incident(Severity.Minor, death: true));

        Assert.Equal(new ReportingDeadline(Aware.AddDays(10), "death"), deadline);
    }

    [Fact]
    public void DeadlineFor_ASeriousIncidentWithADeath_TakesTheEarlierDeathRule()
    {
        var deadline = Eu.DeadlineFor(Incident(Severity.Serious, death: true));

        Assert.Equal(new ReportingDeadline(Aware.AddDays(10), "death"), deadline);
    }

    [Fact]
    public void DeadlineFor_ADeathThatIsAlsoWidespread_TakesTheEarlierWidespreadRule()
    {
        var deadline = Eu.DeadlineFor(Incident(Severity.Critical, death: true, widespread: true));

        Assert.Equal(new ReportingDeadline(Aware.AddDays(2), "widespread_infringement"), deadline);
    }

    [Fact]
    public void DeadlineFor_ADeathInCriticalInfrastructure_TakesTheEarlierCriticalInfrastructureRule()
    {
        var deadline = Eu.DeadlineFor(Incident(Severity.Serious, death: true, harms: [HarmType.CriticalInfrastructure]));

        Assert.Equal(new ReportingDeadline(Aware.AddDays(2), "critical_infrastructure"), deadline);
    }

    [Fact]
    public void DeadlineFor_WithCustomRules_UsesTheJurisdictionsDays()
    {
        var rules = new ReportingRules(WidespreadInfringementDays: 1, CriticalInfrastructureDays: 3, DeathDays: 4, SeriousDays: 7, OtherDays: 20);

        Assert.Equal(Aware.AddDays(1), rules.DeadlineFor(Incident(Severity.Minor, widespread: true))!.DueAt);
        Assert.Equal(Aware.AddDays(3), rules.DeadlineFor(Incident(Severity.Serious, harms: [HarmType.CriticalInfrastructure]))!.DueAt);
        Assert.Equal(Aware.AddDays(4), rules.DeadlineFor(Incident(Severity.Serious, death: true))!.DueAt);
        Assert.Equal(Aware.AddDays(7), rules.DeadlineFor(Incident(Severity.Serious))!.DueAt);
        Assert.Equal(Aware.AddDays(20), rules.DeadlineFor(Incident(Severity.Moderate))!.DueAt);
    }

    [Fact]
    public void DeadlineFor_WhenACustomRuleMakesAnotherEarlier_ThatOtherRuleWins()
    {
        var rules = Eu with { SeriousDays = 1 };

        var deadline = rules.DeadlineFor(Incident(Severity.Serious, death: true, harms: [HarmType.CriticalInfrastructure]));

        Assert.Equal(new ReportingDeadline(Aware.AddDays(1), "serious"), deadline);
    }

    [Fact]
    public void DeadlineFor_IsCountedFromAwarenessNotOccurrenceOrReport()
    {
        var details = Incident(Severity.Serious) with
        {
            OccurredAt = Aware.AddDays(-40),
            ReportedAt = Aware.AddDays(3),
        };

        var deadline = Eu.DeadlineFor(details);

        Assert.Equal(Aware.AddDays(15), deadline!.DueAt);
    }

    [Fact]
    public void DeadlineFor_KeepsTheOffsetOfTheAwarenessTime()
    {
        var aware = new DateTimeOffset(2025, 3, 30, 23, 15, 0, TimeSpan.FromHours(3));

        var deadline = Eu.DeadlineFor(Incident(Severity.Serious) with { OccurredAt = aware, AwareAt = aware });

        Assert.Equal(aware.AddDays(15), deadline!.DueAt);
        Assert.Equal(aware.Offset, deadline.DueAt.Offset);
    }

    [Fact]
    public void DeadlineFor_WithoutAwareness_IsNone()
    {
        var deadline = Eu.DeadlineFor(Incident(Severity.Critical, death: true) with { AwareAt = null });

        Assert.Null(deadline);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(366)]
    public void Validate_WithDaysOutsideZeroTo365_NamesTheRule(int days)
    {
        var rules = new ReportingRules(SeriousDays: days, OtherDays: days);

        var violations = rules.Validate();

        Assert.Equal([nameof(ReportingRules.SeriousDays), nameof(ReportingRules.OtherDays)], violations.Select(v => v.Field));
        Assert.All(violations, v => Assert.Equal("must be between 0 and 365 days", v.Rule));
    }

    [Fact]
    public void Validate_WithDaysAtZeroAnd365_HasNoViolations()
    {
        var rules = new ReportingRules(0, 365, 0, 0, 365);

        Assert.Empty(rules.Validate());
    }

    [Fact]
    public void Validate_WithOtherDaysShorterThanSeriousDays_NamesOtherDays()
    {
        var rules = Eu with { OtherDays = 14 };

        var violation = Assert.Single(rules.Validate());

        Assert.Equal(nameof(ReportingRules.OtherDays), violation.Field);
        Assert.Contains("SeriousDays", violation.Rule);
    }
}
