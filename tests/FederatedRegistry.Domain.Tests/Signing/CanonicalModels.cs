using CsCheck;
using FederatedRegistry.Domain.Signing;

namespace FederatedRegistry.Domain.Tests.Signing;

/// <summary>
/// Plain .NET trees (null, bool, long, string, byte[], DateTimeOffset, List, Dictionary) as the reference model of
/// canonical values, with an equality written here, so encoding properties are not checked against the
/// implementation's own <see cref="CanonicalValue.Equals(CanonicalValue?)"/>.
/// </summary>
internal static class CanonicalModels
{
    /// <summary>Code units that stress UTF-8: ASCII, two-byte, BMP above the surrogates (U+E000, U+FF61, U+FFFF), pairs.</summary>
    private static readonly string[] Atoms = ["a", "b", "A", "\0", " ", "é", "ß", "漢", "\uE000", "\uFF61", "\uFFFF", "😀", "𝄞", "\uFEFF"];

    /// <summary>Few distinct keys, so generated maps share keys and near-equal trees are common.</summary>
    public static readonly Gen<string> Key = Gen.OneOf(Atoms).Array[0, 3].Select(parts => string.Concat(parts));

    public static readonly Gen<string> Text = Gen.OneOf(Atoms).Array[0, 6].Select(parts => string.Concat(parts));

    private static readonly long MinMicros = (DateTimeOffset.MinValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
    private static readonly long MaxMicros = (DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    /// <summary>Whole-microsecond instants, with an arbitrary offset (the offset is not part of the value).</summary>
    public static readonly Gen<DateTimeOffset> Instant =
        Gen.Select(
            Gen.Frequency((3, Gen.Long[-3, 3]), (2, Gen.Long[MinMicros, MaxMicros]), (1, Gen.OneOf(MinMicros, MaxMicros))),
            Gen.Int[-14 * 4, 14 * 4],
            (micros, quarterHours) =>
            {
                var utc = DateTimeOffset.UnixEpoch.AddTicks(micros * 10);
                return utc.Year is > 1 and < 9999 ? utc.ToOffset(TimeSpan.FromMinutes(quarterHours * 15)) : utc;
            });

    public static readonly Gen<object?> Scalar =
        Gen.Frequency(
            (1, Gen.Bool.Select(_ => (object?)null)),
            (2, Gen.Bool.Select(b => (object?)b)),
            (3, Gen.Frequency((3, Gen.Long[-2, 2]), (1, Gen.Long)).Select(n => (object?)n)),
            (4, Text.Select(s => (object?)s)),
            (1, Gen.Byte[0, 3].Array[0, 4].Select(b => (object?)b)),
            (1, Instant.Select(t => (object?)t)));

    /// <summary>Trees of depth up to <paramref name="maxDepth"/> with small lists and maps.</summary>
    public static Gen<object?> Tree(int maxDepth = 3) =>
        Gen.Recursive<object?>((depth, tree) => depth >= maxDepth
            ? Scalar
            : Gen.Frequency(
                (4, Scalar),
                (1, tree.Array[0, 4].Select(items => (object?)items.ToList())),
                (2, Gen.Select(Key, tree).Array[0, 4].Select(entries => (object?)ToMap(entries)))));

    private static Dictionary<string, object?> ToMap((string Key, object? Value)[] entries)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            map.TryAdd(key, value);
        }
        return map;
    }

    /// <summary>Structural equality of two model trees, timestamps compared as instants.</summary>
    public static bool Same(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (bool x, bool y) => x == y,
        (long x, long y) => x == y,
        (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
        (byte[] x, byte[] y) => x.AsSpan().SequenceEqual(y),
        (DateTimeOffset x, DateTimeOffset y) => x.UtcTicks == y.UtcTicks,
        (List<object?> x, List<object?> y) => x.Count == y.Count && x.Zip(y).All(p => Same(p.First, p.Second)),
        (Dictionary<string, object?> x, Dictionary<string, object?> y) =>
            x.Count == y.Count && x.All(e => y.TryGetValue(e.Key, out var other) && Same(e.Value, other)),
        _ => false,
    };

    /// <summary>
    /// Builds the canonical value of a model, inserting every map's entries in an order drawn from
    /// <paramref name="random"/> (a different order for each map at every level).
    /// </summary>
    public static CanonicalValue Shuffled(object? model, Random random) => model switch
    {
        List<object?> items => CanonicalValue.ListOf(items.Select(i => Shuffled(i, random))),
        Dictionary<string, object?> map => CanonicalValue.Map(
            map.OrderBy(_ => random.Next()).Select(e => new KeyValuePair<string, CanonicalValue>(e.Key, Shuffled(e.Value, random)))),
        _ => CanonicalValue.From(model),
    };

    /// <summary>The model tree a canonical value stands for (timestamps as UTC instants).</summary>
    public static object? ToModel(CanonicalValue value) => value switch
    {
        CanonicalNull => null,
        CanonicalBoolean b => b.Value,
        CanonicalInteger i => i.Value,
        CanonicalString s => s.Value,
        CanonicalBytes b => b.Value.ToArray(),
        CanonicalTimestamp t => t.Value,
        CanonicalList l => l.Select(ToModel).ToList(),
        CanonicalMap m => m.ToDictionary(e => e.Key, e => ToModel(e.Value), StringComparer.Ordinal),
        _ => throw new ArgumentException(value.GetType().Name),
    };
}
