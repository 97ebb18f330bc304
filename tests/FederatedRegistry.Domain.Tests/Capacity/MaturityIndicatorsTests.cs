using FederatedRegistry.Domain.Capacity;
using FederatedRegistry.Domain.Sharing;

namespace FederatedRegistry.Domain.Tests.Capacity;

/// <summary>The maturity view's figures and thresholds, from the cells a country's summary shows.</summary>
public sealed class MaturityIndicatorsTests
{
    private static CountCell Cell(string value, long count) => new([value], count);

    [Fact]
    public void Decisions_CountRegisteredRejectedSuspendedWithdrawnAsDecided_SubmittedAndUnderReviewAsAwaiting_AndDraftsAsNeither()
    {
        var counts = MaturityIndicators.Decisions(
        [
            Cell("registered", 10), Cell("rejected", 3), Cell("suspended", 4), Cell("withdrawn", 5),
            Cell("submitted", 6), Cell("under_review", 7), Cell("draft", 100),
        ]);

        Assert.Equal(new DecisionCounts(22, 13), counts);
        Assert.Equal(22.0 / 35, counts.Share);
    }

    [Fact]
    public void Decisions_WithNothingSubmittedShown_HaveNoShare()
    {
        Assert.Null(MaturityIndicators.Decisions([Cell("draft", 8)]).Share);
        Assert.Null(MaturityIndicators.Decisions([]).Share);
    }

    [Fact]
    public void Triaged_CountsWithinADayAndWithinSevenDaysAsPrompt_AndEveryKnownBucketInTheTotal()
    {
        var counts = MaturityIndicators.Triaged(
        [
            Cell("within_1_day", 5), Cell("within_7_days", 4), Cell("within_30_days", 3), Cell("over_30_days", 2),
            Cell("not_triaged", 6), Cell("unspecified", 50),
        ]);

        Assert.Equal(new TriageCounts(9, 20), counts);
        Assert.Equal(0.45, counts.Share);
    }

    [Theory]
    [InlineData(60, 40, false)]    // exactly 60% decided: at the threshold, not below it
    [InlineData(59, 41, true)]
    [InlineData(0, 3, true)]
    [InlineData(3, 0, false)]
    public void NeedsHelpWith_Registrations_WhenBelowSixtyPercentDecided(long decided, long awaiting, bool expected)
    {
        var hints = MaturityIndicators.NeedsHelpWith(new DecisionCounts(decided, awaiting), null, null);

        Assert.Equal(expected, hints.Any(h => h.Area == MaturityIndicators.Registrations));
    }

    [Theory]
    [InlineData(75, 25, false)]    // exactly 75% within a week: at the threshold
    [InlineData(74, 26, true)]
    [InlineData(0, 4, true)]
    public void NeedsHelpWith_Triage_WhenBelowSeventyFivePercentWithinAWeek(long withinAWeek, long others, bool expected)
    {
        var hints = MaturityIndicators.NeedsHelpWith(null, new TriageCounts(withinAWeek, withinAWeek + others), null);

        Assert.Equal(expected, hints.Any(h => h.Area == MaturityIndicators.Triage));
    }

    [Fact]
    public void NeedsHelpWith_Advisories_WhenNoneReachedTheObserver()
    {
        Assert.Equal([MaturityIndicators.Advisories], MaturityIndicators.NeedsHelpWith(null, null, 0).Select(h => h.Area));
        Assert.Empty(MaturityIndicators.NeedsHelpWith(null, null, 1));
    }

    [Fact]
    public void NeedsHelpWith_AnIndicatorNotSharedOrWithNothingShown_GivesNoHint()
    {
        Assert.Empty(MaturityIndicators.NeedsHelpWith(null, null, null));
        Assert.Empty(MaturityIndicators.NeedsHelpWith(new DecisionCounts(0, 0), new TriageCounts(0, 0), null));
    }

    [Fact]
    public void NeedsHelpWith_NamesTheFigureAndTheThreshold_InTheOrderRegistrationsTriageAdvisories()
    {
        var hints = MaturityIndicators.NeedsHelpWith(new DecisionCounts(1, 2), new TriageCounts(9, 15), 0);

        Assert.Equal([MaturityIndicators.Registrations, MaturityIndicators.Triage, MaturityIndicators.Advisories], hints.Select(h => h.Area));
        Assert.Equal("Reviewing registrations: 33% of the 3 submitted registrations shown have a decision (threshold 60%).", hints[0].Text);
        Assert.Equal("Triaging incidents: 60% of the 15 incidents shown were triaged within 7 days (threshold 75%).", hints[1].Text);
    }

    [Theory]
    [InlineData(0.125, "13%")]
    [InlineData(0.005, "1%")]
    [InlineData(2.0 / 3, "67%")]
    [InlineData(1.0, "100%")]
    public void Percent_RoundsHalfAwayFromZero(double share, string expected) => Assert.Equal(expected, MaturityIndicators.Percent(share));
}
