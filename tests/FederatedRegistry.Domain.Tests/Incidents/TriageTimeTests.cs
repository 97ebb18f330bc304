using FederatedRegistry.Domain.Sharing;

namespace FederatedRegistry.Domain.Tests.Incidents;

/// <summary>The triage_time dimension: how long an incident stayed reported, read from the history the lifecycle keeps.</summary>
public sealed class TriageTimeTests
{
    private static Incident Reported(DateTimeOffset? reportedAt = null) =>
        IncidentLifecycle.Report(Identifiers.NewIncidentId(Valid.Node), Valid.Node, Valid.Report() with
        {
            Details = Valid.Occurrence() with { ReportedAt = reportedAt ?? Valid.Now.AddDays(-1) },
        }, ReportingRules.EuAiActArticle73, Valid.Now);

    private static Incident Step(Incident incident, IncidentStatus to, DateTimeOffset at) =>
        IncidentLifecycle.Transition(incident, new TransitionIncident(incident.Id, to, null, incident.Version), at).Value!;

    private static Incident TriagedAfter(TimeSpan wait) => Step(Reported(), IncidentStatus.Triaged, Valid.Now + wait);

    public static TheoryData<TimeSpan, string> Waits => new()
    {
        { TimeSpan.Zero, TriageTime.WithinOneDay },
        { TimeSpan.FromHours(3), TriageTime.WithinOneDay },
        { TimeSpan.FromDays(1), TriageTime.WithinOneDay },
        { TimeSpan.FromDays(1) + TimeSpan.FromTicks(1), TriageTime.WithinSevenDays },
        { TimeSpan.FromDays(7), TriageTime.WithinSevenDays },
        { TimeSpan.FromDays(7) + TimeSpan.FromTicks(1), TriageTime.WithinThirtyDays },
        { TimeSpan.FromDays(30), TriageTime.WithinThirtyDays },
        { TimeSpan.FromDays(30) + TimeSpan.FromTicks(1), TriageTime.OverThirtyDays },
        { TimeSpan.FromDays(400), TriageTime.OverThirtyDays },
    };

    [Theory]
    [MemberData(nameof(Waits))]
    public void TriagedAfterAWait_FallsInTheBucketOfThatWait_EachBoundaryInTheFasterBucket(TimeSpan wait, string expected)
    {
        Assert.Equal(expected, TriageTime.Of(TriagedAfter(wait)));
    }

    [Fact]
    public void StillReported_IsNotTriaged_HoweverLongItWaited()
    {
        var incident = Reported(reportedAt: Valid.Now.AddYears(-2));

        Assert.Equal(TriageTime.NotTriaged, TriageTime.Of(incident));
    }

    [Fact]
    public void ClosedStraightFromReported_CountsAsLeavingReportedThen()
    {
        var incident = Step(Reported(), IncidentStatus.Closed, Valid.Now.AddDays(3));

        Assert.Equal(TriageTime.WithinSevenDays, TriageTime.Of(incident));
    }

    [Fact]
    public void LaterSteps_DoNotChangeTheTriageTime()
    {
        var triaged = TriagedAfter(TimeSpan.FromHours(5));

        var closed = Step(Step(Step(triaged, IncidentStatus.Investigating, Valid.Now.AddDays(60)), IncidentStatus.Mitigated, Valid.Now.AddDays(90)),
            IncidentStatus.Closed, Valid.Now.AddDays(200));

        Assert.Equal(TriageTime.WithinOneDay, TriageTime.Of(closed));
    }

    [Fact]
    public void IsCountedFromWhenTheNodeRecordedTheReport_NotFromTheReportersReportedAt()
    {
        // The reporter says it reported forty days ago (say, by letter); the node has had it for two hours.
        var incident = Step(Reported(reportedAt: Valid.Now.AddDays(-40)), IncidentStatus.Triaged, Valid.Now.AddHours(2));

        Assert.Equal(TriageTime.WithinOneDay, TriageTime.Of(incident));
    }

    [Fact]
    public void AClockSetBackBetweenReportAndTriage_CountsAsNoWait()
    {
        var incident = Step(Reported(), IncidentStatus.Triaged, Valid.Now.AddMinutes(-5));

        Assert.Equal(TriageTime.WithinOneDay, TriageTime.Of(incident));
    }

    [Fact]
    public void MovedOnWithoutAHistorySayingWhen_IsUnspecified()
    {
        var incident = Reported() with { Status = IncidentStatus.Investigating, History = [] };

        Assert.Equal(TriageTime.Unspecified, TriageTime.Of(incident));
    }

    [Fact]
    public void EveryValue_IsAValueOfTheCataloguesTriageTimeDimension_InTheSameOrder()
    {
        Assert.Equal(TriageTime.Values, SharingCatalogue.DimensionValues(SharedDataset.Incidents, IncidentDimensions.TriageTime));
        Assert.Contains(IncidentDimensions.TriageTime, SharingCatalogue.Dimensions(SharedDataset.Incidents));
        Assert.Equal(["within_7_days"], SharedRecords.DimensionValues(TriagedAfter(TimeSpan.FromDays(2)), "triage_time"));
    }
}
