namespace FederatedRegistry.Domain.Tests.Incidents;

public sealed class OverdueTests
{
    private static Incident Serious(IncidentStatus status = IncidentStatus.Reported) => Valid.IncidentAt(status);

    [Fact]
    public void IsOverdue_BeforeTheDeadline_IsFalse()
    {
        var incident = Serious();

        Assert.False(incident.IsOverdue(incident.Deadline!.DueAt.AddTicks(-1)));
    }

    [Fact]
    public void IsOverdue_AtTheDeadline_IsFalse()
    {
        var incident = Serious();

        Assert.False(incident.IsOverdue(incident.Deadline!.DueAt));
    }

    [Theory]
    [InlineData(IncidentStatus.Reported)]
    [InlineData(IncidentStatus.Triaged)]
    [InlineData(IncidentStatus.Investigating)]
    public void IsOverdue_AfterTheDeadlineWhileOpen_IsTrue(IncidentStatus status)
    {
        var incident = Serious(status);

        Assert.True(incident.IsOverdue(incident.Deadline!.DueAt.AddTicks(1)));
    }

    [Theory]
    [InlineData(IncidentStatus.Mitigated)]
    [InlineData(IncidentStatus.Closed)]
    public void IsOverdue_AfterTheDeadlineOnceMitigatedOrClosed_IsFalse(IncidentStatus status)
    {
        var incident = Serious(status);

        Assert.False(incident.IsOverdue(incident.Deadline!.DueAt.AddDays(100)));
    }

    [Fact]
    public void IsOverdue_WithoutADeadline_IsNeverTrue()
    {
        var incident = Valid.IncidentAt(IncidentStatus.Reported) with { Deadline = null };

        Assert.False(incident.IsOverdue(DateTimeOffset.MaxValue));
    }

    [Fact]
    public void IsOverdue_ComparesInstantsAcrossOffsets()
    {
        var incident = Serious();
        var justAfterElsewhere = incident.Deadline!.DueAt.AddSeconds(1).ToOffset(TimeSpan.FromHours(-7));

        Assert.True(incident.IsOverdue(justAfterElsewhere));
    }

    [Fact]
    public void ReportedLate_WhenReportedAfterTheDeadline_IsTrue()
    {
        var incident = Serious();
        var late = incident with { Details = incident.Details with { ReportedAt = incident.Deadline!.DueAt.AddMinutes(1) } };

        Assert.True(late.ReportedLate);
    }

    [Fact]
    public void ReportedLate_WhenReportedOnOrBeforeTheDeadline_IsFalse()
    {
        var incident = Serious();
        var onTime = incident with { Details = incident.Details with { ReportedAt = incident.Deadline!.DueAt } };

        Assert.False(incident.ReportedLate);
        Assert.False(onTime.ReportedLate);
    }

    [Fact]
    public void ReportedLate_ForAnIncidentReportedSixteenDaysAfterAwareness_IsTrue()
    {
        var aware = Valid.Now.AddDays(-20);
        var command = new ReportIncident(Valid.Occurrence() with { OccurredAt = aware, AwareAt = aware, ReportedAt = aware.AddDays(16) });

        var incident = IncidentLifecycle.Report(Identifiers.NewIncidentId(Valid.Node), Valid.Node, command, ReportingRules.EuAiActArticle73, Valid.Now);

        Assert.True(incident.ReportedLate);
    }

    [Fact]
    public void ReportedLate_WithoutADeadline_IsFalse()
    {
        var incident = Serious() with { Deadline = null };

        Assert.False(incident.ReportedLate);
    }
}
