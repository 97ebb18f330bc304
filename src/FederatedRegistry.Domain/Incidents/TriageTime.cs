namespace FederatedRegistry.Domain.Incidents;

/// <summary>
/// How long an incident waited for the authority's triage, in buckets: from the node's record of the report (the
/// <c>reported</c> event that opens its history) to the first event that moved it on (triaged, or closed at once). The
/// value of the incidents summary dimension <c>triage_time</c>.
/// </summary>
/// <remarks>
/// <para>
/// Both ends are times the node recorded itself. The reporter's <c>reported_at</c> is not used: a reporter may give a
/// time in the past (a report first made by letter, an import of old records), which would count time before the
/// authority had the report against it, and would let whoever reports move another country's figure.
/// </para>
/// <para>
/// A value depends on the incident alone, never on the current time, so the read model can store it with the row. An
/// incident still awaiting triage is <see cref="NotTriaged"/> however long it has waited.
/// </para>
/// </remarks>
public static class TriageTime
{
    /// <summary>Left <c>reported</c> within 24 hours of the report (exactly 24 hours included).</summary>
    public const string WithinOneDay = "within_1_day";

    /// <summary>After more than one day, within seven.</summary>
    public const string WithinSevenDays = "within_7_days";

    /// <summary>After more than seven days, within thirty.</summary>
    public const string WithinThirtyDays = "within_30_days";

    /// <summary>After more than thirty days.</summary>
    public const string OverThirtyDays = "over_30_days";

    /// <summary>Still <c>reported</c>.</summary>
    public const string NotTriaged = "not_triaged";

    /// <summary>Moved on, but its history does not say when (a record the lifecycle did not make).</summary>
    public const string Unspecified = "unspecified";

    public static readonly TimeSpan OneDay = TimeSpan.FromDays(1);
    public static readonly TimeSpan SevenDays = TimeSpan.FromDays(7);
    public static readonly TimeSpan ThirtyDays = TimeSpan.FromDays(30);

    /// <summary>Every value, fastest first: the order in which summaries and charts list them.</summary>
    public static IReadOnlyList<string> Values { get; } = [WithinOneDay, WithinSevenDays, WithinThirtyDays, OverThirtyDays, NotTriaged, Unspecified];

    /// <summary>The values that count as triaged within seven days.</summary>
    public static IReadOnlyList<string> WithinAWeek { get; } = [WithinOneDay, WithinSevenDays];

    /// <summary>The incident's bucket.</summary>
    public static string Of(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var history = incident.History ?? [];
        var left = history.FirstOrDefault(e => e.Status != IncidentStatus.Reported);
        if (left is null)
        {
            return incident.Status == IncidentStatus.Reported ? NotTriaged : Unspecified;
        }
        if (history.Count == 0 || history[0].Status != IncidentStatus.Reported)
        {
            return Unspecified;
        }
        return Bucket(left.At - history[0].At);
    }

    /// <summary>
    /// The bucket of a wait. A negative wait (the node's clock was set back between the two events) counts as none.
    /// </summary>
    public static string Bucket(TimeSpan waited) =>
        waited <= OneDay ? WithinOneDay
        : waited <= SevenDays ? WithinSevenDays
        : waited <= ThirtyDays ? WithinThirtyDays
        : OverThirtyDays;
}
