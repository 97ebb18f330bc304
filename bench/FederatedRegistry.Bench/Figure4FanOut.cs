using System.Globalization;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Federation;
using FederatedRegistry.Node.Hosting;
using FederatedRegistry.Storage;
using FederatedRegistry.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FederatedRegistry.Bench;

/// <summary>
/// Figure 4: an observer's federation summary, fanned out to five national nodes over mutual TLS with signed queries
/// and answers, against one national node's own summary, both through the national gRPC API with one caller,
/// alternated in rounds. Then one national node stalls (its federation endpoint, as the observer reaches it, accepts
/// and never answers) and the fan-out is measured again against the observer's query deadline.
/// </summary>
public static class Figure4FanOut
{
    private const string Observer = "INTL";
    private const string Dimensions = "risk_tier,category";
    private static readonly string[] Nationals = ["KE", "FR", "BR", "DE", "JP"];

    // The one the observer reaches through a relay, which forwards until the stalled phase.
    private const string Stalled = "JP";

    // Per national node: (tier, category, count); every count is at least k = 3, so every cell is shared.
    private static readonly (RiskTier Tier, Category Category, int Count)[] Seed =
    [
        (RiskTier.High, Category.Health, 12),
        (RiskTier.High, Category.Employment, 8),
        (RiskTier.Limited, Category.Finance, 10),
        (RiskTier.Minimal, Category.Education, 6),
        (RiskTier.Limited, Category.MediaAndInformation, 4),
    ];

