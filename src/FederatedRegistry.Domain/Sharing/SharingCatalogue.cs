using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;

namespace FederatedRegistry.Domain.Sharing;

/// <summary>What a sharing policy grants: registrations, incidents, or advisories.</summary>
public enum SharedDataset
{
    Systems = 1,
    Incidents = 2,
    Advisories = 3,
}

/// <summary>
/// The names a sharing policy may use: per dataset, the summary dimensions with their values, the shareable
/// record fields, and the fields a records filter may test. A name outside this catalogue is a policy error, and
/// the evaluator grants nothing for it.
/// </summary>
/// <remarks>
/// Deliberately absent from the incident fields: <c>reporter</c> (who reported, often a person or a hospital) and the
/// incident history with its notes. No policy can share them.
/// </remarks>
public static partial class SharingCatalogue
{
    /// <summary>The summary value of a property the record does not have (a draft without a category or tier).</summary>
    public const string Unspecified = "unspecified";

    /// <summary>The minimum cell count of a summary grant that names none.</summary>
    public const int DefaultMinCount = 3;

    /// <summary>
    /// Categories that are shared as records only when a grant's filter names them, after the EU AI Act's
    /// non-public registration of law enforcement and migration systems (Art. 49(4)).
    /// </summary>
    public static IReadOnlySet<string> RestrictedCategories { get; } =
        new[] { Category.LawEnforcement, Category.MigrationAndBorder }.Select(c => EnumNames.ToSnake(c)).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The datasets a grant may name: systems, incidents, advisories.</summary>
    public static IReadOnlyList<string> DatasetNames { get; } = [.. Enum.GetValues<SharedDataset>().Select(d => EnumNames.ToSnake(d))];

    /// <summary>Summary dimensions of a dataset, in catalogue order (none for advisories).</summary>
    public static IReadOnlyList<string> Dimensions(SharedDataset dataset) => Of(dataset).DimensionNames;

    /// <summary>Fields a records grant or an alert may list, in catalogue order (none for advisories).</summary>
    public static IReadOnlyList<string> Fields(SharedDataset dataset) => Of(dataset).FieldNames;

    /// <summary>Fields a records filter may test: those with a closed set of values.</summary>
    public static IReadOnlyList<string> FilterFields(SharedDataset dataset) => Of(dataset).FilterNames;

    public static bool IsDimension(SharedDataset dataset, string? name) => name is not null && Of(dataset).DimensionValues.ContainsKey(name);

    public static bool IsField(SharedDataset dataset, string? name) => name is not null && Of(dataset).FieldSet.Contains(name);

    public static bool IsFilterField(SharedDataset dataset, string? name) => name is not null && Of(dataset).FilterValues.ContainsKey(name);

    /// <summary>The values a filter on <paramref name="field"/> may name; empty for a field that is not filterable.</summary>
    public static IReadOnlyList<string> FilterValues(SharedDataset dataset, string field) =>
        Of(dataset).FilterValues.TryGetValue(field, out var values) ? values : [];

    /// <summary>
    /// Whether <paramref name="value"/> is a value of the dimension: an enum's snake_case name, <see cref="Unspecified"/>
    /// where the property is optional, <c>true</c>/<c>false</c> for yes/no dimensions, <c>yyyy-MM</c> for months.
    /// </summary>
    public static bool IsDimensionValue(SharedDataset dataset, string dimension, string? value) =>
        value is not null && Of(dataset).DimensionValues.TryGetValue(dimension, out var values) &&
        (values is null ? MonthShape().IsMatch(value) : values.Contains(value));

    /// <summary>The values of a dimension, in declaration order; empty for <c>month</c>, whose values are <c>yyyy-MM</c>.</summary>
    public static IReadOnlyList<string> DimensionValues(SharedDataset dataset, string dimension) =>
        Of(dataset).DimensionLists.TryGetValue(dimension, out var values) ? values : [];

    /// <summary>A description of a dimension's values for an error message.</summary>
    public static string DescribeDimensionValues(SharedDataset dataset, string dimension) =>
        Of(dataset).DimensionValues.TryGetValue(dimension, out var values) && values is not null
            ? "one of: " + string.Join(", ", values)
            : "a month written yyyy-MM, such as 2025-06";

