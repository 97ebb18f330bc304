using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Federation;
using FederatedRegistry.Node.Hosting;
using FederatedRegistry.Storage;
using Google.Protobuf;
using Microsoft.Data.Sqlite;

namespace FederatedRegistry.Bench;

/// <summary>
/// Figure 5: advisories from one national node to another (publish on the sender through its gRPC API, the sender's
/// outbox delivers a signed batch over mutual TLS, the receiver stores it and signs a receipt) against the receiving
/// database's own commit rate: single-row autocommit INSERTs of the same row shape, one at a time, for delivery one
/// advisory at a time; 100-row transactions for many advisories published at once.
/// </summary>
public static class Figure5Delivery
{
    private const string Sender = "KE";
    private const string Receiver = "FR";
    private const string Deliver = "Deliver";
    private const int RowsPerTransaction = 100;

    /// <summary>Advisories published per batched round, in one PublishAdvisories call (its most).</summary>
    private const int BatchItems = 500;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    public static async Task<IReadOnlyList<ResultRow>> RunAsync(BenchOptions options, CancellationToken ct)
    {
        Console.Error.WriteLine($"figure 5: starting {Sender} (shares advisories with every peer) and {Receiver}");
        using var calls = new FederationCalls();
        await using var federation = await BenchFederation.StartAsync(
        [
            new BenchMember(Sender, "national", $$"""
                { "version": 1, "node_code": "{{Sender}}",
                  "grants": [ { "audience": "all-peers", "datasets": { "advisories": { "send": true } } } ] }
                """),
            new BenchMember(Receiver, "national", $$"""{ "version": 1, "node_code": "{{Receiver}}", "grants": [] }"""),
        ], null, ct);
        var sender = federation[Sender].Grpc;
        // Started after the nodes, whose start is not what is measured.
        TraceBreakdown.Section("5 unbatched");
        var published = new List<string>();
        var publishCount = 0;

        async Task<Advisory> PublishAsync(CancellationToken token)
        {
            var n = Interlocked.Increment(ref publishCount);
            var advisory = await sender.PublishAdvisoryAsync(Request(n), deadline: DateTime.UtcNow.Add(Patience), cancellationToken: token);
            lock (published)
            {
                published.Add(advisory.Id);
            }
            return advisory;
        }

        async Task PublishBatchAsync(CancellationToken token)
        {
            var request = new PublishAdvisoriesRequest();
            request.Advisories.Add(Enumerable.Range(0, BatchItems).Select(_ => Request(Interlocked.Increment(ref publishCount))));
            var batch = await sender.PublishAdvisoriesAsync(request, deadline: DateTime.UtcNow.Add(Patience), cancellationToken: token);
            lock (published)
            {
                published.AddRange(batch.Advisories.Select(a => a.Id));
            }
        }

        // The first delivery also opens the sender's channel to the receiver; its shape is the baseline's row.
        var sample = await PublishAsync(ct);
        await calls.WaitForAsync(Receiver, Deliver, 1, Patience);
        var payload = JsonFormatter.Default.Format(sample);

        // The node's own connection settings (WAL, synchronous=FULL, busy timeout), in a file beside the receiver's database.
        var rawConnection = StorageConnection.ForSqliteFile(Path.Combine(federation.Settings(Receiver).Values["Node:DataDirectory"]!, "bench-raw.db"));
        await using (var setup = await StorageConnection.OpenAsync(StorageProvider.Embedded, rawConnection, ct))
        {
            await using var create = setup.CreateCommand();
            create.CommandText = "CREATE TABLE bench_raw_advisory (id TEXT PRIMARY KEY, origin TEXT NOT NULL, payload TEXT NOT NULL, received_at TEXT NOT NULL)";
            await create.ExecuteNonQueryAsync(ct);
        }
        var rawRows = 0L;
        var auditAlone = await AuditTrailAlone.CreateAsync(federation.Settings(Receiver).Values["Node:DataDirectory"]!, ct);
        var perDelivery = new DeliveryOptions().MaxBatchSize;
        // Unmeasured: its first calls compile the audit log's code.
        await auditAlone.OneAsync(ct);
        await auditAlone.ManyAsync(BatchItems, perDelivery, ct);
        auditAlone.ResetShares();

        Console.Error.WriteLine("figure 5: unbatched, one advisory at a time");
        var one = options with { Concurrency = 1 };
        var (unbatched, singleRow) = await Load.AlternateAsync(one,
            "advisory published on KE until FR's receipt is back", async (_, token) =>
            {
                var before = calls.Count(Receiver, Deliver);
                await PublishAsync(token);
                // Nothing else waits in the outbox: the next receipt is this advisory's.
                await calls.WaitForAsync(Receiver, Deliver, before + 1, Patience);
            },
            "single-row INSERT, autocommit", async (_, token) =>
            {
                await using var connection = await StorageConnection.OpenAsync(StorageProvider.Embedded, rawConnection, token);
                await using var insert = Insert(connection, null);
                Row(insert, Interlocked.Increment(ref rawRows), payload);
                await insert.ExecuteNonQueryAsync(token);
            }, ct);

        Console.Error.WriteLine("figure 5: the audit trail alone, one advisory at a time");
        var auditOne = new List<Measured>();
        for (var round = 0; round < options.Rounds; round++)
        {
            auditOne.Add(await Load.RunAsync("audit entries of one advisory", 1, options.Duration, (_, token) => auditAlone.OneAsync(token), ct));
            await auditAlone.SealAsync(ct);
        }
        var oneSealShare = auditAlone.SealShare;
        auditAlone.ResetShares();

        TraceBreakdown.Section("5 batched");
        Console.Error.WriteLine($"figure 5: batched, {BatchItems} advisories published at once vs {RowsPerTransaction}-row transactions");
        var batches = new List<(int Items, TimeSpan Accepted, TimeSpan Delivered, int Calls)>();
        var transactions = new List<Measured>();
        var auditMany = new List<Measured>();
        Task<Measured> AuditManyAsync() => Load.RunAsync($"audit entries of {BatchItems} advisories", 1, options.Duration,
            (_, token) => auditAlone.ManyAsync(BatchItems, perDelivery, token), ct);
        for (var round = 0; round < options.Rounds; round++)
        {
            if (round % 2 == 0)
            {
                batches.Add(await BatchAsync(federation, calls, PublishBatchAsync, ct));
                transactions.Add(await TransactionsAsync(rawConnection, payload, options.Duration, () => Interlocked.Add(ref rawRows, RowsPerTransaction), ct));
                auditMany.Add(await AuditManyAsync());
            }
            else
            {
                auditMany.Add(await AuditManyAsync());
                transactions.Add(await TransactionsAsync(rawConnection, payload, options.Duration, () => Interlocked.Add(ref rawRows, RowsPerTransaction), ct));
                batches.Add(await BatchAsync(federation, calls, PublishBatchAsync, ct));
            }
            var (items, accepted, delivered, deliveries) = batches[^1];
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  round {round + 1}/{options.Rounds}: {items} advisories accepted in {accepted.TotalMilliseconds:F0} ms, all at {Receiver} after {delivered.TotalMilliseconds:F0} ms ({items / delivered.TotalSeconds:F1}/s, {deliveries} deliveries); 100-row transactions {transactions[^1].Operations * RowsPerTransaction / transactions[^1].Elapsed.TotalSeconds:F0} rows/s"));
        }

        // Exactly once: every advisory published is at the receiver, once.
        var atReceiver = await federation.ClientAs(Receiver, Roles.Authority, 256 * 1024 * 1024)
            .ListAdvisoriesAsync(new ListAdvisoriesRequest { Origin = Sender }, deadline: DateTime.UtcNow.Add(Patience), cancellationToken: ct);
        var received = atReceiver.Advisories.Select(a => a.Id).ToList();
        var sent = published.ToHashSet(StringComparer.Ordinal);
        var duplicates = received.Count - received.Distinct(StringComparer.Ordinal).Count();
        var missing = sent.Count(id => !received.Contains(id, StringComparer.Ordinal));
        var strangers = received.Count(id => !sent.Contains(id));
        Console.Error.WriteLine($"  exactly once: {sent.Count} published, {received.Count} at {Receiver}; {missing} missing, {duplicates} twice, {strangers} unknown");

        var (writesPerAdvisory, auditPerAdvisory, senderStateBytes) = await StoreWritesAsync(federation, sent.Count, ct);
        var batchItems = batches.Sum(b => b.Items);
        var batchSeconds = batches.Sum(b => b.Delivered.TotalSeconds);
        var acceptSeconds = batches.Sum(b => b.Accepted.TotalSeconds);
        var txRows = transactions.Sum(t => t.Operations) * RowsPerTransaction;
        var txSeconds = transactions.Sum(t => t.Elapsed.TotalSeconds);
        var txErrors = transactions.Sum(t => t.Errors);
        var unbatchedValid = unbatched.Errors + singleRow.Errors == 0;
        var unbatchedNote = unbatchedValid ? null : $"INVALID, errors: node {unbatched.Errors}, baseline {singleRow.Errors}; {unbatched.FirstError ?? singleRow.FirstError}";
        var batchedNote = txErrors == 0 ? null : $"INVALID, baseline errors {txErrors}; {transactions.Select(t => t.FirstError).FirstOrDefault(e => e is not null)}";
        var batchRate = batchItems / batchSeconds;
        var txRate = txRows / txSeconds;
        var auditOneRate = auditOne.Sum(m => m.Operations) / auditOne.Sum(m => m.Elapsed.TotalSeconds);
        var auditManyRate = auditMany.Sum(m => m.Operations) * BatchItems / auditMany.Sum(m => m.Elapsed.TotalSeconds);
        var auditErrors = auditOne.Concat(auditMany).Sum(m => m.Errors);
        string AuditNote(double sealShare) => auditErrors == 0
            ? string.Create(CultureInfo.InvariantCulture, $"the floor of any delivery that audits each step; sealing {sealShare:P0} of the store time, appending the rest")
            : $"INVALID, errors {auditErrors}; {auditOne.Concat(auditMany).Select(m => m.FirstError).FirstOrDefault(e => e is not null)}";
        return
        [
            new ResultRow("5", "unbatched: advisories delivered/s, one at a time (baseline: single-row autocommit INSERT/s)", unbatched.PerSecond, singleRow.PerSecond, "/s", "≥ 0.6×",
                unbatchedValid ? unbatched.PerSecond / singleRow.PerSecond >= 0.6 : null, unbatchedNote),
            new ResultRow("5", "unbatched: publish until the receipt is back, p50 (baseline: INSERT p50)", unbatched.P50Ms, singleRow.P50Ms, "ms", "—", null,
                string.Create(CultureInfo.InvariantCulture, $"p99 {unbatched.P99Ms:F1} ms vs {singleRow.P99Ms:F1} ms")),
            new ResultRow("5", $"batched: {BatchItems} advisories published at once, delivered/s (baseline: rows/s in {RowsPerTransaction}-row transactions)", batchRate, txRate, "/s", "≥ 0.5×",
                txErrors == 0 ? batchRate / txRate >= 0.5 : null, batchedNote),
            new ResultRow("5", "diagnostic: batched, advisories the sender accepted/s (baseline: rows/s in 100-row transactions)", batchItems / acceptSeconds, txRate, "/s", "—", null,
                string.Create(CultureInfo.InvariantCulture, $"{batches.Sum(b => b.Calls)} deliveries for {batchItems} advisories, {(double)batchItems / Math.Max(1, batches.Sum(b => b.Calls)):F1} per delivery")),
            new ResultRow("5", "diagnostic: unbatched, the audit trail alone: an advisory's four entries (published, queued, delivered; received) appended in a commit each and sealed, through the node's audit log (baseline: single-row autocommit INSERT/s)",
                auditOneRate, singleRow.PerSecond, "/s", "—", null, AuditNote(oneSealShare)),
            new ResultRow("5", $"diagnostic: batched, the audit trail alone: {BatchItems} advisories' entries appended per step and per delivery of {perDelivery}, and sealed (baseline: rows/s in {RowsPerTransaction}-row transactions)",
                auditManyRate, txRate, "/s", "—", null, AuditNote(auditAlone.SealShare)),
            new ResultRow("5", "diagnostic: durable writes per advisory, both nodes: grain-state writes (baseline: the one INSERT)", writesPerAdvisory, 1, "writes", "—", null,
                string.Create(CultureInfo.InvariantCulture, $"plus {auditPerAdvisory:F1} audit entries per advisory, each appended in a commit of its own unless delivered in one batch")),
            new ResultRow("5", "diagnostic: the sender's exchange state at the end, rewritten whole by each publish, KiB (baseline: one INSERT's row)", senderStateBytes / 1024.0, (payload.Length + 64) / 1024.0, "KiB", "—", null),
            new ResultRow("5", $"exactly once: advisories at {Receiver} (baseline: published)", received.Count, sent.Count, "items", "all, once",
                missing == 0 && duplicates == 0 && strangers == 0, missing + duplicates + strangers == 0 ? null : $"{missing} missing, {duplicates} twice, {strangers} unknown"),
        ];
    }

