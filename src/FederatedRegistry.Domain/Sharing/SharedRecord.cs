using System.Collections.Immutable;
using FederatedRegistry.Domain.Incidents;
using FederatedRegistry.Domain.Registrations;

namespace FederatedRegistry.Domain.Sharing;

/// <summary>
/// One record of a dataset as named fields, the form in which records and alerts leave a node. Values are
/// plain and immutable: null, <see cref="string"/>, <see cref="bool"/>, <see cref="long"/>,
/// <see cref="DateTimeOffset"/>, or a list of strings (<see cref="IReadOnlyList{T}"/>); enums are their
/// snake_case names. Records compare by content.
/// </summary>
public sealed class SharedRecord : IEquatable<SharedRecord>
{
    private readonly FieldMap _fields;

    /// <exception cref="ArgumentException">A value is of another type, a field name is empty, or a field appears twice.</exception>
    public SharedRecord(SharedDataset dataset, IEnumerable<KeyValuePair<string, object?>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var entries = new List<KeyValuePair<string, object?>>();
        foreach (var (name, value) in fields)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException("A field name is empty.", nameof(fields));
            }
            entries.Add(KeyValuePair.Create(name, Freeze(name, value)));
        }
        entries.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        for (var i = 1; i < entries.Count; i++)
        {
            if (entries[i].Key == entries[i - 1].Key)
            {
                throw new ArgumentException($"Field {entries[i].Key} appears twice.", nameof(fields));
            }
        }
        Dataset = dataset;
        _fields = new FieldMap([.. entries]);
    }

    private SharedRecord(SharedDataset dataset, FieldMap fields)
    {
        Dataset = dataset;
        _fields = fields;
    }

    public SharedDataset Dataset { get; }

    /// <summary>The fields, ordered by name (ordinal).</summary>
    public IReadOnlyDictionary<string, object?> Fields => _fields;

    /// <summary>The field's value; null when the record has no such field or its value is null.</summary>
    public object? this[string field] => _fields.TryGetValue(field, out var value) ? value : null;

    public bool Has(string field) => _fields.ContainsKey(field);

    /// <summary>The record with only the named fields it has.</summary>
    public SharedRecord Project(IEnumerable<string> fields)
    {
        var keep = fields.ToHashSet(StringComparer.Ordinal);
        return new(Dataset, new FieldMap([.. _fields.Where(f => keep.Contains(f.Key))]));
    }

    public bool Equals(SharedRecord? other) =>
        other is not null && Dataset == other.Dataset && _fields.Count == other._fields.Count &&
        _fields.Zip(other._fields).All(p => p.First.Key == p.Second.Key && SameValue(p.First.Value, p.Second.Value));

    public override bool Equals(object? obj) => Equals(obj as SharedRecord);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Dataset);
        foreach (var name in _fields.Keys)
        {
            hash.Add(name, StringComparer.Ordinal);
        }
        return hash.ToHashCode();
    }

    public override string ToString() =>
        $"{SharingCatalogue.Name(Dataset)} {{ {string.Join(", ", _fields.Select(f => $"{f.Key}: {Show(f.Value)}"))} }}";

    private static object? Freeze(string name, object? value) => value switch
    {
        null or string or bool or long or DateTimeOffset => value,
        IEnumerable<string> list => FreezeList(name, list),
        _ => throw new ArgumentException(
            $"Field {name} holds a {value.GetType().Name}; a shared value is null, a string, a bool, a long, a DateTimeOffset or a list of strings.",
            nameof(value)),
    };

    private static ImmutableArray<string> FreezeList(string name, IEnumerable<string> list)
    {
        var items = list.ToImmutableArray();
        return items.Any(i => i is null) ? throw new ArgumentException($"The list in field {name} holds a null.", nameof(list)) : items;
    }

    private static bool SameValue(object? a, object? b) =>
        a is ImmutableArray<string> x && b is ImmutableArray<string> y ? x.SequenceEqual(y, StringComparer.Ordinal) : Equals(a, b);

    private static string Show(object? value) => value switch
    {
        null => "null",
        ImmutableArray<string> list => "[" + string.Join(", ", list) + "]",
        DateTimeOffset t => t.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Fields sorted by name (ordinal), found by binary search: cheap to build for a record of a few dozen fields.</summary>
    private sealed class FieldMap(KeyValuePair<string, object?>[] entries) : IReadOnlyDictionary<string, object?>
    {
        public int Count => entries.Length;

        public IEnumerable<string> Keys => entries.Select(e => e.Key);

        public IEnumerable<object?> Values => entries.Select(e => e.Value);

        public object? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"No field {key}.");

        public bool ContainsKey(string key) => IndexOf(key) >= 0;

        public bool TryGetValue(string key, out object? value)
        {
            var i = IndexOf(key);
            value = i >= 0 ? entries[i].Value : null;
            return i >= 0;
        }

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)entries).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        private int IndexOf(string key)
        {
            int lo = 0, hi = entries.Length - 1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                var order = string.CompareOrdinal(entries[mid].Key, key);
                if (order == 0)
                {
                    return mid;
                }
                if (order < 0)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }
            return -1;
        }
    }
}

