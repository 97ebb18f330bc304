using FederatedRegistry.Storage;

namespace FederatedRegistry.Grains;

/// <summary>
/// Counts live in memory; the read model's count table is their durable form, written in the same
/// transaction as each row, so activation loads a few hundred cells instead of scanning the registry.
/// </summary>
public sealed class SummaryGrain(IRegistryIndex index, TimeProvider clock) : Grain, ISummaryGrain
{
    private readonly Dictionary<(string Dataset, string Dimension, string Value), long> _counts = [];
    private DateTimeOffset _asOf;
    private long _loadedThrough;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var snapshot = await index.ReadCountSnapshotAsync(cancellationToken);
        foreach (var row in snapshot.Counts)
        {
            _counts[(row.Dataset, row.Dimension, row.Value)] = row.Count;
        }
        _loadedThrough = snapshot.Sequence;
        _asOf = clock.GetUtcNow();
    }

    public Task<SummarySnapshot> GetAsync()
    {
        var cells = _counts
            .Where(c => c.Value > 0)
            .OrderBy(c => c.Key.Dataset, StringComparer.Ordinal)
            .ThenBy(c => c.Key.Dimension, StringComparer.Ordinal)
            .ThenBy(c => c.Key.Value, StringComparer.Ordinal)
            .Select(c => new SummaryCount(c.Key.Dataset, c.Key.Dimension, c.Key.Value, c.Value))
            .ToList();
        return Task.FromResult(new SummarySnapshot(cells, Total("systems"), Total("incidents"), _asOf));
    }

    public Task ApplyAsync(IReadOnlyList<SummaryCount> deltas, long countSequence)
    {
        // The change that activated this grain committed before the counts were loaded: it is already in them.
        if (countSequence <= _loadedThrough)
        {
            return Task.CompletedTask;
        }
        foreach (var d in deltas)
        {
            var key = (d.Dataset, d.Dimension, d.Value);
            _counts[key] = _counts.GetValueOrDefault(key) + d.Count;
        }
        _asOf = clock.GetUtcNow();
        return Task.CompletedTask;
    }

    // Every record has exactly one status, so the status cells add up to the dataset's size.
    private long Total(string dataset) =>
        _counts.Where(c => c.Key.Dataset == dataset && c.Key.Dimension == "status").Sum(c => c.Value);
}
