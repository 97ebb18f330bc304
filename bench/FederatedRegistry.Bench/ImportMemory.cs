using System.Diagnostics;
using System.Globalization;
using FederatedRegistry.Testing;

namespace FederatedRegistry.Bench;

/// <summary>
/// Figure 3's memory over time: one node (its own process, on a new PostgreSQL database) takes a long
/// <c>fedreg import</c>, then idles; its resident memory, the GC heap and the registration grains alive are read every
/// few seconds. What it shows: whether memory levels off while the rows keep coming (registration grains leave after
/// <c>Orleans:RecordCollectionAge</c> without a call), or grows with the rows.
/// </summary>
public static class ImportMemory
{
    private const string Created = "orleans_catalog_activation_created_total";
    private const string Destroyed = "orleans_catalog_activation_destroyed_total";
    private const string RegistrationGrain = "grain_type=\"system\"";
    private const double GiB = 1024;

    private static readonly TimeSpan Every = TimeSpan.FromSeconds(15);

    /// <param name="containerLimitMiB">
    /// The memory limit of the node's container, as the Helm chart sets it (1 GiB), or null for none. The runtime in
    /// a container takes 75% of its limit as the GC heap's hard limit; the bench gives the node the same hard limit
    /// (<c>DOTNET_GCHeapHardLimit</c>) without a container, so its resident memory is measured, never capped.
    /// </param>
    public static async Task<IReadOnlyList<ResultRow>> RunAsync(int rows, TimeSpan idle, int? containerLimitMiB, TextWriter series, CancellationToken ct)
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync("bench_import_memory");
        try
        {
            // What the runtime in a container of that limit takes for the GC heap.
            var heapLimitBytes = containerLimitMiB * 1024L * 1024 * 3 / 4;
            var runtime = heapLimitBytes is { } heap
                ? new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = heap.ToString("x", CultureInfo.InvariantCulture) }
                : null;
            await using var node = await ChildBenchNode.StartAsync(BenchNodeSettings.Create(connectionString), ct, runtime);
            const string slug = "bench-long-import";
            await FedregImport.CreateProviderAsync(node.Grpc, slug, ct);
            var (csv, _) = FedregImport.WriteCsv(slug, rows, "bench-long-import");
            var samples = new List<Sample>();
            var clock = Stopwatch.StartNew();
            using var stopSampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var sampling = SampleAsync(node, clock, samples, stopSampling.Token);

            var limitText = containerLimitMiB is { } l ? $"a {l} MiB container limit (GC heap hard limit {heapLimitBytes / (1024 * 1024)} MiB)" : "no memory limit";
            Console.Error.WriteLine($"import memory: fedreg import of {rows:N0} registrations into an empty node on PostgreSQL with {limitText}, then {Span(idle)} idle");
            ImportRun import;
            try
            {
                import = await FedregImport.RunAsync(csv, node.GrpcAddress, rows, ct);
            }
            finally
            {
                Directory.Delete(Path.GetDirectoryName(csv)!, recursive: true);
            }
            Console.Error.WriteLine("  " + FedregImport.Describe(import));
            var endOfImport = await ReadAsync(node, clock, ct);
            lock (samples)
            {
                samples.Add(endOfImport);
            }
            await Task.Delay(idle, ct);
            var afterIdle = await ReadAsync(node, clock, ct);
            await stopSampling.CancelAsync();
            await sampling;
            samples.Add(afterIdle);
            samples.Sort((a, b) => a.At.CompareTo(b.At));

            Print(samples, import, series);
            var valid = import.ExitCode == 0 && import.Created == rows;
            var note = valid ? FedregImport.Describe(import) : $"INVALID: {FedregImport.Describe(import)}, exit {import.ExitCode}; {import.FirstRejection}";
            // The second half of the import against the first: a plateau keeps the later peak near the earlier one.
            var during = samples.Where(s => s.At <= endOfImport.At).ToList();
            var firstHalf = during.Where(s => s.At <= endOfImport.At / 2).Select(s => s.RssMiB).DefaultIfEmpty(0).Max();
            var secondHalf = during.Where(s => s.At > endOfImport.At / 2).Select(s => s.RssMiB).DefaultIfEmpty(0).Max();
            return
            [
                new("3", $"import memory: node peak RSS (VmHWM) over a {rows:N0}-row fedreg import and {Span(idle)} idle, {limitText}, vs 1 GiB", afterIdle.PeakMiB, GiB, "MiB", "≤ 1024 MiB",
                    valid ? afterIdle.PeakMiB <= GiB : null, note),
                new("3", "import memory: highest RSS in the import's second half vs its first half", secondHalf, firstHalf, "MiB", "—", null,
                    "near 1× when memory levels off; about 2× when it grows with the rows"),
                new("3", "import memory: registration grains alive at the end of the import vs registrations imported", endOfImport.LiveRegistrations, import.Created, "grains", "—", null,
                    string.Create(CultureInfo.InvariantCulture, $"{import.RowsPerSecond:F0} rows/s")),
                new("3", $"import memory: registration grains alive after {Span(idle)} idle vs at the end of the import", afterIdle.LiveRegistrations, endOfImport.LiveRegistrations, "grains", "—", null,
                    string.Create(CultureInfo.InvariantCulture, $"RSS {afterIdle.RssMiB:F0} MiB vs {endOfImport.RssMiB:F0} MiB; GC heap {afterIdle.HeapMiB:F0} MiB vs {endOfImport.HeapMiB:F0} MiB")),
            ];
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(connectionString);
        }
    }

    private static async Task SampleAsync(ChildBenchNode node, Stopwatch clock, List<Sample> samples, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Every);
        try
        {
            do
            {
                var sample = await ReadAsync(node, clock, ct);
                lock (samples)
                {
                    samples.Add(sample);
                }
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {sample.At.TotalSeconds,5:F0} s: {sample.CreatedRegistrations,8:F0} registration grains activated, {sample.LiveRegistrations,7:F0} alive; RSS {sample.RssMiB:F0} MiB (peak {sample.PeakMiB:F0}); GC heap {sample.HeapMiB:F0} MiB"));
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The study's end.
        }
    }

    private static async Task<Sample> ReadAsync(ChildBenchNode node, Stopwatch clock, CancellationToken ct)
    {
        var memory = node.Memory();
        var series = PrometheusText.Parse(await node.MetricsAsync(ct));
        var created = PrometheusText.Sum(series, Created, RegistrationGrain);
        return new Sample(clock.Elapsed, memory.RssMiB, memory.PeakMiB, PrometheusText.Sum(series, Figure3Summary.HeapMetric) / (1024 * 1024),
            created, created - PrometheusText.Sum(series, Destroyed, RegistrationGrain));
    }

    private static void Print(IReadOnlyList<Sample> samples, ImportRun import, TextWriter output)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Import memory over time ({import.Created:N0} rows imported in {import.Elapsed.TotalSeconds:F0} s; then idle):"));
        output.WriteLine();
        output.WriteLine("| time | registration grains activated | alive | RSS MiB | peak RSS MiB | GC heap MiB |");
        output.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var s in samples)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {s.At.TotalSeconds:F0} s | {s.CreatedRegistrations:F0} | {s.LiveRegistrations:F0} | {s.RssMiB:F0} | {s.PeakMiB:F0} | {s.HeapMiB:F0} |"));
        }
        output.WriteLine();
    }

    private static string Span(TimeSpan span) =>
        span.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} min") : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0} s");

    private sealed record Sample(TimeSpan At, double RssMiB, double PeakMiB, double HeapMiB, double CreatedRegistrations, double LiveRegistrations);
}
