namespace FederatedRegistry.Storage;

/// <summary>Creates the read model for a provider, and names its datasets, dimensions and limits.</summary>
public static class RegistryIndex
{
    /// <summary>The dataset of AI system registrations in <see cref="CountRow"/> and <see cref="CountDelta"/>.</summary>
    public const string SystemsDataset = "systems";

    /// <summary>The dataset of incidents in <see cref="CountRow"/> and <see cref="CountDelta"/>.</summary>
    public const string IncidentsDataset = "incidents";

    /// <summary>The value of an optional property that is not set, as counts and tabulations show it.</summary>
    public const string Unspecified = "unspecified";

    /// <summary>The effective risk tier of a system that has neither a decided nor a proposed tier.</summary>
    public const string UnspecifiedRiskTier = Unspecified;

    /// <summary>The page size used when a query asks for 0.</summary>
    public const int DefaultPageSize = 50;

    /// <summary>The largest page; larger requests are lowered to it.</summary>
    public const int MaxPageSize = 500;

    /// <summary>The incident statuses that <see cref="IncidentQuery.OverdueAt"/> treats as still open.</summary>
    public static IReadOnlyList<string> OpenIncidentStatuses { get; } = ["reported", "triaged", "investigating"];

    /// <summary>
    /// The dimensions <see cref="IRegistryIndex.TabulateAsync"/> accepts for <paramref name="dataset"/>, in the
    /// sharing catalogue's order; empty for a dataset the read model does not hold.
    /// </summary>
    public static IReadOnlyList<string> TabulationDimensions(string dataset) => dataset switch
    {
        SystemsDataset => SystemTabulationDimensions,
        IncidentsDataset => IncidentTabulationDimensions,
        _ => [],
    };

    private static readonly string[] SystemTabulationDimensions =
        [CountDimensions.Status, CountDimensions.RiskTier, CountDimensions.Category, CountDimensions.DeploymentStatus, CountDimensions.Month];

    private static readonly string[] IncidentTabulationDimensions =
        [CountDimensions.Status, CountDimensions.Severity, CountDimensions.HarmType, CountDimensions.SuspectedCause, CountDimensions.CrossBorder, CountDimensions.Month,
            CountDimensions.TriageTime];

    /// <summary>The read model in the database at <paramref name="connectionString"/> (apply <see cref="SchemaMigrator"/> first).</summary>
    public static IRegistryIndex Create(StorageProvider provider, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return provider switch
        {
            StorageProvider.Postgres => new PostgresRegistryIndex(connectionString),
            StorageProvider.Embedded => new SqliteRegistryIndex(connectionString),
            _ => throw StorageConnection.UnknownProvider(provider),
        };
    }
}

/// <summary>
/// The dimensions the read model counts by, and those it can cross-tabulate by
/// (<see cref="RegistryIndex.TabulationDimensions"/>), some of which have no running count.
/// </summary>
public static class CountDimensions
{
    /// <summary>Systems and incidents: the status.</summary>
    public const string Status = "status";

    /// <summary>Systems: the effective risk tier.</summary>
    public const string RiskTier = "risk_tier";

    /// <summary>Systems: the category.</summary>
    public const string Category = "category";

    /// <summary>Incidents: the severity.</summary>
    public const string Severity = "severity";

    /// <summary>Incidents: each distinct harm type.</summary>
    public const string HarmType = "harm_type";

    /// <summary>
    /// Incidents: the UTC month of occurrence, <c>yyyy-MM</c>. Systems, in tabulations only: the UTC month of
    /// creation.
    /// </summary>
    public const string Month = "month";

    /// <summary>Systems, in tabulations only: the deployment status (<c>unspecified</c> when none).</summary>
    public const string DeploymentStatus = "deployment_status";

    /// <summary>Incidents, in tabulations only: the suspected cause (<c>unspecified</c> when none).</summary>
    public const string SuspectedCause = "suspected_cause";

    /// <summary>Incidents, in tabulations only: <c>true</c> when more than one jurisdiction is affected, else <c>false</c>.</summary>
    public const string CrossBorder = "cross_border";

    /// <summary>
    /// Incidents, in tabulations only: how long the incident waited for triage, as stored with the row
    /// (<see cref="IncidentRow.TriageTime"/>).
    /// </summary>
    public const string TriageTime = "triage_time";
}
