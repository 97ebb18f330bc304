using System.Data.Common;

namespace FederatedRegistry.Storage;

internal abstract partial class SqlRegistryIndex
{
    private static readonly RowTable<SystemRow> Systems = new(
        Name: "registry_systems",
        Dataset: RegistryIndex.SystemsDataset,
        ReadColumns:
        [
            "id", "product_id", "provider_id", "name", "version", "intended_purpose", "category", "status",
            "proposed_risk_tier", "decided_risk_tier", "markets", "deployment_status", "state_version", "created_at", "updated_at",
        ],
        DerivedColumns: ["risk_tier", "name_folded", "purpose_folded"],
        CountedColumns: ["status", "risk_tier", "category"],
        Id: row => row.Id,
        Version: row => row.StateVersion,
        Buckets: CountBuckets.Of,
        Bind: static (index, command, row) =>
        {
            command.AddParameter("id", row.Id);
            command.AddParameter("product_id", row.ProductId);
            command.AddParameter("provider_id", row.ProviderId);
            command.AddParameter("name", row.Name);
            command.AddParameter("version", row.Version);
            command.AddParameter("intended_purpose", row.IntendedPurpose);
            command.AddParameter("category", row.Category);
            command.AddParameter("status", row.Status);
            command.AddParameter("proposed_risk_tier", row.ProposedRiskTier);
            command.AddParameter("decided_risk_tier", row.DecidedRiskTier);
            command.AddParameter("markets", index.ArrayValue(row.Markets));
            command.AddParameter("deployment_status", row.DeploymentStatus);
            command.AddParameter("state_version", row.StateVersion);
            command.AddParameter("created_at", index.TimeValue(row.CreatedAt));
            command.AddParameter("updated_at", index.TimeValue(row.UpdatedAt));
            command.AddParameter("risk_tier", row.EffectiveRiskTier);
            command.AddParameter("name_folded", Fold(row.Name));
            command.AddParameter("purpose_folded", Fold(row.IntendedPurpose));
        },
        Read: static (index, reader) => new SystemRow(
            Id: reader.GetString(0),
            ProductId: reader.GetString(1),
            ProviderId: reader.GetString(2),
            Name: reader.GetString(3),
            Version: reader.GetString(4),
            IntendedPurpose: reader.GetString(5),
            Category: reader.GetString(6),
            Status: reader.GetString(7),
            ProposedRiskTier: NullableString(reader, 8),
            DecidedRiskTier: NullableString(reader, 9),
            Markets: index.ReadArray(reader, 10),
            DeploymentStatus: reader.GetString(11),
            StateVersion: reader.GetInt32(12),
            CreatedAt: index.ReadTime(reader, 13),
            UpdatedAt: index.ReadTime(reader, 14)));

    private static readonly RowTable<IncidentRow> Incidents = new(
        Name: "registry_incidents",
        Dataset: RegistryIndex.IncidentsDataset,
        ReadColumns:
        [
            "id", "system_id", "product_id", "title", "severity", "harm_types", "status", "affected_jurisdictions",
            "occurred_at", "aware_at", "reported_at", "reporting_deadline", "state_version", "updated_at",
            "suspected_cause", "cross_border", "triage_time",
        ],
        DerivedColumns: [],
        CountedColumns: ["status", "severity", "harm_types", "occurred_at"],
        Id: row => row.Id,
        Version: row => row.StateVersion,
        Buckets: CountBuckets.Of,
        Bind: static (index, command, row) =>
        {
            command.AddParameter("id", row.Id);
            command.AddParameter("system_id", row.SystemId);
            command.AddParameter("product_id", row.ProductId);
            command.AddParameter("title", row.Title);
            command.AddParameter("severity", row.Severity);
            command.AddParameter("harm_types", index.ArrayValue(row.HarmTypes));
            command.AddParameter("status", row.Status);
            command.AddParameter("affected_jurisdictions", index.ArrayValue(row.AffectedJurisdictions));
            command.AddParameter("occurred_at", index.TimeValue(row.OccurredAt));
            command.AddParameter("aware_at", index.TimeValue(row.AwareAt));
            command.AddParameter("reported_at", index.TimeValue(row.ReportedAt));
            command.AddParameter("reporting_deadline", row.ReportingDeadline is { } deadline ? index.TimeValue(deadline) : null);
            command.AddParameter("state_version", row.StateVersion);
            command.AddParameter("updated_at", index.TimeValue(row.UpdatedAt));
            command.AddParameter("suspected_cause", row.SuspectedCause);
            command.AddParameter("cross_border", row.CrossBorder);
            command.AddParameter("triage_time", row.TriageTime);
        },
        Read: static (index, reader) => new IncidentRow(
            Id: reader.GetString(0),
            SystemId: NullableString(reader, 1),
            ProductId: NullableString(reader, 2),
            Title: reader.GetString(3),
            Severity: reader.GetString(4),
            HarmTypes: index.ReadArray(reader, 5),
            SuspectedCause: reader.GetString(14),
            Status: reader.GetString(6),
            AffectedJurisdictions: index.ReadArray(reader, 7),
            CrossBorder: reader.GetBoolean(15),
            OccurredAt: index.ReadTime(reader, 8),
            AwareAt: index.ReadTime(reader, 9),
            ReportedAt: index.ReadTime(reader, 10),
            ReportingDeadline: reader.IsDBNull(11) ? null : index.ReadTime(reader, 11),
            StateVersion: reader.GetInt32(12),
            UpdatedAt: index.ReadTime(reader, 13),
            TriageTime: reader.GetString(16)));

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>
    /// How one row type maps to its table; <paramref name="Read"/> reads <paramref name="ReadColumns"/> by position.
    /// <paramref name="CountedColumns"/> are the columns its <paramref name="Buckets"/> are computed from: rows equal
    /// in them are in the same counts.
    /// </summary>
    private sealed record RowTable<T>(
        string Name,
        string Dataset,
        string[] ReadColumns,
        string[] DerivedColumns,
        string[] CountedColumns,
        Func<T, string> Id,
        Func<T, int> Version,
        Func<T, IEnumerable<(string Dimension, string Value)>> Buckets,
        Action<SqlRegistryIndex, DbCommand, T> Bind,
        Func<SqlRegistryIndex, DbDataReader, T> Read)
    {
        public string SelectList { get; } = string.Join(", ", ReadColumns);

        /// <summary>Every column an insert or update writes: the row's own plus those derived from it.</summary>
        public string[] WriteColumns { get; } = [.. ReadColumns, .. DerivedColumns];

        /// <summary>The SET list of an update, every written column but the key, from the parameters <c>Bind</c> adds.</summary>
        public string UpdateSet { get; } = string.Join(", ", ReadColumns.Concat(DerivedColumns).Where(c => c != "id").Select(c => $"{c} = @{c}"));
    }
}
