using System.Diagnostics;
using System.Globalization;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Storage;
using FederatedRegistry.Testing;
using Grpc.Core;

namespace FederatedRegistry.Bench;

/// <summary>
/// Figure 3: the node's summary with 1,000,000 registrations against the same node with 10,000, both read models
/// seeded in SQL (<see cref="RegistrySeed"/>), both nodes running side by side as child processes on the same
/// PostgreSQL, read alternately in rounds. Then, on the 1,000,000 node alone: its memory after listing, reading and
/// importing through the API, and the rate of the real bulk path (<c>fedreg import</c>, <see cref="FedregImport"/>).
/// </summary>
public static class Figure3Summary
{
    private const int Large = 1_000_000;
    private const int Small = 10_000;
    // The same on both sides, so that the summaries differ only in their registration counts (all 36 months occur).
    private const int Incidents = 1_000;
    private const int PagedRows = 20_000;
    private const int ReadOneByOne = 5_000;
    private const int ImportRows = 10_000;
    private const int ParallelRegistrations = 5_000;
    private const double GiB = 1024;
    // The .NET runtime's own gauge (System.Runtime meter, via the node's OpenTelemetry runtime instrumentation).
    internal const string HeapMetric = "dotnet_gc_last_collection_heap_size_bytes";

    public static async Task<IReadOnlyList<ResultRow>> RunAsync(BenchOptions options, CancellationToken ct)
    {
        TraceBreakdown.Section("3");
        Console.Error.WriteLine($"figure 3: seeding two read models in SQL ({Small:N0} and {Large:N0} registrations, {Incidents:N0} incidents each)");
        var small = await RegistrySeed.CreateAsync("bench_summary_10k", Small, Incidents, ct);
        SeededDatabase? large = null;
        try
        {
            large = await RegistrySeed.CreateAsync("bench_summary_1m", Large, Incidents, ct);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  seeded: 10K in {small.Seed.TotalSeconds:F1} s (+ vacuum {small.Vacuum.TotalSeconds:F1} s), 1M in {large.Seed.TotalSeconds:F1} s (+ vacuum {large.Vacuum.TotalSeconds:F1} s)"));
            return await MeasureAsync(options, small, large, ct);
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(small.ConnectionString);
            if (large is not null)
            {
                await PostgresServer.DropDatabaseAsync(large.ConnectionString);
            }
        }
    }