/// <summary>
/// Turns registrations and incidents into <see cref="SharedRecord"/>s carrying every field of the catalogue, and
/// gives their summary dimension values. This mapping is the catalogue of shareable fields: a field it does not
/// write cannot be shared.
/// </summary>
public static class SharedRecords
{
    private static readonly (string Name, Func<AiSystem, object?> Value)[] SystemFields =
    [
        ("id", s => s.Id),
        ("product_id", s => s.ProductId),
        ("provider_id", s => s.ProviderId),
        ("jurisdiction", s => s.Jurisdiction),
        ("name", s => s.Details.Name),
        ("version", s => s.Details.Version),
        ("intended_purpose", s => s.Details.IntendedPurpose),
        ("category", s => Name(s.Details.Category)),
        ("proposed_risk_tier", s => Name(s.Details.ProposedRiskTier)),
        ("decided_risk_tier", s => Name(s.DecidedRiskTier)),
        ("risk_tier", s => Name(s.EffectiveRiskTier)),
        ("status", s => Name<SystemStatus>(s.Status)),
        ("decision_reason", s => s.DecisionReason),
        ("markets", s => s.Details.Markets),
        ("deployment_status", s => Name(s.Details.DeploymentStatus)),
        ("contact_email", s => s.Details.ContactEmail),
        ("conformity_evidence", s => Text(s.Details.Assessment.ConformityEvidence)),
        ("bias_evaluation", s => Text(s.Details.Assessment.BiasEvaluation)),
        ("human_oversight", s => Text(s.Details.Assessment.HumanOversight)),
        ("explainability", s => Text(s.Details.Assessment.Explainability)),
        ("data_governance", s => Text(s.Details.Assessment.DataGovernance)),
        ("record_version", s => (long)s.Version),
        ("created_at", s => s.CreatedAt),
        ("updated_at", s => s.UpdatedAt),
    ];

    private static readonly (string Name, Func<Incident, object?> Value)[] IncidentFields =
    [
        ("id", i => i.Id),
        ("jurisdiction", i => i.Jurisdiction),
        ("system_id", i => i.Details.SystemId),
        ("product_id", i => i.Details.ProductId),
        ("title", i => i.Details.Title),
        ("description", i => i.Details.Description),
        ("severity", i => Name(i.Details.Severity)),
        ("harm_types", i => i.Details.HarmTypes.Select(SharingCatalogue.SnakeNames<HarmType>.Of).ToList()),
        ("suspected_cause", i => Name(i.Details.SuspectedCause)),
        ("affected_groups", i => i.Details.AffectedGroups),
        ("occurred_at", i => i.Details.OccurredAt),
        ("aware_at", i => i.Details.AwareAt),
        ("reported_at", i => i.Details.ReportedAt),
        ("affected_jurisdictions", i => i.Details.AffectedJurisdictions),
        ("cross_border", i => i.Details.CrossBorder),
        ("resulted_in_death", i => i.Details.ResultedInDeath),
        ("widespread", i => i.Details.Widespread),
        ("status", i => Name<IncidentStatus>(i.Status)),
        ("reporting_deadline", i => i.Deadline?.DueAt),
        ("reporting_rule", i => i.Deadline?.Rule),
        ("reported_late", i => i.ReportedLate),
        ("record_version", i => (long)i.Version),
        ("updated_at", i => i.UpdatedAt),
    ];

    internal static IReadOnlyList<string> SystemFieldNames { get; } = [.. SystemFields.Select(f => f.Name)];

    internal static IReadOnlyList<string> IncidentFieldNames { get; } = [.. IncidentFields.Select(f => f.Name)];

    /// <summary>Every catalogue field of the registration (assessment texts left empty become null).</summary>
    public static SharedRecord From(AiSystem system) =>
        new(SharedDataset.Systems, SystemFields.Select(f => KeyValuePair.Create(f.Name, Box(f.Value(system)))));

