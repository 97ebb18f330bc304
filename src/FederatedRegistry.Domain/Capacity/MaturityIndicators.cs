using System.Globalization;
using FederatedRegistry.Domain.Incidents;
using FederatedRegistry.Domain.Registrations;
using FederatedRegistry.Domain.Sharing;

namespace FederatedRegistry.Domain.Capacity;

/// <summary>Registrations decided and awaiting a decision, in the cells a country showed.</summary>
/// <param name="Decided">Registered, rejected, suspended or withdrawn (<see cref="SystemLifecycle.IsDecided"/>).</param>
/// <param name="Awaiting">Submitted or under review (<see cref="SystemLifecycle.IsAwaitingDecision"/>).</param>
public sealed record DecisionCounts(long Decided, long Awaiting)
{
    /// <summary>Decided / (decided + awaiting); null when neither was shown.</summary>
    public double? Share => Decided + Awaiting == 0 ? null : (double)Decided / (Decided + Awaiting);
}

/// <summary>Incidents by how soon they were triaged, in the cells a country showed.</summary>
/// <param name="WithinAWeek">Triaged within seven days (<see cref="TriageTime.WithinAWeek"/>).</param>
/// <param name="Total">Every incident shown whose triage time is known, still untriaged ones included.</param>
public sealed record TriageCounts(long WithinAWeek, long Total)
{
    /// <summary>WithinAWeek / Total; null when no incident was shown.</summary>
    public double? Share => Total == 0 ? null : (double)WithinAWeek / Total;
}

/// <summary>An area where a country's figures suggest it could use help, with the figure that says so.</summary>
/// <param name="Area"><see cref="MaturityIndicators.Registrations"/>, <see cref="MaturityIndicators.Triage"/> or <see cref="MaturityIndicators.Advisories"/>.</param>
/// <param name="Text">A sentence for people.</param>
public sealed record CapacityHint(string Area, string Text);

/// <summary>
/// The maturity view of the federation: three indicators per country, computed from what the country's sharing policy
/// lets the observer see, and the thresholds below which a country is pointed out as one that capacity building could
/// help. The thresholds are deliberately plain, so that a person can check them against the figures shown:
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><description><b>Reviewing registrations</b>: fewer than <see cref="MinDecidedShare"/> (60%) of the registrations
/// submitted to the authority have a decision. Drafts count on neither side: they are the provider's, not yet the
/// authority's, work.</description></item>
/// <item><description><b>Triaging incidents</b>: fewer than <see cref="MinTriagedWithinAWeekShare"/> (75%) of the incidents
/// were triaged within seven days of their report. Incidents still awaiting triage count as not triaged within a week,
/// so a backlog lowers the figure however old its incidents are (the dimension does not depend on the current time).
/// </description></item>
/// <item><description><b>Sharing lessons learned</b>: fewer than <see cref="MinAdvisories"/> (one) advisory has reached
/// the observer from the country. The observer cannot tell a country that wrote none from one whose policy does not send
/// them, and the hint says only what it saw.</description></item>
/// </list>
/// <para>
/// A country's figures are the cells it chose to show: cells below its minimum count are withheld, so a share is over the
/// cells shown. An indicator the country does not share, or did not answer, gives no hint: nothing is guessed.
/// </para>
/// </remarks>
public static class MaturityIndicators
{
    public const string Registrations = "registrations";
    public const string Triage = "triage";
    public const string Advisories = "advisories";

    /// <summary>Below this share of submitted registrations decided, reviewing registrations is pointed out.</summary>
    public const double MinDecidedShare = 0.60;

    /// <summary>Below this share of incidents triaged within seven days, triaging incidents is pointed out.</summary>
    public const double MinTriagedWithinAWeekShare = 0.75;

    /// <summary>Fewer advisories received than this points out sharing lessons learned.</summary>
    public const int MinAdvisories = 1;

    /// <summary>Adds up the cells of a summary of systems by status (values are status names).</summary>
    public static DecisionCounts Decisions(IEnumerable<CountCell> statusCells)
    {
        ArgumentNullException.ThrowIfNull(statusCells);
        long decided = 0, awaiting = 0;
        foreach (var cell in statusCells)
        {
            if (cell.Values.Count != 1 || EnumNames.Parse<SystemStatus>(cell.Values[0]) is not { } status)
            {
                continue;
            }
            if (SystemLifecycle.IsDecided(status))
            {
                decided += cell.Count;
            }
            else if (SystemLifecycle.IsAwaitingDecision(status))
            {
                awaiting += cell.Count;
            }
        }
        return new DecisionCounts(decided, awaiting);
    }

    /// <summary>Adds up the cells of a summary of incidents by triage_time. <see cref="TriageTime.Unspecified"/> counts on neither side.</summary>
    public static TriageCounts Triaged(IEnumerable<CountCell> triageCells)
    {
        ArgumentNullException.ThrowIfNull(triageCells);
        long within = 0, total = 0;
        foreach (var cell in triageCells)
        {
            if (cell.Values.Count != 1 || cell.Values[0] == TriageTime.Unspecified || !TriageTime.Values.Contains(cell.Values[0]))
            {
                continue;
            }
            total += cell.Count;
            if (TriageTime.WithinAWeek.Contains(cell.Values[0]))
            {
                within += cell.Count;
            }
        }
        return new TriageCounts(within, total);
    }

    /// <summary>
    /// Where the country's figures fall below the thresholds, in the order registrations, triage, advisories. A null
    /// argument is an indicator the observer does not have (not shared, or no answer): it gives no hint.
    /// </summary>
    public static IReadOnlyList<CapacityHint> NeedsHelpWith(DecisionCounts? decisions, TriageCounts? triage, int? advisoriesReceived)
    {
        var hints = new List<CapacityHint>();
        if (decisions?.Share is { } decided && decided < MinDecidedShare)
        {
            hints.Add(new CapacityHint(Registrations,
                $"Reviewing registrations: {Percent(decided)} of the {decisions.Decided + decisions.Awaiting} submitted registrations shown have a decision (threshold {Percent(MinDecidedShare)})."));
        }
        if (triage?.Share is { } prompt && prompt < MinTriagedWithinAWeekShare)
        {
            hints.Add(new CapacityHint(Triage,
                $"Triaging incidents: {Percent(prompt)} of the {triage.Total} incidents shown were triaged within 7 days (threshold {Percent(MinTriagedWithinAWeekShare)})."));
        }
        if (advisoriesReceived is { } received && received < MinAdvisories)
        {
            hints.Add(new CapacityHint(Advisories,
                "Sharing lessons learned: no advisory from this country has reached this node."));
        }
        return hints;
    }

    /// <summary>A share as a whole percentage, rounded half away from zero, e.g. "67%".</summary>
    public static string Percent(double share) =>
        Math.Round(share * 100, MidpointRounding.AwayFromZero).ToString("0", CultureInfo.InvariantCulture) + "%";
}
