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
        await WarmUpAsync(options, nameA, a, nameB, b, ct);

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

    /// <summary>
    /// Runs both sides, outside the measured rounds, until the JIT has settled: the runtime keeps recompiling hot
    /// methods at higher tiers for tens of seconds after they are first called (in figure 1 the tiered-compilation
    /// thread took 15% of the CPU, and request handling still ran unoptimised code, well into the first measured
    /// round). A node runs for days; what it costs once it is warm is what the figures compare. Settled means that a
    /// pass over both sides spent less than 1% of its time compiling (about 80 s for the first node of a run here, two
    /// passes for the next); at most <see cref="MaxWarmUpPasses"/> passes.
    /// </summary>
    private static async Task WarmUpAsync(BenchOptions options, string nameA, Operation a, string nameB, Operation b, CancellationToken ct)
    {
        var pass = TimeSpan.FromSeconds(Math.Min(2, options.Duration.TotalSeconds));
        var clock = Stopwatch.StartNew();
        var settled = false;
        Console.Error.Write("  warm-up, ms spent compiling per pass:");
        for (var passes = 0; passes < MaxWarmUpPasses && !settled; passes++)
        {
            var before = System.Runtime.JitInfo.GetCompilationTime();
            var started = clock.Elapsed;
            await RunAsync(nameA, options.Concurrency, pass, a, ct);
            await RunAsync(nameB, options.Concurrency, pass, b, ct);
            var compiling = System.Runtime.JitInfo.GetCompilationTime() - before;
            Console.Error.Write($" {compiling.TotalMilliseconds:F0}");
            settled = compiling < (clock.Elapsed - started) * SettledJitShare;
        }
        Console.Error.WriteLine($" ({clock.Elapsed.TotalSeconds:F0} s{(settled ? "" : ", not settled")})");
    }

    private const int MaxWarmUpPasses = 40;

    private const double SettledJitShare = 0.01;

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
