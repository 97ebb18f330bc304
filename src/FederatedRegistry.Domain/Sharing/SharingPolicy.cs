namespace FederatedRegistry.Domain.Sharing;

/// <summary>
/// A node's sharing policy: which audiences receive which datasets, and in what form. Deny by default: an
/// audience no grant names receives nothing, and a named audience receives only what its grant lists. The JSON
/// form, its rules and an annotated example are in <see cref="SharingPolicyDocument"/>; what a caller may receive
/// under it is decided by <see cref="SharingEvaluator"/> alone.
/// </summary>
/// <param name="Version">Increases with every change; every answer and push carries the version that allowed it.</param>
/// <param name="NodeCode">The node that owns the policy; no grant covers it.</param>
/// <param name="Grants">What each audience receives. A caller covered by several grants receives the union of what each allows
/// (see <see cref="SharingEvaluator"/> for the exact reading per granularity).</param>
public sealed record SharingPolicy(int Version, string NodeCode, IReadOnlyList<AudienceGrant> Grants)
{
    /// <summary>A policy that shares nothing.</summary>
    public static SharingPolicy DenyAll(string nodeCode, int version = 1) => new(version, nodeCode, []);
}

/// <summary>What one audience receives.</summary>
/// <param name="Audience">A node code ("FR", "INTL"), <see cref="Audiences.Observers"/> or <see cref="Audiences.AllPeers"/>.</param>
/// <param name="Systems">Registrations: summary and/or records; null shares none.</param>
/// <param name="Incidents">Incidents: summary, records and/or alerts; null shares none.</param>
/// <param name="Advisories">Whether advisories are sent to the audience.</param>
public sealed record AudienceGrant(string Audience, DatasetGrant? Systems = null, DatasetGrant? Incidents = null, bool Advisories = false)
{
    /// <summary>The grant for a dataset; null for advisories, which have no granularity.</summary>
    public DatasetGrant? For(SharedDataset dataset) => dataset switch
    {
        SharedDataset.Systems => Systems,
        SharedDataset.Incidents => Incidents,
        _ => null,
    };
}

/// <summary>The granularities in which a dataset is shared with an audience; each null one is not.</summary>
/// <param name="Summary">Counts by some dimensions.</param>
/// <param name="Records">Listed fields of records that pass a filter.</param>
/// <param name="Alerts">Pushed notices of incidents (incidents only).</param>
public sealed record DatasetGrant(SummaryGrant? Summary = null, RecordsGrant? Records = null, AlertsGrant? Alerts = null);

/// <summary>Counts by any of the listed dimensions, together or alone; combinations with fewer than <paramref name="MinCount"/> records are withheld.</summary>
/// <param name="Dimensions">Names from <see cref="SharingCatalogue.Dimensions"/>.</param>
/// <param name="MinCount">k, at least 1 (default 3).</param>
public sealed record SummaryGrant(IReadOnlyList<string> Dimensions, int MinCount = SharingCatalogue.DefaultMinCount);

/// <summary>The listed fields of every record that passes the filter.</summary>
/// <param name="Fields">Names from <see cref="SharingCatalogue.Fields"/>.</param>
/// <param name="Filter">Every term must hold; none means every record, except those of a restricted category
/// (<see cref="SharingCatalogue.RestrictedCategories"/>), which pass only when a category term names them.</param>
public sealed record RecordsGrant(IReadOnlyList<string> Fields, IReadOnlyList<FilterTerm>? Filter = null);

/// <summary>A record passes when its value in <paramref name="Field"/> is one of <paramref name="Values"/> (for a list, when any item is).</summary>
/// <param name="Field">A name from <see cref="SharingCatalogue.FilterFields"/>.</param>
/// <param name="Values">Names from <see cref="SharingCatalogue.FilterValues"/>.</param>
public sealed record FilterTerm(string Field, IReadOnlyList<string> Values);

/// <summary>
/// Which incidents are pushed to each node of the audience, and with which fields. An incident triggers an alert
/// when it meets every condition.
/// </summary>
/// <param name="Fields">Incident fields from <see cref="SharingCatalogue.Fields"/>.</param>
/// <param name="MinSeverity">At least this severe (critical is the most severe); null for any severity.</param>
/// <param name="CrossBorderOnly">Only incidents that affect more than one jurisdiction.</param>
/// <param name="AffectingRecipientOnly">Only incidents whose affected jurisdictions include the recipient's code;
/// must be false for an audience that includes observers, whose code is never a jurisdiction.</param>
public sealed record AlertsGrant(
    IReadOnlyList<string> Fields,
    Severity? MinSeverity = null,
    bool CrossBorderOnly = true,
    bool AffectingRecipientOnly = true);