    public static async Task<IReadOnlyList<ResultRow>> RunAsync(BenchOptions options, CancellationToken ct)
    {
        Console.Error.WriteLine($"figure 4: starting {Nationals.Length} national nodes and an observer");
        // One relay per start attempt (a retried start gives the stalled node other ports); the last one is in use.
        var relays = new List<TcpRelay>();
        using var calls = new FederationCalls();
        try
        {
            Uri Route(string caller, string peer, Uri address)
            {
                if (caller != Observer || peer != Stalled)
                {
                    return address;
                }
                relays.Add(TcpRelay.Start(address.Host, address.Port));
                return new UriBuilder(address) { Port = relays[^1].Port }.Uri;
            }
            var members = Nationals.Select(c => new BenchMember(c, "national", NationalPolicy(c)))
                .Append(new BenchMember(Observer, "observer", $$"""{ "version": 1, "node_code": "{{Observer}}", "grants": [] }"""))
                .ToList();
            await using var federation = await BenchFederation.StartAsync(members, Route, ct);
            Console.Error.WriteLine("figure 4: seeding the national nodes");
            await Task.WhenAll(Nationals.Select(code => SeedAsync(federation[code].Grpc, code, ct)));

            var observer = federation.ClientAs(Observer, Roles.Observer);
            // Started after the nodes, whose start is not what is measured.
            TraceBreakdown.Section("4 fan-out and local summary");
            var local = federation[Nationals[0]].Grpc;
            var request = new GetFederationSummaryRequest { Dimensions = Dimensions };
            var expected = Seed.Length * Nationals.Length;
            var first = await observer.GetFederationSummaryAsync(request, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct);
            if (first.Partial || first.Rows.Count != Nationals.Length || first.Rows.Sum(r => r.Cells.Count) != expected)
            {
                throw new InvalidOperationException($"The observer's first summary is not whole: {first}");
            }

            var one = options with { Concurrency = 1 };
            var measuredFrom = System.Diagnostics.Stopwatch.GetTimestamp();
            async Task FanOut(int worker, CancellationToken token)
            {
                var answer = await observer.GetFederationSummaryAsync(request, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: token);
                if (answer.Partial || answer.Rows.Count != Nationals.Length)
                {
                    throw new InvalidOperationException($"partial answer: {string.Join("; ", answer.Unanswered.Select(u => $"{u.Node} {u.Reason}"))}");
                }
            }
            async Task Local(int worker, CancellationToken token) =>
                await local.GetSummaryAsync(new GetSummaryRequest(), deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: token);
            var (fanOut, summary) = await Load.AlternateAsync(one, "observer GetFederationSummary (5 nodes)", FanOut, $"{Nationals[0]} GetSummary", Local, ct);
            // The observer's own record of each peer call (sign, mutual-TLS call, the peer's work, the answer back).
            var perPeer = calls.Since(measuredFrom, c => c.Method == "QuerySummary" && c.Outcome == "ok").Select(c => c.Milliseconds).Order().ToArray();

            TraceBreakdown.Section("4 steps and CPU time");
            var steps = await StepsAsync(federation, one, ct);
            var (_, fanOutCpu) = await CpuTime.PerOperationAsync("fan-out CPU", options.Duration, FanOut, ct);
            var (_, summaryCpu) = await CpuTime.PerOperationAsync("local summary CPU", options.Duration, Local, ct);
            Console.Error.WriteLine($"figure 4: stalling {Stalled} as the observer reaches it");
            // Evidence for or against a TLS handshake per query: the observer's connections to JP, all through the relay.
            var connections = relays[^1].Accepted;
            relays[^1].Stall();
            TraceBreakdown.Section("4 one node stalled");
            // The node's default, which the observer runs with here.
            var deadline = new FederationOptions().QueryDeadline;
            // Each stalled query lasts about the deadline: run several times longer than one side of a round, for enough answers to rank.
            var stalledFor = TimeSpan.FromTicks(options.Duration.Ticks * options.Rounds * 4);
            var stalled = await Load.RunAsync("observer GetFederationSummary, one node stalled", 1, stalledFor, async (_, token) =>
            {
                var answer = await observer.GetFederationSummaryAsync(request, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: token);
                // Late, or unavailable once the observer's keep-alive ping (after 60 s without traffic, 20 s to answer)
                // finds the connection dead under a call.
                var missing = answer.Unanswered.Select(u => $"{u.Node} {u.Reason}").ToList();
                if (!answer.Partial || missing is not ([$"{Stalled} deadline_exceeded"] or [$"{Stalled} unavailable"]) || answer.Rows.Count != Nationals.Length - 1)
                {
                    throw new InvalidOperationException($"answer partial={answer.Partial}, rows {answer.Rows.Count}, unanswered [{string.Join("; ", answer.Unanswered.Select(u => $"{u.Node} {u.Reason}: {u.Detail}"))}]");
                }
            }, ct);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  stalled: {stalled.Operations} answers, {stalled.Errors} wrong, p50 {stalled.P50Ms:F1} ms, p99 {stalled.P99Ms:F1} ms, max {stalled.SortedLatenciesMs.LastOrDefault():F1} ms"));
            Console.Error.WriteLine($"  the observer opened {connections} connection(s) to {Stalled} for all the fan-outs before the stall, {relays[^1].Accepted - connections} during it");
            return [.. Rows(fanOut, summary, perPeer, stalled, deadline),
                new ResultRow("4", "diagnostic: CPU time per fan-out, whole process (baseline: per local GetSummary)", fanOutCpu, summaryCpu, "ms", "—", null),
                .. steps.Select(s => new ResultRow("4",
                $"diagnostic: {s.Measured.Name}, alone, p50 (baseline: local GetSummary p50)", s.Measured.P50Ms * 1000, summary.P50Ms * 1000, "µs", "—", null,
                string.Create(CultureInfo.InvariantCulture, $"p99 {s.Measured.P99Ms:F2} ms; CPU {s.CpuMs * 1000:F0} µs per operation")))];
        }
        finally
        {
            foreach (var relay in relays)
            {
                await relay.DisposeAsync();
            }
        }
    }

    private static ResultRow[] Rows(Measured fanOut, Measured summary, double[] perPeer, Measured stalled, TimeSpan deadline)
    {
        var valid = fanOut.Errors + summary.Errors == 0;
        var note = valid ? null : $"INVALID, errors: fan-out {fanOut.Errors}, local {summary.Errors}; {fanOut.FirstError ?? summary.FirstError}";
        var answered = stalled.Operations;
        var total = stalled.Operations + stalled.Errors;
        var stalledNote = string.Create(CultureInfo.InvariantCulture, $"p99 of {answered} answers; max {stalled.SortedLatenciesMs.LastOrDefault():F1} ms");
        var perPeerMeasured = new Measured("per-peer", perPeer.Length, 0, TimeSpan.Zero, perPeer, null);
        return
        [
            new ResultRow("4", "fan-out p50, one caller (baseline: one node's local GetSummary)", fanOut.P50Ms, summary.P50Ms, "ms", "≤ 3.5×", valid ? fanOut.P50Ms / summary.P50Ms <= 3.5 : null, note),
            new ResultRow("4", "fan-out p99, one caller", fanOut.P99Ms, summary.P99Ms, "ms", "—", null),
            new ResultRow("4", "fan-out throughput, one caller", fanOut.PerSecond, summary.PerSecond, "/s", "—", null),
            new ResultRow("4", "diagnostic: one peer's QuerySummary as the observer timed it, p50 (baseline: local GetSummary p50)", perPeerMeasured.P50Ms, summary.P50Ms, "ms", "—", null,
                string.Create(CultureInfo.InvariantCulture, $"{perPeer.Length} calls, p99 {perPeerMeasured.P99Ms:F1} ms")),
            new ResultRow("4", "one node stalled: fan-out p99 vs the deadline (Federation:QueryDeadline)", stalled.P99Ms, deadline.TotalMilliseconds, "ms", "≤ 1.00×",
                answered > 0 && stalled.Errors == 0 ? stalled.P99Ms <= deadline.TotalMilliseconds : null, stalledNote),
            new ResultRow("4", "one node stalled: fan-out p50", stalled.P50Ms, deadline.TotalMilliseconds, "ms", "—", null),
            new ResultRow("4", "one node stalled: answers marked partial, naming the stalled node", answered, total, "answers", "all", answered == total && total > 0,
                stalled.Errors == 0 ? null : $"{stalled.Errors} not: {stalled.FirstError}"),
        ];
    }

