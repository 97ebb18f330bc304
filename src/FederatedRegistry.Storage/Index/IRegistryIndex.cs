namespace FederatedRegistry.Storage;

/// <summary>
/// The read model of one node: registrations and incidents for listing and search, and running counts for
/// summaries. The grains are the source of truth; they upsert here after each state write, and can re-apply
/// their state at any time because an upsert only ever moves a row forward.
/// </summary>
public interface IRegistryIndex
{
    /// <summary>
    /// Stores <paramref name="row"/> if its <see cref="SystemRow.StateVersion"/> is higher than the stored one, and
    /// in the same transaction moves the <c>systems</c> counts (status, risk_tier, category) from the old row's
    /// values to the new row's.
    /// </summary>
    /// <returns>The change applied, or null when the stored version is the same or newer (nothing changed).</returns>
    Task<IndexChange?> UpsertSystemAsync(SystemRow row, CancellationToken ct = default);

    /// <summary>
    /// As <see cref="UpsertSystemAsync(SystemRow, CancellationToken)"/> for an incident; the <c>incidents</c> counts are status, severity,
    /// harm_type (once per distinct harm type) and month (of <see cref="IncidentRow.OccurredAt"/>, <c>yyyy-MM</c> UTC).
    /// </summary>
    Task<IndexChange?> UpsertIncidentAsync(IncidentRow row, CancellationToken ct = default);

    /// <summary>
    /// As <see cref="UpsertSystemAsync(SystemRow, CancellationToken)"/>, and in the same transaction appends to the audit log
    /// (<see cref="IAuditLog"/>) the entries of the versions the read model did not hold yet, so that no applied version
    /// lacks its entry, and re-applying a version after a crash also restores its entry.
    /// </summary>
    /// <param name="row">The row.</param>
    /// <param name="audit">
    /// Given the state version the read model held (0 when it held none), the entries of the versions after it up to the
    /// row's. It may be asked first for the version just before the row's, before the stored one is known (so that the
    /// common case takes one round trip), and then again for the stored version when that differs; only the entries of
    /// the stored version's answer are kept, and only when the row is applied.
    /// </param>
    /// <param name="ct">Cancels the upsert.</param>
    Task<IndexChange?> UpsertSystemAsync(SystemRow row, Func<int, IReadOnlyList<AuditRecord>> audit, CancellationToken ct = default);

    /// <summary>As <see cref="UpsertIncidentAsync(IncidentRow, CancellationToken)"/>, with the audit entries as <see cref="UpsertSystemAsync(SystemRow, Func{int, IReadOnlyList{AuditRecord}}, CancellationToken)"/>.</summary>
    Task<IndexChange?> UpsertIncidentAsync(IncidentRow row, Func<int, IReadOnlyList<AuditRecord>> audit, CancellationToken ct = default);

    /// <summary>The stored system, or null. Times come back in UTC with microsecond precision.</summary>
    Task<SystemRow?> GetSystemAsync(string id, CancellationToken ct = default);

    /// <summary>The stored incident, or null. Times come back in UTC with microsecond precision.</summary>
    Task<IncidentRow?> GetIncidentAsync(string id, CancellationToken ct = default);

    /// <summary>
    /// One page of systems matching <paramref name="query"/>, ordered by id. Paging is by key: rows added after a
    /// page was read never make a later page skip or repeat a row.
    /// </summary>
    /// <exception cref="ArgumentException">The page token is malformed (<see cref="ArgumentException.ParamName"/> is <c>page_token</c>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The page size is negative (<c>page_size</c>).</exception>
    Task<Page<SystemRow>> QuerySystemsAsync(SystemQuery query, CancellationToken ct = default);

    /// <summary>One page of incidents matching <paramref name="query"/>, ordered by id; as <see cref="QuerySystemsAsync"/>.</summary>
    Task<Page<IncidentRow>> QueryIncidentsAsync(IncidentQuery query, CancellationToken ct = default);

    /// <summary>
    /// How many incidents are overdue at <paramref name="now"/>: open (<see cref="RegistryIndex.OpenIncidentStatuses"/>)
    /// and past their reporting deadline, as <see cref="IncidentQuery.OverdueAt"/> selects them, counted in one query.
    /// </summary>
    Task<long> CountOverdueIncidentsAsync(DateTimeOffset now, CancellationToken ct = default);

    /// <summary>All counts above zero: what a summary loads at start instead of scanning the registry.</summary>
    Task<IReadOnlyList<CountRow>> ReadCountsAsync(CancellationToken ct = default);

    /// <summary>
    /// The counts with the count sequence, read in one snapshot, so that a summary can tell which count changes
    /// reported to it later are already included.
    /// </summary>
    Task<CountSnapshot> ReadCountSnapshotAsync(CancellationToken ct = default);

    /// <summary>
    /// The cross-tabulation of <paramref name="dataset"/> over <paramref name="dimensions"/>, counted from the rows
    /// in one query: one cell per combination of values that occurs, ordered by its values (ordinal, first
    /// dimension first). An incident counts once in each of its distinct harm types, and not at all by harm type
    /// when it has none. The values are those the sharing catalogue gives for the same records.
    /// </summary>
    /// <param name="dataset"><c>systems</c> or <c>incidents</c>.</param>
    /// <param name="dimensions">
    /// Distinct names from <see cref="RegistryIndex.TabulationDimensions"/> for the dataset. Systems: <c>status</c>,
    /// <c>risk_tier</c> (effective), <c>category</c>, <c>deployment_status</c>, <c>month</c> (created, <c>yyyy-MM</c>
    /// UTC). Incidents: <c>status</c>, <c>severity</c>, <c>harm_type</c>, <c>suspected_cause</c>, <c>cross_border</c>
    /// (<c>true</c>/<c>false</c>), <c>month</c> (occurred, <c>yyyy-MM</c> UTC), <c>triage_time</c> (as stored).
    /// </param>
    /// <param name="ct">Cancels the query.</param>
    /// <exception cref="ArgumentException">
    /// The dataset is unknown (<see cref="ArgumentException.ParamName"/> is <c>dataset</c>), or the list is empty,
    /// or names a dimension twice or one the dataset does not have (<c>dimensions</c>).
    /// </exception>
    Task<IReadOnlyList<TabulatedCount>> TabulateAsync(string dataset, IReadOnlyList<string> dimensions, CancellationToken ct = default);

    /// <summary>
    /// The keys of grains whose stored state (state name <paramref name="grainTypeString"/>) is newer than their
    /// read model row in <paramref name="dataset"/>, or has no row: what a crash between a grain's state write and
    /// its index update leaves behind. Relies on the grains writing state once per version, so that the storage
    /// version equals the state version.
    /// </summary>
    IAsyncEnumerable<string> FindStaleGrainKeysAsync(string grainTypeString, string dataset, string? serviceId = null, CancellationToken ct = default);

    /// <summary>
    /// The keys of the string-keyed grains that have state named <paramref name="grainTypeString"/> in the Orleans
    /// storage table (the provider stores the <c>[PersistentState]</c> state name as the grain type), so that the
    /// grains layer can re-apply their state after a crash between a state write and the index update. Cleared
    /// states are left out. Ordered by key (bytewise).
    /// </summary>
    /// <param name="grainTypeString">The state name, e.g. <c>system</c> for <c>[PersistentState("system", ...)]</c>.</param>
    /// <param name="serviceId">Only this Orleans service id, or every service when null.</param>
    /// <param name="ct">Stops the enumeration.</param>
    IAsyncEnumerable<string> FindGrainKeysAsync(string grainTypeString, string? serviceId = null, CancellationToken ct = default);
}
