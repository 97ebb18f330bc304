using System.Collections.Immutable;
using FederatedRegistry.Domain.Incidents;

namespace FederatedRegistry.Domain.Sharing;

/// <summary>
/// One cell of a cross-tabulation: a combination of dimension values and how many records have it.
/// Compares by content.
/// </summary>
/// <param name="Values">One value per dimension, in the order of the dimensions asked for.</param>
/// <param name="Count">Records with that combination (an incident counts once per harm type).</param>
public sealed record CountCell(IReadOnlyList<string> Values, long Count)
{
    public bool Equals(CountCell? other) =>
        other is not null && Count == other.Count && Values.SequenceEqual(other.Values, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Key(Values), Count);

    public override string ToString() => $"({string.Join(", ", Values)}) = {Count}";

    // The unit separator cannot occur in a dimension value, which the catalogue restricts to names and months.
    internal static string Key(IEnumerable<string> values) => string.Join('\u001f', values);
}

/// <summary>
/// Counts of a dataset by the dimensions asked for. <see cref="Cells"/> holds only combinations with at least
/// <see cref="MinCount"/> records; any other combination was withheld or is empty, and the answer never says
/// which, nor how many were withheld (with a two-valued dimension even a yes/no would show that a small cell is
/// not empty). There is no total and no margin, so nothing in the answer lets a withheld cell be recomputed.
/// </summary>
/// <param name="PolicyVersion">The policy version that allowed the answer.</param>
/// <param name="Dataset">Systems or incidents.</param>
/// <param name="Dimensions">The dimensions asked for, in the order asked; each cell's values follow it.</param>
/// <param name="MinCount">k: the smallest count shown.</param>
/// <param name="Cells">Ordered by their values (ordinal).</param>
public sealed record SummaryAnswer(int PolicyVersion, SharedDataset Dataset, IReadOnlyList<string> Dimensions, int MinCount, IReadOnlyList<CountCell> Cells);

/// <summary>The records that pass the caller's filters, each with only the fields granted for it, in the order given.</summary>
/// <param name="PolicyVersion">The policy version that allowed the answer.</param>
/// <param name="Dataset">Systems or incidents.</param>
/// <param name="Records">Projections of the records given; none is added or changed.</param>
public sealed record RecordsAnswer(int PolicyVersion, SharedDataset Dataset, IReadOnlyList<SharedRecord> Records);

/// <summary>A notice of an incident to push to one node, with only the fields its alert grants list.</summary>
/// <param name="Recipient">The node code.</param>
/// <param name="PolicyVersion">The policy version that allowed the push.</param>
/// <param name="Incident">The incident's granted fields.</param>
public sealed record Alert(string Recipient, int PolicyVersion, SharedRecord Incident);

