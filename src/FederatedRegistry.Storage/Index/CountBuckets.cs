using System.Globalization;

namespace FederatedRegistry.Storage;

/// <summary>Which counts a row belongs to, and how counts move when a row changes.</summary>
internal static class CountBuckets
{
    public static IEnumerable<(string Dimension, string Value)> Of(SystemRow row) =>
    [
        (CountDimensions.Status, row.Status),
        (CountDimensions.RiskTier, row.EffectiveRiskTier),
        (CountDimensions.Category, row.Category),
    ];

    public static IEnumerable<(string Dimension, string Value)> Of(IncidentRow row) =>
    [
        (CountDimensions.Status, row.Status),
        (CountDimensions.Severity, row.Severity),
        .. row.HarmTypes.Distinct(StringComparer.Ordinal).Select(harm => (CountDimensions.HarmType, harm)),
        (CountDimensions.Month, row.OccurredAt.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture)),
    ];

    /// <summary>The deltas that turn the counts of <paramref name="before"/> into those of <paramref name="after"/>, ordered by dimension then value.</summary>
    public static IReadOnlyList<CountDelta> Diff(string dataset, IEnumerable<(string Dimension, string Value)> before, IEnumerable<(string Dimension, string Value)> after)
    {
        var deltas = new SortedDictionary<(string Dimension, string Value), int>(BucketComparer.Instance);
        foreach (var bucket in before.Distinct())
        {
            deltas[bucket] = deltas.GetValueOrDefault(bucket) - 1;
        }

        foreach (var bucket in after.Distinct())
        {
            deltas[bucket] = deltas.GetValueOrDefault(bucket) + 1;
        }

        return [.. deltas.Where(d => d.Value != 0).Select(d => new CountDelta(dataset, d.Key.Dimension, d.Key.Value, d.Value))];
    }

    private sealed class BucketComparer : IComparer<(string Dimension, string Value)>
    {
        public static readonly BucketComparer Instance = new();

        public int Compare((string Dimension, string Value) x, (string Dimension, string Value) y)
        {
            var byDimension = string.CompareOrdinal(x.Dimension, y.Dimension);
            return byDimension != 0 ? byDimension : string.CompareOrdinal(x.Value, y.Value);
        }
    }
}