    /// <summary>The UTC month of an instant, <c>yyyy-MM</c>: the value of the <c>month</c> dimension.</summary>
    public static string Month(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static string Name(SharedDataset dataset) => EnumNames.ToSnake(dataset);

    /// <summary>Parses "systems", "incidents" or "advisories".</summary>
    public static SharedDataset? ParseDataset(string? name) => name is null ? null : EnumNames.Parse<SharedDataset>(name);

    /// <summary>The value's snake_case name, or <see cref="Unspecified"/> for none.</summary>
    internal static string Snake<T>(T? value) where T : struct, Enum => value is { } v ? SnakeNames<T>.Of(v) : Unspecified;

    /// <summary>
    /// <see cref="EnumNames.ToSnake{T}(T)"/>, looked up rather than recomputed: records are mapped by the thousand.
    /// </summary>
    internal static class SnakeNames<T> where T : struct, Enum
    {
        private static readonly FrozenDictionary<T, string> Names = Enum.GetValues<T>().ToFrozenDictionary(v => v, v => EnumNames.ToSnake(v));

        public static string Of(T value) => Names.TryGetValue(value, out var name) ? name : EnumNames.ToSnake(value);
    }

    private static readonly string[] YesNo = ["false", "true"];

    private static string[] ValuesOf<T>(bool optional) where T : struct, Enum =>
        [.. Enum.GetValues<T>().Select(v => EnumNames.ToSnake(v)), .. optional ? new[] { Unspecified } : []];

    private static string[] NamesOf<T>() where T : struct, Enum => ValuesOf<T>(optional: false);

    private sealed class Entry
    {
        public Entry(IReadOnlyList<(string Name, string[]? Values)> dimensions, IReadOnlyList<string> fields,
            IReadOnlyList<(string Name, string[] Values)> filters)
        {
            DimensionNames = [.. dimensions.Select(d => d.Name)];
            DimensionValues = dimensions.ToFrozenDictionary(d => d.Name, d => d.Values is null ? null : (IReadOnlySet<string>)d.Values.ToFrozenSet(StringComparer.Ordinal), StringComparer.Ordinal);
            DimensionLists = dimensions.ToFrozenDictionary(d => d.Name, d => (IReadOnlyList<string>)(d.Values ?? []), StringComparer.Ordinal);
            FieldNames = fields;
            FieldSet = fields.ToFrozenSet(StringComparer.Ordinal);
            FilterNames = [.. filters.Select(f => f.Name)];
            FilterValues = filters.ToFrozenDictionary(f => f.Name, f => (IReadOnlyList<string>)f.Values, StringComparer.Ordinal);
        }

        public IReadOnlyList<string> DimensionNames { get; }

        /// <summary>Null values: the month dimension, checked by shape.</summary>
        public FrozenDictionary<string, IReadOnlySet<string>?> DimensionValues { get; }

        public FrozenDictionary<string, IReadOnlyList<string>> DimensionLists { get; }

        public IReadOnlyList<string> FieldNames { get; }

        public FrozenSet<string> FieldSet { get; }

        public IReadOnlyList<string> FilterNames { get; }

        public FrozenDictionary<string, IReadOnlyList<string>> FilterValues { get; }
    }

    private static readonly Entry SystemsEntry = new(
        [
            (SystemDimensions.Status, NamesOf<SystemStatus>()),
            (SystemDimensions.RiskTier, ValuesOf<RiskTier>(optional: true)),
            (SystemDimensions.Category, ValuesOf<Category>(optional: true)),
            (SystemDimensions.DeploymentStatus, ValuesOf<DeploymentStatus>(optional: true)),
            (SystemDimensions.Month, null),
        ],
        SharedRecords.SystemFieldNames,
        [
            ("status", NamesOf<SystemStatus>()),
            ("category", NamesOf<Category>()),
            ("risk_tier", NamesOf<RiskTier>()),
            ("proposed_risk_tier", NamesOf<RiskTier>()),
            ("decided_risk_tier", NamesOf<RiskTier>()),
            ("deployment_status", NamesOf<DeploymentStatus>()),
        ]);

    private static readonly Entry IncidentsEntry = new(
        [
            (IncidentDimensions.Status, NamesOf<IncidentStatus>()),
            (IncidentDimensions.Severity, ValuesOf<Severity>(optional: true)),
            (IncidentDimensions.HarmType, NamesOf<HarmType>()),
            (IncidentDimensions.SuspectedCause, ValuesOf<SuspectedCause>(optional: true)),
            (IncidentDimensions.CrossBorder, YesNo),
            (IncidentDimensions.Month, null),
            (IncidentDimensions.TriageTime, [.. Incidents.TriageTime.Values]),
        ],
        SharedRecords.IncidentFieldNames,
        [
            ("status", NamesOf<IncidentStatus>()),
            ("severity", NamesOf<Severity>()),
            ("harm_types", NamesOf<HarmType>()),
            ("suspected_cause", NamesOf<SuspectedCause>()),
        ]);

    private static readonly Entry AdvisoriesEntry = new([], [], []);

    private static Entry Of(SharedDataset dataset) => dataset switch
    {
        SharedDataset.Systems => SystemsEntry,
        SharedDataset.Incidents => IncidentsEntry,
        SharedDataset.Advisories => AdvisoriesEntry,
        _ => throw new ArgumentOutOfRangeException(nameof(dataset), dataset, "Not a dataset."),
    };

    [GeneratedRegex(@"^[0-9]{4}-(0[1-9]|1[0-2])\z")]
    private static partial Regex MonthShape();
}

/// <summary>The summary dimensions of the systems dataset.</summary>
public static class SystemDimensions
{
    public const string Status = "status";

    /// <summary>The effective tier: decided, else proposed, else <c>unspecified</c>.</summary>
    public const string RiskTier = "risk_tier";

    public const string Category = "category";

    public const string DeploymentStatus = "deployment_status";

    /// <summary>The UTC month the registration was created, <c>yyyy-MM</c>.</summary>
    public const string Month = "month";
}

/// <summary>The summary dimensions of the incidents dataset.</summary>
public static class IncidentDimensions
{
    public const string Status = "status";

    public const string Severity = "severity";

    /// <summary>Each of an incident's harm types: an incident with two counts in two cells.</summary>
    public const string HarmType = "harm_type";

    public const string SuspectedCause = "suspected_cause";

    /// <summary><c>true</c> when more than one jurisdiction is affected.</summary>
    public const string CrossBorder = "cross_border";

    /// <summary>The UTC month the incident occurred, <c>yyyy-MM</c> (its report time when that is missing).</summary>
    public const string Month = "month";

    /// <summary>How long it waited for triage, in buckets (<see cref="Incidents.TriageTime"/>): <c>within_1_day</c> ... <c>not_triaged</c>.</summary>
    public const string TriageTime = "triage_time";
}