    private static async Task<IReadOnlyList<ResultRow>> MeasureAsync(BenchOptions options, SeededDatabase small, SeededDatabase large, CancellationToken ct)
    {
        var rows = new List<ResultRow>
        {
            new("3", "info: SQL seed of the read model (binary COPY + counts; NOT the API, NOT a bulk path), 1M vs 10K", large.Seed.TotalSeconds, small.Seed.TotalSeconds, "s", "—", null,
                string.Create(CultureInfo.InvariantCulture, $"{Large / large.Seed.TotalSeconds:F0} rows/s; VACUUM ANALYZE after: {large.Vacuum.TotalSeconds:F1} s vs {small.Vacuum.TotalSeconds:F1} s")),
        };

        Console.Error.WriteLine("figure 3: starting a node on each database (child processes)");
        await using var nodeLarge = await ChildBenchNode.StartAsync(BenchNodeSettings.Create(large.ConnectionString), ct);
        await using var nodeSmall = await ChildBenchNode.StartAsync(BenchNodeSettings.Create(small.ConnectionString), ct);
        rows.Add(new("3", "info: node start to ready, 1M vs 10K", nodeLarge.StartTime.TotalMilliseconds, nodeSmall.StartTime.TotalMilliseconds, "ms", "—", null));
        var startLarge = nodeLarge.Memory();
        var startSmall = nodeSmall.Memory();

        // The first call activates the summary grain, which loads registry_counts: the only read of the store it makes.
        var (firstLarge, summaryLarge) = await FirstSummaryAsync(nodeLarge, large, ct);
        var (firstSmall, summarySmall) = await FirstSummaryAsync(nodeSmall, small, ct);
        rows.Add(new("3", "info: first GetSummary (activates the summary: loads registry_counts), 1M vs 10K", firstLarge, firstSmall, "ms", "—", null,
            $"{summaryLarge.Cells.Count} vs {summarySmall.Cells.Count} cells; totals {summaryLarge.TotalSystems:N0} vs {summarySmall.TotalSystems:N0} systems"));

        Console.Error.WriteLine("figure 3: GetSummary, 1 caller");
        var one = options with { Concurrency = 1 };
        var (a1, b1) = await Load.AlternateAsync(one, "GetSummary 1M", Summary(nodeLarge), "GetSummary 10K", Summary(nodeSmall), ct);
        rows.AddRange(SummaryRows("1 caller", a1, b1));
        Console.Error.WriteLine($"figure 3: GetSummary, {options.Concurrency} callers");
        var (a16, b16) = await Load.AlternateAsync(options, "GetSummary 1M", Summary(nodeLarge), "GetSummary 10K", Summary(nodeSmall), ct);
        rows.AddRange(SummaryRows($"{options.Concurrency} callers", a16, b16));
        Console.Error.WriteLine("figure 3: control, GetSummary against GetNodeInfo on the 1M node, 1 caller");
        var (summaryControl, nodeInfo) = await Load.AlternateAsync(one, "GetSummary 1M", Summary(nodeLarge), "GetNodeInfo 1M",
            async (_, token) => await nodeLarge.Grpc.GetNodeInfoAsync(new GetNodeInfoRequest(), deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: token), ct);
        rows.Add(LatencyRow("control: GetSummary vs GetNodeInfo (one grain call, no store) on the 1M node, 1 caller, p50", summaryControl, nodeInfo,
            "what any call costs on this machine at this load"));

        rows.Add(await DiagnosticAsync(one, "ListSystems status=registered, category=health, risk_tier=high (50 a page)", nodeLarge, nodeSmall,
            new ListSystemsRequest { Status = SystemStatus.Registered, Category = Category.Health, RiskTier = RiskTier.High, PageSize = 50 }, ct));
        rows.Add(await DiagnosticAsync(one, "ListSystems text \"triageassist\" (a product word, ~4% of rows)", nodeLarge, nodeSmall,
            new ListSystemsRequest { Text = "triageassist", PageSize = 50 }, ct));
        rows.Add(await DiagnosticAsync(one, "ListSystems text \"kestrel triageassist\" (one name, ~0.1% of rows)", nodeLarge, nodeSmall,
            new ListSystemsRequest { Text = "kestrel triageassist", PageSize = 50 }, ct));
        rows.Add(await DiagnosticAsync(one, "ListSystems text \"quokka\" (matches nothing)", nodeLarge, nodeSmall,
            new ListSystemsRequest { Text = "quokka", PageSize = 50 }, ct));
        rows.Add(await TabulateAsync(one, large, small, ct));

        var readLarge = nodeLarge.Memory();
        var readSmall = nodeSmall.Memory();
        rows.Add(new("3", "info: node RSS after start, 1M vs 10K", startLarge.RssMiB, startSmall.RssMiB, "MiB", "—", null));
        rows.Add(new("3", "info: node RSS after the reads above, 1M vs 10K", readLarge.RssMiB, readSmall.RssMiB, "MiB", "—", null,
            string.Create(CultureInfo.InvariantCulture, $"peak so far (VmHWM) {readLarge.PeakMiB:F0} vs {readSmall.PeakMiB:F0} MiB")));
        await nodeSmall.DisposeAsync();

        rows.AddRange(await MemoryAndImportAsync(nodeLarge, large, ct));
        return rows;
    }