    // Orleans counts every write of a grain's state in its row's version, and the audit log holds an entry per change:
    // together, how many durable writes each advisory cost both nodes, and how large the sender's rewritten state grew.
    private static async Task<(double Writes, double Audit, long SenderStateBytes)> StoreWritesAsync(BenchFederation federation, int advisories, CancellationToken ct)
    {
        long writes = 0, audit = 0, senderState = 0;
        foreach (var code in new[] { Sender, Receiver })
        {
            var path = Path.Combine(federation.Settings(code).Values["Node:DataDirectory"]!, "registry.db");
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            await connection.OpenAsync(ct);
            await using var states = connection.CreateCommand();
            states.CommandText = "SELECT grain_type, grain_id_extension, version, length(payload) FROM orleans_storage WHERE grain_type LIKE '%exchange%' OR grain_type LIKE '%outbox%'";
            await using (var reader = await states.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    var (type, key, version, bytes) = (reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.IsDBNull(3) ? 0 : reader.GetInt64(3));
                    Console.Error.WriteLine($"  {code}: {type} {key}: {version} writes, {bytes} bytes now");
                    writes += version;
                    if (code == Sender && type.Contains("exchange", StringComparison.OrdinalIgnoreCase) && bytes > senderState)
                    {
                        senderState = bytes;
                    }
                }
            }
            await using var entries = connection.CreateCommand();
            entries.CommandText = "SELECT count(*) FROM audit_entries WHERE subject LIKE 'advisory:%'";
            audit += (long)(await entries.ExecuteScalarAsync(ct))!;
        }
        return ((double)writes / advisories, (double)audit / advisories, senderState);
    }

    // From the first publish to the moment the receipt covering the last of them is back at the sender.
    private static async Task<(int Items, TimeSpan Accepted, TimeSpan Delivered, int Calls)> BatchAsync(
        BenchFederation federation, FederationCalls calls, Func<CancellationToken, Task> publishBatch, CancellationToken ct)
    {
        var status = federation[Sender].Grpc;
        var before = await DrainedAsync(status, 0, ct);
        var started = Stopwatch.GetTimestamp();
        await publishBatch(ct);
        var accepted = Stopwatch.GetElapsedTime(started);
        // Polled outside the timed interval, which ends at the last receipt.
        await DrainedAsync(status, before + BatchItems, ct);
        var receipts = calls.Since(started, c => c.Peer == Receiver && c.Method == Deliver && c.Outcome == "ok");
        return (BatchItems, accepted, Stopwatch.GetElapsedTime(started, receipts.Max(r => r.Timestamp)), receipts.Count);
    }

    // The sender counts an item delivered once the receiver's receipt for it is verified and the item has left the
    // outbox: waits until at least `delivered` are, and none waits; gives the count.
    private static async Task<long> DrainedAsync(Registry.RegistryClient sender, long delivered, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(Patience.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var peers = await sender.ListPeersAsync(new ListPeersRequest(), deadline: DateTime.UtcNow.Add(Patience), cancellationToken: ct);
            var receiver = peers.Peers.Single(p => p.Code == Receiver);
            if (receiver.OutboxDepth == 0 && receiver.Delivered >= delivered)
            {
                return receiver.Delivered;
            }
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{Sender}'s outbox to {Receiver} still holds {receiver.OutboxDepth} item(s), {receiver.Delivered} delivered, after {Patience.TotalSeconds:F0} s.");
            }
            await Task.Delay(5, ct);
        }
    }

    private static Task<Measured> TransactionsAsync(string connectionString, string payload, TimeSpan duration, Func<long> reserve, CancellationToken ct) =>
        Load.RunAsync($"{RowsPerTransaction}-row transaction", 1, duration, async (_, token) =>
        {
            await using var connection = await StorageConnection.OpenAsync(StorageProvider.Embedded, connectionString, token);
            await using var transaction = await connection.BeginTransactionAsync(token);
            await using var insert = Insert(connection, transaction);
            var last = reserve();
            for (var id = last - RowsPerTransaction + 1; id <= last; id++)
            {
                Row(insert, id, payload);
                await insert.ExecuteNonQueryAsync(token);
            }
            await transaction.CommitAsync(token);
        }, ct);

    private static DbCommand Insert(DbConnection connection, DbTransaction? transaction)
    {
        var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO bench_raw_advisory (id, origin, payload, received_at) VALUES ($id, $origin, $payload, $received_at)";
        insert.Parameters.Add(new SqliteParameter("$id", ""));
        insert.Parameters.Add(new SqliteParameter("$origin", Sender));
        insert.Parameters.Add(new SqliteParameter("$payload", ""));
        insert.Parameters.Add(new SqliteParameter("$received_at", ""));
        return insert;
    }

    private static void Row(DbCommand insert, long id, string payload)
    {
        insert.Parameters["$id"].Value = $"{Sender}-ADV-BENCH{id:D12}";
        insert.Parameters["$payload"].Value = payload;
        insert.Parameters["$received_at"].Value = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
    }

    private static PublishAdvisoryRequest Request(int n) => new()
    {
        Title = $"Triage models under-prioritise older patients ({n})",
        Summary = "Three incidents in six months share one cause: training data with few patients over 75.",
        LessonsLearned = "Evaluate triage models per age band before deployment.",
        Mitigations = { "Require per-age-band sensitivity in conformity evidence", "Monitor urgency levels by age band after deployment" },
        Categories = { Category.Health },
    };
}