/// <summary>
/// Decides what may leave the node: the only path by which data leaves it. Pure functions of the policy, the
/// caller and the data; every answer carries the policy version that allowed it, and anything not granted is
/// refused with <see cref="ErrorKind.PermissionDenied"/>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Who is covered.</b> A grant covers a caller when it names the caller's code, or names <c>observers</c> and the
/// caller is an observer, or names <c>all-peers</c> and the caller is a national node. A caller that is not well
/// formed (<see cref="Caller.IsWellFormed"/>), and the node that owns the policy, are covered by nothing.
/// </para>
/// <para>
/// <b>How grants combine: a union, one grant per disclosed unit.</b> A value leaves only if one grant covering the
/// caller allows that value in that form, so adding a grant never takes anything away, and removing one never
/// widens another. Per granularity:
/// </para>
/// <list type="bullet">
/// <item><description>Summary: the unit is the answer. One grant must list every dimension asked for; dimensions of
/// different grants are not crossed, because a cross-tabulation discloses more than its margins. Where several
/// grants list them all, the smallest of their minimum counts applies (each alone would allow that answer).
/// </description></item>
/// <item><description>Records and alerts: the unit is a field of a record. A record passing the filters of several
/// grants carries the union of their fields, as SQL column grants combine. So fields granted to overlapping
/// audiences appear side by side in one record: a policy that must keep two fields apart must not grant them to
/// audiences that share a member.</description></item>
/// <item><description>Advisories: any covering grant that sends them.</description></item>
/// </list>
/// <para>
/// <b>Small cells.</b> A summary withholds every combination with fewer than k records (zero included, so that an
/// empty combination and a small one look the same), and gives no totals or margins: an answer shows exactly the
/// cells of at least k, so it stays the same whatever the withheld cells hold. A request must name at least one
/// dimension, since a bare total is the margin that subtraction needs. What one answer cannot prevent is
/// differencing across answers: a total learned elsewhere (another answer over fewer or other dimensions, the
/// node's public figures, the data before and after a change) minus the cells shown can reveal a withheld cell.
/// Detecting that needs the history of a caller's queries, which is not a per-answer rule.
/// </para>
/// <para>
/// <b>Defence in depth.</b> The evaluator does not rely on the policy having been validated: names outside the
/// catalogue grant nothing, a minimum count below 1 counts as 1, a filter term it cannot evaluate lets no record
/// through, and an alert grant with an unknown severity triggers nothing.
/// </para>
/// </remarks>
public static class SharingEvaluator
{
    /// <summary>The grants that cover the caller, in policy order; none for the policy's own node or a malformed caller.</summary>
    public static IReadOnlyList<AudienceGrant> GrantsCovering(SharingPolicy policy, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(caller);
        return [.. (policy.Grants ?? []).Where(g => g?.Audience is not null && Audiences.Covers(g.Audience, policy.NodeCode, caller))];
    }

    /// <summary>
    /// Counts over <paramref name="dimensions"/> as the caller may see them: the cells supplied (a cross-tabulation
    /// over exactly those dimensions, such as <see cref="SharedRecords.Tabulate(IEnumerable{Registrations.AiSystem}, IReadOnlyList{string})"/>
    /// gives; repeated combinations are added up) less those below k.
    /// </summary>
    /// <returns>The answer; PermissionDenied when no grant covering the caller lists every dimension (naming those no
    /// grant lists); Invalid when the request names no dimension, an unknown one, or one twice.</returns>
    /// <exception cref="ArgumentException">A cell does not have one value of the right kind per dimension, or a negative count.</exception>
    public static Outcome<SummaryAnswer> Summary(SharingPolicy policy, Caller caller, SharedDataset dataset, IReadOnlyList<string> dimensions, IEnumerable<CountCell> cells)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        ArgumentNullException.ThrowIfNull(cells);
        var grants = GrantsCovering(policy, caller).Select(g => g.For(dataset)?.Summary).OfType<SummaryGrant>().ToList();
        if (grants.Count == 0)
        {
            return Denied(policy, caller, $"summary of {DatasetName(dataset)}");
        }
        var invalid = CheckDimensions(dataset, dimensions);
        if (invalid is not null)
        {
            return invalid;
        }
        var allowing = grants.Where(g => dimensions.All(d => Granted(g, dataset).Contains(d))).ToList();
        if (allowing.Count == 0)
        {
            return DeniedDimensions(policy, caller, dataset, dimensions, grants);
        }
        var k = allowing.Min(g => Math.Max(1, g.MinCount));