    private static async Task<(double Ms, Summary Summary)> FirstSummaryAsync(ChildBenchNode node, SeededDatabase database, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var summary = await node.Grpc.GetSummaryAsync(new GetSummaryRequest(), deadline: DateTime.UtcNow.AddSeconds(60), cancellationToken: ct);
        var ms = clock.Elapsed.TotalMilliseconds;
        // Counts that do not add up to the rows would mean the summary measured here is not the one of this registry.
        if (summary.TotalSystems != database.Systems || summary.TotalIncidents != database.Incidents)
        {
            throw new InvalidOperationException(
                $"The node's summary counts {summary.TotalSystems} systems and {summary.TotalIncidents} incidents; {database.Systems} and {database.Incidents} were seeded.");
        }
        return (ms, summary);
    }

    private static Load.Operation Summary(ChildBenchNode node) => async (_, ct) =>
        await node.Grpc.GetSummaryAsync(new GetSummaryRequest(), deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct);

    private static ResultRow[] SummaryRows(string callers, Measured large, Measured small)
    {
        var valid = large.Errors + small.Errors == 0;
        var note = valid ? null : $"INVALID, errors: 1M {large.Errors}, 10K {small.Errors}; {large.FirstError ?? small.FirstError}";
        return
        [
            new("3", $"GetSummary p50, {callers}, 1M vs 10K", large.P50Ms, small.P50Ms, "ms", "≤ 1.2×", valid ? large.P50Ms / small.P50Ms <= 1.2 : null, note),
            new("3", $"GetSummary p99, {callers}, 1M vs 10K", large.P99Ms, small.P99Ms, "ms", "—", null, note),
            new("3", $"GetSummary throughput, {callers}, 1M vs 10K", large.PerSecond, small.PerSecond, "/s", "—", null, note),
        ];
    }

    // Not a target: how the read model's listing queries scale. One caller, so each latency is the query's own.
    private static async Task<ResultRow> DiagnosticAsync(BenchOptions one, string what, ChildBenchNode large, ChildBenchNode small, ListSystemsRequest request, CancellationToken ct)
    {
        Console.Error.WriteLine($"figure 3: {what}");
        var found = new List<string>();
        foreach (var node in (ChildBenchNode[])[large, small])
        {
            var page = await node.Grpc.ListSystemsAsync(request, deadline: DateTime.UtcNow.AddSeconds(60), cancellationToken: ct);
            found.Add($"{page.Systems.Count}{(page.NextPageToken.Length > 0 ? "+" : "")}");
        }
        var (a, b) = await Load.AlternateAsync(one,
            "ListSystems 1M", async (_, token) => await large.Grpc.ListSystemsAsync(request, deadline: DateTime.UtcNow.AddSeconds(60), cancellationToken: token),
            "ListSystems 10K", async (_, token) => await small.Grpc.ListSystemsAsync(request, deadline: DateTime.UtcNow.AddSeconds(60), cancellationToken: token),
            ct);
        return LatencyRow($"diagnostic: {what}, p50", a, b, $"rows on the first page {found[0]} vs {found[1]}");
    }

    // The federation summary a peer or observer asks for (Federation.QuerySummary) is cross-tabulated from the rows by
    // IRegistryIndex.TabulateAsync. Reaching it through the federation needs peers, certificates and signed envelopes;
    // the query is the same when the harness calls the read model itself, on the same database.
    private static async Task<ResultRow> TabulateAsync(BenchOptions one, SeededDatabase large, SeededDatabase small, CancellationToken ct)
    {
        Console.Error.WriteLine("figure 3: read model TabulateAsync(systems, risk_tier x category), called directly");
        var indexLarge = RegistryIndex.Create(StorageProvider.Postgres, large.ConnectionString);
        var indexSmall = RegistryIndex.Create(StorageProvider.Postgres, small.ConnectionString);
        string[] dimensions = [CountDimensions.RiskTier, CountDimensions.Category];
        var cells = (await indexLarge.TabulateAsync(RegistryIndex.SystemsDataset, dimensions, ct)).Count;
        var (a, b) = await Load.AlternateAsync(one,
            "TabulateAsync 1M", async (_, token) => await indexLarge.TabulateAsync(RegistryIndex.SystemsDataset, dimensions, token),
            "TabulateAsync 10K", async (_, token) => await indexSmall.TabulateAsync(RegistryIndex.SystemsDataset, dimensions, token),
            ct);
        return LatencyRow("diagnostic: federation summary query (read model TabulateAsync systems by risk_tier x category, in the harness), p50", a, b,
            $"{cells} cells; one GROUP BY over every row");
    }