    // What one national node does for each summary query, step by step, one caller, in process (no gRPC, no TLS): which
    // step dominates the answer of one peer.
    private static async Task<(Measured Measured, double CpuMs)[]> StepsAsync(BenchFederation federation, BenchOptions options, CancellationToken ct)
    {
        var national = federation[Nationals[0]].Services;
        var ledger = national.GetRequiredService<IEnvelopeLedger>();
        var index = national.GetRequiredService<IRegistryIndex>();
        var signer = national.GetRequiredService<FederationSigner>();
        var verifier = federation[Observer].Services.GetRequiredService<FederationVerifier>();
        var cells = await index.TabulateAsync("systems", ["risk_tier", "category"], ct);
        var answer = new SummaryAnswer { Dataset = "systems", Dimensions = { "risk_tier", "category" }, MinCount = 3, Nonce = new string('0', 32) };
        answer.Cells.Add(cells.Select(c => new CountCell { Values = { c.Values }, Count = c.Count }));
        var sequence = 0L;
        var steps = new List<(Measured, double)>();
        foreach (var (name, step) in new (string, Load.Operation)[]
        {
            ("replay-ledger insert (one SQLite commit)", async (_, token) =>
                await ledger.TryRecordAsync(Observer, Interlocked.Increment(ref sequence), DateTimeOffset.UtcNow.AddMinutes(5), token)),
            ("read-model tabulation (one SQLite query)", async (_, token) => await index.TabulateAsync("systems", ["risk_tier", "category"], token)),
            ("sign an answer and verify it (ECDSA P-256)", (_, _) =>
            {
                verifier.Open(signer.Sign(answer, 1), SummaryAnswer.Parser);
                return Task.CompletedTask;
            }),
        })
        {
            steps.Add(await CpuTime.PerOperationAsync(name, options.Duration, step, ct));
        }
        return [.. steps];
    }

    // Summaries for observers (k = 3), as the demo's Kenya grants them.
    private static string NationalPolicy(string code) => $$"""
        {
          "version": 1,
          "node_code": "{{code}}",
          "grants": [
            {
              "audience": "observers",
              "datasets": {
                "systems": { "summary": { "dimensions": ["status", "risk_tier", "category"], "min_count": 3 } },
                "incidents": { "summary": { "dimensions": ["severity", "status"], "min_count": 3 } }
              }
            }
          ]
        }
        """;

    private static async Task SeedAsync(Registry.RegistryClient node, string code, CancellationToken ct)
    {
        var provider = await node.CreateProviderAsync(new CreateProviderRequest
        {
            Slug = $"bench-{code.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..8]}",
            Name = "Bench Analytics Ltd",
            Country = "KE",
            ContactEmail = "bench@bench-analytics.example",
            Website = "https://bench-analytics.example",
        }, cancellationToken: ct);
        var registrations = Seed.SelectMany(s => Enumerable.Repeat((s.Tier, s.Category), s.Count)).ToArray();
        await Parallel.ForAsync(0, registrations.Length, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = ct }, async (i, token) =>
        {
            var details = BenchSystems.Details();
            details.ProposedRiskTier = registrations[i].Tier;
            details.Category = registrations[i].Category;
            await node.RegisterSystemAsync(new RegisterSystemRequest
            {
                ProductId = $"{Guid.NewGuid():N}.example/bench-{i}",
                ProviderId = provider.Id,
                Submit = true,
                Details = details,
            }, deadline: DateTime.UtcNow.AddSeconds(60), cancellationToken: token);
        });
    }
}
