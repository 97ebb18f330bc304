namespace FederatedRegistry.Bench;

/// <summary>The figures that start a federation of nodes in this process: 4 (observer fan-out) and 5 (delivery).</summary>
public static class FederationFigures
{
    public static async Task<IReadOnlyList<ResultRow>> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var rows = new List<ResultRow>();
        if (options.Figures.Contains(4))
        {
            rows.AddRange(await Figure4FanOut.RunAsync(options, ct));
        }
        if (options.Figures.Contains(5))
        {
            rows.AddRange(await Figure5Delivery.RunAsync(options, ct));
        }
        return rows;
    }
}
