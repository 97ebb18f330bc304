using System.Diagnostics;

namespace FederatedRegistry.Bench;

/// <summary>What one side of a comparison did over all its measured rounds.</summary>
public sealed record Measured(string Name, long Operations, long Errors, TimeSpan Elapsed, double[] SortedLatenciesMs, string? FirstError)
{
    public double PerSecond => Operations / Elapsed.TotalSeconds;

    public double P50Ms => Percentile(0.50);

    public double P99Ms => Percentile(0.99);

    public double Percentile(double q) =>
        SortedLatenciesMs.Length == 0 ? double.NaN : SortedLatenciesMs[Math.Min(SortedLatenciesMs.Length - 1, (int)Math.Ceiling(q * SortedLatenciesMs.Length) - 1)];
}

/// <summary>
/// Closed-loop load: <c>concurrency</c> workers each call the operation back to back for a fixed time. The two sides of
/// a figure are alternated in rounds (A B, then B A, ...) so that drift on a shared machine lands on both.
/// </summary>
public static class Load
{
    /// <summary>One operation of worker <c>worker</c>; it throws when the operation did not succeed.</summary>
    public delegate Task Operation(int worker, CancellationToken ct);

    public static async Task<(Measured A, Measured B)> AlternateAsync(
        BenchOptions options, string nameA, Operation a, string nameB, Operation b, CancellationToken ct)
    {
        // JIT, connection pools and grain activations warm up outside the measured rounds.
        var warmUp = TimeSpan.FromSeconds(Math.Min(2, options.Duration.TotalSeconds));
        await RunAsync(nameA, options.Concurrency, warmUp, a, ct);
        await RunAsync(nameB, options.Concurrency, warmUp, b, ct);

        var sidesA = new List<Measured>();
        var sidesB = new List<Measured>();
        for (var round = 0; round < options.Rounds; round++)
        {
            if (round % 2 == 0)
            {
                sidesA.Add(await RunAsync(nameA, options.Concurrency, options.Duration, a, ct));
                sidesB.Add(await RunAsync(nameB, options.Concurrency, options.Duration, b, ct));
            }
            else
            {
                sidesB.Add(await RunAsync(nameB, options.Concurrency, options.Duration, b, ct));
                sidesA.Add(await RunAsync(nameA, options.Concurrency, options.Duration, a, ct));
            }
            Console.Error.WriteLine($"  round {round + 1}/{options.Rounds}: {nameA} {sidesA[^1].PerSecond:F0}/s p99 {sidesA[^1].P99Ms:F1} ms; {nameB} {sidesB[^1].PerSecond:F0}/s p99 {sidesB[^1].P99Ms:F1} ms");
        }
        return (Merge(nameA, sidesA), Merge(nameB, sidesB));
    }

    public static async Task<Measured> RunAsync(string name, int concurrency, TimeSpan duration, Operation operation, CancellationToken ct)
    {
        var latencies = new List<double>[concurrency];
        var errors = new long[concurrency];
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = new List<double>(4096);
            while (clock.Elapsed < duration && !ct.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await operation(w, ct);
                    mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    errors[w]++;
                    Interlocked.CompareExchange(ref firstError, $"{e.GetType().Name}: {e.Message}", null);
                }
            }
        }, ct)).ToArray();
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed;
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new Measured(name, all.Length, errors.Sum(), elapsed, all, firstError);
    }

    private static Measured Merge(string name, List<Measured> rounds)
    {
        var all = rounds.SelectMany(r => r.SortedLatenciesMs).ToArray();
        Array.Sort(all);
        return new Measured(
            name,
            rounds.Sum(r => r.Operations),
            rounds.Sum(r => r.Errors),
            TimeSpan.FromTicks(rounds.Sum(r => r.Elapsed.Ticks)),
            all,
            rounds.Select(r => r.FirstError).FirstOrDefault(e => e is not null));
    }
}