        var merged = new Dictionary<string, (string[] Values, long Count)>(StringComparer.Ordinal);
        foreach (var cell in cells)
        {
            var values = CheckCell(dataset, dimensions, cell);
            var key = CountCell.Key(values);
            merged[key] = merged.TryGetValue(key, out var sum) ? (sum.Values, checked(sum.Count + cell.Count)) : (values, cell.Count);
        }
        var shown = merged
            .Where(c => c.Value.Count >= k)
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => new CountCell(c.Value.Values, c.Value.Count))
            .ToList();
        return new SummaryAnswer(policy.Version, dataset, [.. dimensions], k, shown);
    }

    /// <summary>
    /// The records the caller may receive: those passing the filter of at least one covering records grant, each
    /// with the union of the fields of the grants it passes, in the order given.
    /// </summary>
    /// <returns>The answer (possibly with no records); PermissionDenied when no grant covering the caller shares records of the dataset.</returns>
    /// <exception cref="ArgumentException">A record belongs to another dataset.</exception>
    public static Outcome<RecordsAnswer> Records(SharingPolicy policy, Caller caller, SharedDataset dataset, IEnumerable<SharedRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var grants = GrantsCovering(policy, caller).Select(g => g.For(dataset)?.Records).OfType<RecordsGrant>().ToList();
        if (grants.Count == 0)
        {
            return Denied(policy, caller, $"records of {DatasetName(dataset)}");
        }
        var catalogue = SharingCatalogue.Fields(dataset);
        var shared = new List<SharedRecord>();
        foreach (var record in records)
        {
            ArgumentNullException.ThrowIfNull(record, nameof(records));
            if (record.Dataset != dataset)
            {
                throw new ArgumentException($"A record of {DatasetName(record.Dataset)} was given for {DatasetName(dataset)}.", nameof(records));
            }
            var allowed = grants.Where(g => Passes(g, dataset, record)).SelectMany(g => g.Fields ?? []).ToHashSet(StringComparer.Ordinal);
            var fields = catalogue.Where(allowed.Contains).ToList();
            if (fields.Count > 0)
            {
                shared.Add(record.Project(fields));
            }
        }
        return new RecordsAnswer(policy.Version, dataset, shared);
    }

    /// <summary>
    /// The alerts an incident triggers: for each of the <paramref name="peers"/> (first mention of a code wins), the
    /// incident with the union of the fields of the covering alert grants whose conditions it meets. Peers with no
    /// such grant get nothing.
    /// </summary>
    public static IReadOnlyList<Alert> AlertsFor(SharingPolicy policy, Incident incident, IEnumerable<Caller> peers)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(peers);
        var record = SharedRecords.From(incident);
        var catalogue = SharingCatalogue.Fields(SharedDataset.Incidents);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var alerts = new List<Alert>();
        foreach (var peer in peers)
        {
            if (peer?.NodeCode is null || !seen.Add(peer.NodeCode))
            {
                continue;
            }
            var allowed = GrantsCovering(policy, peer)
                .Select(g => g.Incidents?.Alerts)
                .OfType<AlertsGrant>()
                .Where(a => Triggers(a, incident, peer))
                .SelectMany(a => a.Fields ?? [])
                .ToHashSet(StringComparer.Ordinal);
            var fields = catalogue.Where(allowed.Contains).ToList();
            if (fields.Count > 0)
            {
                alerts.Add(new Alert(peer.NodeCode, policy.Version, record.Project(fields)));
            }
        }
        return alerts;
    }

    /// <summary>Whether a covering grant sends advisories to the caller; pushes then carry the policy's version.</summary>
    public static bool MayReceiveAdvisories(SharingPolicy policy, Caller caller) =>
        GrantsCovering(policy, caller).Any(g => g.Advisories);

    private static IReadOnlySet<string> Granted(SummaryGrant grant, SharedDataset dataset) =>
        (grant.Dimensions ?? []).Where(d => SharingCatalogue.IsDimension(dataset, d)).ToHashSet(StringComparer.Ordinal);

    private static DomainError? CheckDimensions(SharedDataset dataset, IReadOnlyList<string> dimensions)
    {
        var rules = new FieldRules();
        if (dimensions.Count == 0)
        {
            rules.Add("dimensions", "must name at least one dimension: a summary never gives a bare total; " +
                "expected some of: " + string.Join(", ", SharingCatalogue.Dimensions(dataset)));
        }
        for (var i = 0; i < dimensions.Count; i++)
        {
            if (!SharingCatalogue.IsDimension(dataset, dimensions[i]))
            {
                rules.Add($"dimensions[{i}]", $"'{dimensions[i]}' is not a dimension of {DatasetName(dataset)}; expected one of: " +
                    string.Join(", ", SharingCatalogue.Dimensions(dataset)));
            }
        }
        rules.Distinct("dimensions", dimensions);
        return rules.IsValid ? null : DomainError.Invalid(rules.Violations);
    }

    private static string[] CheckCell(SharedDataset dataset, IReadOnlyList<string> dimensions, CountCell cell)
    {
        if (cell?.Values is null || cell.Values.Count != dimensions.Count)
        {
            throw new ArgumentException($"A cell must have one value per dimension ({string.Join(", ", dimensions)}): {cell}.", "cells");
        }
        if (cell.Count < 0)
        {
            throw new ArgumentException($"A cell has a negative count: {cell}.", "cells");
        }
        for (var i = 0; i < dimensions.Count; i++)
        {
            // A dimension value is always a name from the catalogue or a month, so it can carry nothing else.
            if (!SharingCatalogue.IsDimensionValue(dataset, dimensions[i], cell.Values[i]))
            {
                throw new ArgumentException(
                    $"'{cell.Values[i]}' is not a value of {dimensions[i]}; expected {SharingCatalogue.DescribeDimensionValues(dataset, dimensions[i])}.",
                    "cells");
            }
        }
        return [.. cell.Values];
    }

    private static bool Passes(RecordsGrant grant, SharedDataset dataset, SharedRecord record)
    {
        var filter = grant.Filter ?? [];
        foreach (var term in filter)
        {
            if (term?.Values is null || !SharingCatalogue.IsFilterField(dataset, term.Field) || !Matches(term, record[term.Field]))
            {
                return false;
            }
        }
        if (dataset == SharedDataset.Systems)
        {
            if (!record.Has("category"))
            {
                return false;
            }
            if (record["category"] is string category && SharingCatalogue.RestrictedCategories.Contains(category) &&
                !filter.Any(t => t.Field == "category" && t.Values.Contains(category, StringComparer.Ordinal)))
            {
                return false;
            }
        }
        return true;
    }

    private static bool Matches(FilterTerm term, object? value) => value switch
    {
        string s => term.Values.Contains(s, StringComparer.Ordinal),
        ImmutableArray<string> list => list.Any(v => term.Values.Contains(v, StringComparer.Ordinal)),
        _ => false,
    };

    private static bool Triggers(AlertsGrant alert, Incident incident, Caller recipient)
    {
        if (alert.MinSeverity is { } min)
        {
            if (!Enum.IsDefined(min) || incident.Details.Severity is not { } severity || !Enum.IsDefined(severity) || severity > min)
            {
                return false;
            }
        }
        if (alert.CrossBorderOnly && !incident.Details.CrossBorder)
        {
            return false;
        }
        return !alert.AffectingRecipientOnly || incident.Details.AffectedJurisdictions.Contains(recipient.NodeCode, StringComparer.Ordinal);
    }

    private static DomainError Denied(SharingPolicy policy, Caller caller, string what) =>
        DomainError.PermissionDenied($"{policy.NodeCode} shares no {what} with {caller.NodeCode} (policy version {policy.Version}).");

    private static DomainError DeniedDimensions(SharingPolicy policy, Caller caller, SharedDataset dataset, IReadOnlyList<string> dimensions, List<SummaryGrant> grants)
    {
        var granted = grants.SelectMany(g => Granted(g, dataset)).ToHashSet(StringComparer.Ordinal);
        var violations = dimensions
            .Select((d, i) => (d, i))
            .Where(x => !granted.Contains(x.d))
            .Select(x => new FieldViolation($"dimensions[{x.i}]", $"'{x.d}' is not granted to {caller.NodeCode}"))
            .ToList();
        var message = violations.Count > 0
            ? $"{policy.NodeCode} does not share {DatasetName(dataset)} by {string.Join(", ", dimensions.Where(d => !granted.Contains(d)))} " +
              $"with {caller.NodeCode} (policy version {policy.Version})."
            : $"{policy.NodeCode} shares {DatasetName(dataset)} by {string.Join(", ", dimensions)} with {caller.NodeCode} only under different grants, " +
              $"which are not crossed; ask for them separately (policy version {policy.Version}).";
        return DomainError.PermissionDenied(message, violations);
    }

    private static string DatasetName(SharedDataset dataset) =>
        Enum.IsDefined(dataset) ? SharingCatalogue.Name(dataset) : ((int)dataset).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