    private static ResultRow LatencyRow(string measure, Measured a, Measured b, string detail)
    {
        var valid = a.Errors + b.Errors == 0;
        var note = string.Create(CultureInfo.InvariantCulture, $"p99 {a.P99Ms:F1} vs {b.P99Ms:F1} ms; {a.Operations} vs {b.Operations} calls; {detail}");
        return new("3", measure, a.P50Ms, b.P50Ms, "ms", "—", null,
            valid ? note : $"INVALID, errors: {a.Name} {a.Errors}, {b.Name} {b.Errors}; {a.FirstError ?? b.FirstError}; {note}");
    }

    private static async Task<IReadOnlyList<ResultRow>> MemoryAndImportAsync(ChildBenchNode node, SeededDatabase database, CancellationToken ct)
    {
        var rows = new List<ResultRow>();
        var steps = new List<string>();
        async Task StepAsync(string what)
        {
            var memory = node.Memory();
            var heap = PrometheusText.Sum(await node.MetricsAsync(ct)).GetValueOrDefault(HeapMetric) / (1024 * 1024);
            steps.Add(string.Create(CultureInfo.InvariantCulture, $"{what}: RSS {memory.RssMiB:F0} MiB, peak {memory.PeakMiB:F0} MiB, GC heap after the last collection {heap:F0} MiB"));
            Console.Error.WriteLine("  " + steps[^1]);
        }
        await StepAsync("after the summary and listing reads");

        Console.Error.WriteLine($"figure 3: paging through {PagedRows:N0} registrations (ListSystems, 500 a page) on the 1M node");
        var listed = new List<string>(PagedRows);
        var clock = Stopwatch.StartNew();
        var token = "";
        while (listed.Count < PagedRows)
        {
            var page = await node.Grpc.ListSystemsAsync(new ListSystemsRequest { PageSize = 500, PageToken = token }, deadline: DateTime.UtcNow.AddSeconds(60), cancellationToken: ct);
            listed.AddRange(page.Systems.Select(s => s.Id));
            token = page.NextPageToken;
            if (token.Length == 0)
            {
                break;
            }
        }
        var paging = clock.Elapsed;
        await StepAsync($"after paging {listed.Count:N0}");

        // Seeded rows have no grain state: GetSystem activates the grain, which reads its (absent) state and answers NotFound.
        Console.Error.WriteLine($"figure 3: GetSystem on {ReadOneByOne:N0} seeded registrations, one by one");
        var (seededFound, seededMissing, seededTime) = await ReadOneByOneAsync(node, [.. listed.Where((_, i) => i % (PagedRows / ReadOneByOne) == 0).Take(ReadOneByOne)], ct);
        await StepAsync($"after GetSystem on {seededFound + seededMissing:N0} seeded ids ({seededMissing:N0} NotFound)");

        Console.Error.WriteLine($"figure 3: fedreg import of {ImportRows:N0} registrations into the 1M node (the CLI as a child process)");
        const string slug = "bench-import";
        await FedregImport.CreateProviderAsync(node.Grpc, slug, ct);
        var (csv, importedIds) = FedregImport.WriteCsv(slug, ImportRows, "bench-import");
        ImportRun import;
        try
        {
            import = await FedregImport.RunAsync(csv, node.GrpcAddress, ImportRows, ct);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(csv)!, recursive: true);
        }
        Console.Error.WriteLine("  " + FedregImport.Describe(import));
        await StepAsync($"after importing {import.Created:N0}");