    /// <summary>Every catalogue field of the incident; never its reporter or the notes of its history.</summary>
    public static SharedRecord From(Incident incident) =>
        new(SharedDataset.Incidents, IncidentFields.Select(f => KeyValuePair.Create(f.Name, Box(f.Value(incident)))));

    /// <summary>The registration's values in a summary dimension (one value each).</summary>
    /// <exception cref="ArgumentException">The name is not a systems dimension.</exception>
    public static IReadOnlyList<string> DimensionValues(AiSystem system, string dimension) => dimension switch
    {
        SystemDimensions.Status => [SharingCatalogue.SnakeNames<SystemStatus>.Of(system.Status)],
        SystemDimensions.RiskTier => [SharingCatalogue.Snake(system.EffectiveRiskTier)],
        SystemDimensions.Category => [SharingCatalogue.Snake(system.Details.Category)],
        SystemDimensions.DeploymentStatus => [SharingCatalogue.Snake(system.Details.DeploymentStatus)],
        SystemDimensions.Month => [SharingCatalogue.Month(system.CreatedAt)],
        _ => throw new ArgumentException($"'{dimension}' is not a dimension of systems.", nameof(dimension)),
    };

    /// <summary>The incident's values in a summary dimension: one each, except one per harm type.</summary>
    /// <exception cref="ArgumentException">The name is not an incidents dimension.</exception>
    public static IReadOnlyList<string> DimensionValues(Incident incident, string dimension) => dimension switch
    {
        IncidentDimensions.Status => [SharingCatalogue.SnakeNames<IncidentStatus>.Of(incident.Status)],
        IncidentDimensions.Severity => [SharingCatalogue.Snake(incident.Details.Severity)],
        IncidentDimensions.HarmType => [.. incident.Details.HarmTypes.Distinct().Select(SharingCatalogue.SnakeNames<HarmType>.Of)],
        IncidentDimensions.SuspectedCause => [SharingCatalogue.Snake(incident.Details.SuspectedCause)],
        IncidentDimensions.CrossBorder => [incident.Details.CrossBorder ? "true" : "false"],
        IncidentDimensions.Month => [SharingCatalogue.Month(incident.Details.OccurredAt ?? incident.Details.ReportedAt ?? incident.UpdatedAt)],
        IncidentDimensions.TriageTime => [TriageTime.Of(incident)],
        _ => throw new ArgumentException($"'{dimension}' is not a dimension of incidents.", nameof(dimension)),
    };

    /// <summary>
    /// The cross-tabulation of registrations over the dimensions: one cell per combination that occurs, with
    /// its count. What <see cref="SharingEvaluator.Summary"/> takes; a node that keeps running counts supplies
    /// the same cells without scanning.
    /// </summary>
    public static IReadOnlyList<CountCell> Tabulate(IEnumerable<AiSystem> systems, IReadOnlyList<string> dimensions) =>
        Tabulate(systems, dimensions, DimensionValues);

    /// <summary>As <see cref="Tabulate(IEnumerable{AiSystem}, IReadOnlyList{string})"/>; an incident counts once in each of its harm types.</summary>
    public static IReadOnlyList<CountCell> Tabulate(IEnumerable<Incident> incidents, IReadOnlyList<string> dimensions) =>
        Tabulate(incidents, dimensions, DimensionValues);

    private static List<CountCell> Tabulate<T>(IEnumerable<T> records, IReadOnlyList<string> dimensions, Func<T, string, IReadOnlyList<string>> valuesOf)
    {
        var counts = new Dictionary<string, (string[] Values, long Count)>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            IEnumerable<string[]> combinations = [[]];
            foreach (var dimension in dimensions)
            {
                var values = valuesOf(record, dimension);
                combinations = combinations.SelectMany(c => values.Select(v => (string[])[.. c, v])).ToList();
            }
            foreach (var combination in combinations)
            {
                var key = CountCell.Key(combination);
                counts[key] = counts.TryGetValue(key, out var cell) ? (cell.Values, cell.Count + 1) : (combination, 1);
            }
        }
        return [.. counts.Values.Select(c => new CountCell(c.Values, c.Count))];
    }

    private static object? Box(object? value) => value switch
    {
        int i => (long)i,
        _ => value,
    };

    private static string? Name<T>(T? value) where T : struct, Enum => value is { } v ? SharingCatalogue.SnakeNames<T>.Of(v) : null;

    private static string? Text(string value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
