using System.Collections.Frozen;

namespace FederatedRegistry.Storage;

internal abstract partial class SqlRegistryIndex
{
    private const string HarmTypeAlias = "h";

    // The only SQL a tabulation is built from: a caller's dimension names pick entries here, and their text never
    // reaches the query.
    private static readonly FrozenDictionary<string, Tabulated> SystemTabulation = new Dictionary<string, Tabulated>
    {
        [CountDimensions.Status] = new(TabulatedKind.Column, "status"),
        [CountDimensions.RiskTier] = new(TabulatedKind.Column, "risk_tier"),
        [CountDimensions.Category] = new(TabulatedKind.Column, "category"),
        [CountDimensions.DeploymentStatus] = new(TabulatedKind.Column, "deployment_status"),
        [CountDimensions.Month] = new(TabulatedKind.Month, "created_at"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, Tabulated> IncidentTabulation = new Dictionary<string, Tabulated>
    {
        [CountDimensions.Status] = new(TabulatedKind.Column, "status"),
        [CountDimensions.Severity] = new(TabulatedKind.Column, "severity"),
        [CountDimensions.HarmType] = new(TabulatedKind.ArrayElement, "harm_types"),
        [CountDimensions.SuspectedCause] = new(TabulatedKind.Column, "suspected_cause"),
        [CountDimensions.CrossBorder] = new(TabulatedKind.YesNo, "cross_border"),
        // The catalogue falls back to the report time when the occurrence time is missing; a stored incident always has one.
        [CountDimensions.Month] = new(TabulatedKind.Month, "occurred_at"),
        [CountDimensions.TriageTime] = new(TabulatedKind.Column, "triage_time"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private enum TabulatedKind
    {
        Column,
        Month,
        YesNo,
        ArrayElement,
    }

    public async Task<IReadOnlyList<TabulatedCount>> TabulateAsync(string dataset, IReadOnlyList<string> dimensions, CancellationToken ct = default)
    {
        var (table, known) = dataset switch
        {
            RegistryIndex.SystemsDataset => (Systems.Name, SystemTabulation),
            RegistryIndex.IncidentsDataset => (Incidents.Name, IncidentTabulation),
            _ => throw new ArgumentException($"Unknown dataset '{dataset}': expected systems or incidents.", nameof(dataset)),
        };
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Count == 0)
        {
            throw new ArgumentException("Name at least one dimension to tabulate by.", nameof(dimensions));
        }

        var expressions = new List<string>(dimensions.Count);
        var join = string.Empty;
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dimension in dimensions)
        {
            if (dimension is null || !known.TryGetValue(dimension, out var source))
            {
                throw new ArgumentException(
                    $"'{dimension}' is not a dimension of {dataset}: expected {string.Join(", ", RegistryIndex.TabulationDimensions(dataset))}.",
                    nameof(dimensions));
            }

            if (!named.Add(dimension))
            {
                throw new ArgumentException($"The dimension '{dimension}' is named twice.", nameof(dimensions));
            }

            var column = "r." + source.Column;
            expressions.Add(source.Kind switch
            {
                TabulatedKind.Column => column,
                TabulatedKind.Month => MonthOf(column),
                TabulatedKind.YesNo => $"CASE WHEN {column} THEN 'true' ELSE 'false' END",
                TabulatedKind.ArrayElement => HarmTypeAlias + ".value",
                _ => throw new InvalidOperationException($"No SQL for a {source.Kind} dimension."),
            });
            if (source.Kind == TabulatedKind.ArrayElement)
            {
                join = " CROSS JOIN " + ArrayElements(column, HarmTypeAlias);
            }
        }

        // Joined to its harm types, an incident that lists one twice would fill its cell twice: count it once.
        var count = join.Length == 0 ? "COUNT(*)" : "COUNT(DISTINCT r.id)";
        var aliases = string.Join(", ", expressions.Select((_, i) => $"d{i}"));
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT {string.Join(", ", expressions.Select((e, i) => $"{e} AS d{i}"))}, {count} FROM {table} r{join} GROUP BY {aliases}";
        var cells = new List<TabulatedCount>();
        await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var values = new string[expressions.Count];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = reader.GetString(i);
                }

                cells.Add(new TabulatedCount(values, reader.GetInt64(expressions.Count)));
            }
        }

        // Sorted here rather than by the database, whose text order (UTF-8 bytes, or a collation) is not .NET's ordinal order.
        cells.Sort(static (a, b) =>
        {
            for (var i = 0; i < a.Values.Count; i++)
            {
                var order = string.CompareOrdinal(a.Values[i], b.Values[i]);
                if (order != 0)
                {
                    return order;
                }
            }

            return 0;
        });
        return cells;
    }

    /// <summary>SQL for the UTC month, <c>yyyy-MM</c>, of the time stored in <paramref name="column"/>.</summary>
    protected abstract string MonthOf(string column);

    /// <summary>A FROM item, named <paramref name="alias"/>, with one row per element of the array in <paramref name="column"/>, in a column <c>value</c>.</summary>
    protected abstract string ArrayElements(string column, string alias);

    private sealed record Tabulated(TabulatedKind Kind, string Column);
}