        Console.Error.WriteLine($"figure 3: GetSystem on {ReadOneByOne:N0} imported registrations, one by one");
        var (importedFound, importedMissing, importedTime) = await ReadOneByOneAsync(node, [.. importedIds.Where((_, i) => i % 2 == 0).Take(ReadOneByOne)], ct);
        await StepAsync($"after GetSystem on {importedFound + importedMissing:N0} imported ids ({importedFound:N0} found)");

        Console.Error.WriteLine($"figure 3: RegisterSystem x {ParallelRegistrations:N0} from 16 callers (diagnostic)");
        var parallel = await RegisterInParallelAsync(node, ParallelRegistrations, 16, ct);
        await StepAsync($"after {ParallelRegistrations:N0} more registrations from 16 callers");

        // Every registration above went through the node's write path, which moves the summary as it commits.
        var expected = database.Systems + import.Created + (int)parallel.Operations;
        var counted = (await node.Grpc.GetSummaryAsync(new GetSummaryRequest(), deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct)).TotalSystems;
        var maintained = string.Create(CultureInfo.InvariantCulture, $"the summary then counted {counted:N0} systems, {expected:N0} expected");
        Console.Error.WriteLine("  " + maintained);

        var metrics = PrometheusText.Sum(await node.MetricsAsync(ct));
        var final = node.Memory();
        var gc = string.Join(", ", metrics
            .Where(m => m.Key.StartsWith("dotnet_gc_last_collection", StringComparison.Ordinal) || m.Key.StartsWith("dotnet_process_memory", StringComparison.Ordinal))
            .Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value / (1024 * 1024):F0} MiB")));
        Console.Error.WriteLine("  /metrics: " + gc);

