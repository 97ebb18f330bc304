namespace FederatedRegistry.Storage;

/// <summary>An AI system registration as the read model stores it. Values are plain lower-case strings chosen by the caller.</summary>
/// <param name="Id">The registration id (starts with the node code).</param>
/// <param name="ProductId">The provider's global product id, shared by the product's registrations in every country.</param>
/// <param name="ProviderId">The registering provider.</param>
/// <param name="Name">The system's name.</param>
/// <param name="Version">The product version text.</param>
/// <param name="IntendedPurpose">The intended purpose statement.</param>
/// <param name="Category">The category, e.g. <c>health</c>.</param>
/// <param name="Status">The lifecycle status, e.g. <c>registered</c>.</param>
/// <param name="ProposedRiskTier">The tier proposed by the provider, if any.</param>
/// <param name="DecidedRiskTier">The tier decided by the authority, if any.</param>
/// <param name="Markets">The markets where the system is offered.</param>
/// <param name="DeploymentStatus">The deployment status.</param>
/// <param name="StateVersion">The grain state version this row was made from; a row is replaced only by a higher one.</param>
/// <param name="CreatedAt">When the registration was created.</param>
/// <param name="UpdatedAt">When the registration last changed.</param>
public sealed record SystemRow(
    string Id,
    string ProductId,
    string ProviderId,
    string Name,
    string Version,
    string IntendedPurpose,
    string Category,
    string Status,
    string? ProposedRiskTier,
    string? DecidedRiskTier,
    string[] Markets,
    string DeploymentStatus,
    int StateVersion,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The tier that filters and counts use: the decided tier if set, else the proposed one, else <c>unspecified</c>.</summary>
    public string EffectiveRiskTier => DecidedRiskTier ?? ProposedRiskTier ?? RegistryIndex.UnspecifiedRiskTier;
}

/// <summary>An incident as the read model stores it.</summary>
/// <param name="Id">The incident id.</param>
/// <param name="SystemId">The local registration it concerns, if known.</param>
/// <param name="ProductId">The global product id it concerns, if known.</param>
/// <param name="Title">A short title.</param>
/// <param name="Severity">The severity, e.g. <c>serious</c>.</param>
/// <param name="HarmTypes">The harm types; each is counted once.</param>
/// <param name="SuspectedCause">The suspected cause, e.g. <c>model_failure</c>, or <c>unspecified</c> when none was given.</param>
/// <param name="Status">The status, e.g. <c>reported</c>.</param>
/// <param name="AffectedJurisdictions">The affected jurisdictions.</param>
/// <param name="CrossBorder">Whether more than one jurisdiction is affected.</param>
/// <param name="OccurredAt">When it happened; counted by UTC month.</param>
/// <param name="AwareAt">When the reporter became aware of it.</param>
/// <param name="ReportedAt">When it was reported.</param>
/// <param name="ReportingDeadline">The reporting deadline, if one applies.</param>
/// <param name="StateVersion">The grain state version this row was made from; a row is replaced only by a higher one.</param>
/// <param name="UpdatedAt">When the incident last changed.</param>
/// <param name="TriageTime">
/// How long it waited for triage, as the domain buckets it (<c>within_1_day</c>, <c>within_7_days</c>,
/// <c>within_30_days</c>, <c>over_30_days</c>, <c>not_triaged</c>, or <c>unspecified</c> when unknown).
/// </param>
public sealed record IncidentRow(
    string Id,
    string? SystemId,
    string? ProductId,
    string Title,
    string Severity,
    string[] HarmTypes,
    string SuspectedCause,
    string Status,
    string[] AffectedJurisdictions,
    bool CrossBorder,
    DateTimeOffset OccurredAt,
    DateTimeOffset AwareAt,
    DateTimeOffset ReportedAt,
    DateTimeOffset? ReportingDeadline,
    int StateVersion,
    DateTimeOffset UpdatedAt,
    string TriageTime);

/// <summary>A running count: how many rows of <paramref name="Dataset"/> have <paramref name="Value"/> in <paramref name="Dimension"/>.</summary>
public sealed record CountRow(string Dataset, string Dimension, string Value, long Count);

/// <summary>
/// One cell of a cross-tabulation (<see cref="IRegistryIndex.TabulateAsync"/>): how many rows have
/// <paramref name="Values"/> in the tabulated dimensions.
/// </summary>
/// <param name="Values">One value per dimension, in the order the dimensions were asked for.</param>
/// <param name="Count">Rows in the cell, above zero; an incident counts once in each of its distinct harm types.</param>
/// <remarks>Records compare lists by reference: compare <see cref="Values"/> by content.</remarks>
public sealed record TabulatedCount(IReadOnlyList<string> Values, long Count);

/// <summary>A change applied to one count.</summary>
public sealed record CountDelta(string Dataset, string Dimension, string Value, int Delta);

/// <summary>What an upsert changed: the row's versions and the count deltas it applied, in a stable order.</summary>
/// <param name="Dataset"><c>systems</c> or <c>incidents</c>.</param>
/// <param name="Id">The row id.</param>
/// <param name="PreviousStateVersion">The version that was replaced, or null when the row is new.</param>
/// <param name="StateVersion">The version now stored.</param>
/// <param name="Deltas">Non-zero count changes; empty when no counted value changed.</param>
/// <param name="CountSequence">
/// The count sequence after this change's deltas (see <see cref="CountSnapshot"/>); 0 when there were none.
/// </param>
public sealed record IndexChange(string Dataset, string Id, int? PreviousStateVersion, int StateVersion, IReadOnlyList<CountDelta> Deltas, long CountSequence = 0);

/// <summary>
/// All counts above zero, read in one snapshot with the count sequence: every change with a sequence at or
/// below <paramref name="Sequence"/> is included in <paramref name="Counts"/>, none above it is.
/// </summary>
public sealed record CountSnapshot(IReadOnlyList<CountRow> Counts, long Sequence);

/// <summary>One page of a query.</summary>
/// <param name="Items">The rows, ordered by id.</param>
/// <param name="NextPageToken">The token for the next page, or null when this is the last one.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextPageToken);