        var importValid = import.Created == ImportRows && import.Rejected == 0;
        var importNote = importValid ? FedregImport.Describe(import) : $"INVALID: {FedregImport.Describe(import)}, exit {import.ExitCode}; {import.FirstRejection}";
        var projectedHours = Large / import.RowsPerSecond / 3600;
        rows.AddRange(
        [
            new("3", "bulk path: fedreg import (CLI child process, its default of 8 rows in flight) into the 1M node, rows/s (baseline: the SQL seed's rows/s)",
                import.RowsPerSecond, Large / database.Seed.TotalSeconds, "/s", "—", null, importNote),
            new("3", "bulk path: 1,000,000 through fedreg import at that rate — PROJECTION, not measured (baseline: the SQL seed, measured)",
                projectedHours, database.Seed.TotalHours, "h", "—", null,
                string.Create(CultureInfo.InvariantCulture, $"{projectedHours * 60:F0} min projected")),
            new("3", "diagnostic: the same RegisterSystem calls from 16 callers in the harness (baseline: fedreg import)",
                parallel.PerSecond, import.RowsPerSecond, "/s", "—", null,
                (parallel.Errors == 0 ? "" : $"INVALID, {parallel.Errors} errors; {parallel.FirstError}; ") + maintained),
            new("3", "info: ListSystems paging (500 a page) on the 1M node, rows/s", listed.Count / paging.TotalSeconds, listed.Count / paging.TotalSeconds, "/s", "—", null,
                string.Create(CultureInfo.InvariantCulture, $"{listed.Count:N0} rows in {paging.TotalSeconds:F1} s")),
            new("3", "info: GetSystem one by one on the 1M node, seeded ids (no grain state) vs imported ids, ms each",
                seededTime.TotalMilliseconds / (seededFound + seededMissing), importedTime.TotalMilliseconds / (importedFound + importedMissing), "ms", "—", null,
                $"seeded: {seededMissing:N0} NotFound, {seededFound:N0} found; imported: {importedFound:N0} found, {importedMissing:N0} NotFound"),
            new("3", "node peak RSS (VmHWM) on the 1M database after all of the above, vs 1 GiB", final.PeakMiB, GiB, "MiB", "≤ 1024 MiB", final.PeakMiB <= GiB,
                string.Create(CultureInfo.InvariantCulture, $"RSS at the end {final.RssMiB:F0} MiB; Orleans grain collection age {new Orleans.Configuration.GrainCollectionOptions().CollectionAge.TotalMinutes:F0} min; {gc}")),
        ]);
        foreach (var step in steps)
        {
            Console.Error.WriteLine("  memory: " + step);
        }
        return rows;
    }

    private static async Task<(int Found, int Missing, TimeSpan Elapsed)> ReadOneByOneAsync(ChildBenchNode node, IReadOnlyList<string> ids, CancellationToken ct)
    {
        var found = 0;
        var missing = 0;
        var clock = Stopwatch.StartNew();
        foreach (var id in ids)
        {
            try
            {
                await node.Grpc.GetSystemAsync(new GetSystemRequest { Id = id }, deadline: DateTime.UtcNow.AddSeconds(60), cancellationToken: ct);
                found++;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                missing++;
            }
        }
        return (found, missing, clock.Elapsed);
    }

    private static async Task<Measured> RegisterInParallelAsync(ChildBenchNode node, int count, int callers, CancellationToken ct)
    {
        const string slug = "bench-parallel";
        await FedregImport.CreateProviderAsync(node.Grpc, slug, ct);
        var details = BenchSystems.Details();
        var next = -1;
        // Closed loop like the other figures' load, but stopped by count rather than time.
        var latencies = new List<double>[callers];
        var errors = 0L;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = [];
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await node.Grpc.RegisterSystemAsync(new RegisterSystemRequest
                    {
                        ProductId = $"bench-parallel.example/parallel-system-{i}",
                        ProviderId = $"{RegistrySeed.NodeCode}-PRV-{slug}",
                        Submit = true,
                        Details = details,
                    }, deadline: DateTime.UtcNow.AddSeconds(60), cancellationToken: ct);
                    mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                catch (RpcException e)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, $"{e.StatusCode}: {e.Status.Detail}", null);
                }
            }
        }, ct)));
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Measured("RegisterSystem x16", all.Length, errors, clock.Elapsed, all, firstError);
    }
}

/// <summary>Prometheus text exposition: its series, and their sums per metric name over label sets.</summary>
public static class PrometheusText
{
    /// <summary>One line of the exposition: <c>name{labels} value</c>; <paramref name="Labels"/> is empty without braces.</summary>
    public sealed record Series(string Name, string Labels, double Value);

    public static IReadOnlyList<Series> Parse(string text)
    {
        var series = new List<Series>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            // name{labels} value [timestamp]; label values may hold spaces, so the value follows the closing brace.
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var nameEnd = brace >= 0 ? brace : line.IndexOf(' ', StringComparison.Ordinal);
            var valueStart = brace >= 0 ? line.IndexOf('}', brace) + 1 : nameEnd;
            if (nameEnd <= 0 || valueStart <= 0)
            {
                continue;
            }
            var parts = line[valueStart..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 0 && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                series.Add(new Series(line[..nameEnd], brace >= 0 ? line[(brace + 1)..(valueStart - 1)] : "", value));
            }
        }
        return series;
    }

    public static IReadOnlyDictionary<string, double> Sum(string text)
    {
        var sums = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var s in Parse(text))
        {
            sums[s.Name] = sums.GetValueOrDefault(s.Name) + s.Value;
        }
        return sums;
    }

    /// <summary>The sum of metric <paramref name="name"/> over its label sets that include <paramref name="label"/> (<c>grain_type="system"</c>; empty for all).</summary>
    public static double Sum(IEnumerable<Series> series, string name, string label = "") =>
        series.Where(s => s.Name == name && s.Labels.Contains(label, StringComparison.Ordinal)).Sum(s => s.Value);
}
