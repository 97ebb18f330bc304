using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Storage;
using FederatedRegistry.Testing;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FederatedRegistry.Bench;

/// <summary>
/// Figure 1: durable registration updates through the node's public gRPC API against the straightforward versioned
/// <c>UPDATE ... WHERE id = @id AND version = @v</c> by key with the raw driver, on the same database, at the same
/// concurrency, alternated in rounds. Once on PostgreSQL, once on the embedded SQLite store.
/// </summary>
public static class Figure1Writes
{
    public static async Task<IReadOnlyList<ResultRow>> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var rows = new List<ResultRow>();
        rows.AddRange(await PostgresAsync(options, ct));
        rows.AddRange(await EmbeddedAsync(options, ct));
        return rows;
    }

    private static async Task<IReadOnlyList<ResultRow>> PostgresAsync(BenchOptions options, CancellationToken ct)
    {
        Console.Error.WriteLine("figure 1 (PostgreSQL): starting a throwaway cluster and the node");
        TraceBreakdown.Section("1 PostgreSQL");
        var database = await PostgresServer.CreateDatabaseAsync("bench_writes");
        // Room for every writer on both sides; the same limit for the node and the baseline.
        var connectionString = new NpgsqlConnectionStringBuilder(database) { MaxPoolSize = 2 * options.Concurrency }.ToString();
        try
        {
            await using var node = await InProcessBenchNode.StartAsync(BenchNodeSettings.Create(connectionString), ct);
            var keys = await BenchSystems.RegisterAsync(node, options.Concurrency * BenchSystems.KeysPerWriter, ct);
            var payload = JsonFormatter.Default.Format(await node.Grpc.GetSystemAsync(new GetSystemRequest { Id = keys[0].Id }, cancellationToken: ct));

            await using var raw = NpgsqlDataSource.Create(connectionString);
            await using (var create = raw.CreateCommand(
                "CREATE TABLE bench_raw_registration (id text PRIMARY KEY, version integer NOT NULL, payload jsonb NOT NULL, updated_at timestamptz NOT NULL)"))
            {
                await create.ExecuteNonQueryAsync(ct);
            }
            var rawVersions = new int[keys.Length];
            for (var i = 0; i < keys.Length; i++)
            {
                await using var insert = raw.CreateCommand("INSERT INTO bench_raw_registration VALUES ($1, 1, $2::jsonb, now())");
                insert.Parameters.AddWithValue(keys[i].Id);
                insert.Parameters.AddWithValue(payload);
                await insert.ExecuteNonQueryAsync(ct);
                rawVersions[i] = 1;
            }

            var readsBefore = await ReadsAsync(node, keys, options, ct);
            var (api, baseline) = await Load.AlternateAsync(options,
                "node gRPC UpdateSystem", NodeUpdate(node, keys),
                "raw Npgsql UPDATE", async (worker, token) =>
                {
                    var k = BenchSystems.NextKey(worker, keys.Length);
                    var version = rawVersions[k];
                    await using var update = raw.CreateCommand(
                        "UPDATE bench_raw_registration SET payload = $1::jsonb, version = $3 + 1, updated_at = now() WHERE id = $2 AND version = $3");
                    update.Parameters.AddWithValue(payload);
                    update.Parameters.AddWithValue(keys[k].Id);
                    update.Parameters.AddWithValue(version);
                    if (await update.ExecuteNonQueryAsync(token) != 1)
                    {
                        throw new InvalidOperationException($"{keys[k].Id} was not at version {version}");
                    }
                    rawVersions[k] = version + 1;
                }, ct);
            var readsAfter = await ReadsAsync(node, keys, options, ct);

            // Not a target: first registrations, which also move the counts every registration shares, against a
            // plain INSERT of the same JSON. This is the call fedreg import makes once per row.
            var register = await BenchSystems.NewRegistrationsAsync(node, ct);
            Load.Operation insertRaw = async (_, token) =>
            {
                await using var insert = raw.CreateCommand("INSERT INTO bench_raw_registration VALUES ($1, 1, $2::jsonb, now())");
                insert.Parameters.AddWithValue("KE-SYS-" + Guid.NewGuid().ToString("N"));
                insert.Parameters.AddWithValue(payload);
                await insert.ExecuteNonQueryAsync(token);
            };
            var (registrations, inserts) = await Load.AlternateAsync(options,
                "node gRPC RegisterSystem (new)", async (_, token) => await register(token), "raw Npgsql INSERT", insertRaw, ct);

            // The read model's part of a first registration alone (row, audit entry, counts, one transaction), on the
            // node's database: what the node adds on top of it is the rest of the path.
            var index = RegistryIndex.Create(StorageProvider.Postgres, connectionString);
            var payloadHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(payload)));
            var (indexed, indexInserts) = await Load.AlternateAsync(options,
                "read model upsert (new)", async (_, token) => await NewReadModelRowAsync(index, payload, payloadHash, token), "raw Npgsql INSERT", insertRaw, ct);
            return
            [
                .. Rows("1 PostgreSQL", api, baseline),
                .. Diagnostics("1 PostgreSQL", readsBefore, readsAfter, api),
                Bound(readsAfter, baseline),
                new ResultRow("1 PostgreSQL", "diagnostic: new registrations, RegisterSystem (baseline: raw Npgsql INSERT of the same JSON)",
                    registrations.PerSecond, inserts.PerSecond, "/s", "—", null,
                    string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"p50 {registrations.P50Ms:F1} vs {inserts.P50Ms:F1} ms, p99 {registrations.P99Ms:F1} vs {inserts.P99Ms:F1} ms; errors {registrations.Errors + inserts.Errors}")),
                new ResultRow("1 PostgreSQL", "diagnostic: new registrations, the read model alone (IRegistryIndex.UpsertSystemAsync with its audit entry; baseline: raw Npgsql INSERT)",
                    indexed.PerSecond, indexInserts.PerSecond, "/s", "—", null,
                    string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"p50 {indexed.P50Ms:F1} vs {indexInserts.P50Ms:F1} ms, p99 {indexed.P99Ms:F1} vs {indexInserts.P99Ms:F1} ms; errors {indexed.Errors + indexInserts.Errors}")),
            ];
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(connectionString);
        }
    }

    private static async Task<IReadOnlyList<ResultRow>> EmbeddedAsync(BenchOptions options, CancellationToken ct)
    {
        Console.Error.WriteLine("figure 1 (embedded SQLite): starting the node");
        TraceBreakdown.Section("1 SQLite");
        await using var node = await InProcessBenchNode.StartAsync(BenchNodeSettings.Create(null), ct);
        var keys = await BenchSystems.RegisterAsync(node, options.Concurrency * BenchSystems.KeysPerWriter, ct);
        var payload = JsonFormatter.Default.Format(await node.Grpc.GetSystemAsync(new GetSystemRequest { Id = keys[0].Id }, cancellationToken: ct));

        // The node's own connection settings (WAL, synchronous=FULL, busy timeout), on a file of its own beside it.
        var connectionString = StorageConnection.ForSqliteFile(TempSqlite.NewDatabasePath("bench-raw"));
        await using (var setup = await StorageConnection.OpenAsync(StorageProvider.Embedded, connectionString, ct))
        {
            await using var create = setup.CreateCommand();
            create.CommandText = "CREATE TABLE bench_raw_registration (id TEXT PRIMARY KEY, version INTEGER NOT NULL, payload TEXT NOT NULL, updated_at TEXT NOT NULL)";
            await create.ExecuteNonQueryAsync(ct);
            foreach (var key in keys)
            {
                await using var insert = setup.CreateCommand();
                insert.CommandText = "INSERT INTO bench_raw_registration VALUES ($id, 1, $payload, datetime('now'))";
                insert.Parameters.Add(new SqliteParameter("$id", key.Id));
                insert.Parameters.Add(new SqliteParameter("$payload", payload));
                await insert.ExecuteNonQueryAsync(ct);
            }
        }
        var rawVersions = new int[keys.Length];
        Array.Fill(rawVersions, 1);

        var readsBefore = await ReadsAsync(node, keys, options, ct);
        var (api, baseline) = await Load.AlternateAsync(options,
            "node gRPC UpdateSystem", NodeUpdate(node, keys),
            "raw Microsoft.Data.Sqlite UPDATE", async (worker, token) =>
            {
                var k = BenchSystems.NextKey(worker, keys.Length);
                var version = rawVersions[k];
                await using var connection = new SqliteConnection(connectionString);
                await connection.OpenAsync(token);
                // synchronous is per connection: FULL, as the node's own write statements set it, so both commits fsync.
                // A statement of its own: in one command with the UPDATE, SQLite's change count would include the
                // previous statement's on this pooled connection and the version check below would misfire.
                await using (var pragma = connection.CreateCommand())
                {
                    pragma.CommandText = "PRAGMA synchronous = FULL";
                    await pragma.ExecuteNonQueryAsync(token);
                }
                await using var update = connection.CreateCommand();
                update.CommandText = "UPDATE bench_raw_registration SET payload = $payload, version = $v + 1, updated_at = datetime('now') WHERE id = $id AND version = $v";
                update.Parameters.Add(new SqliteParameter("$payload", payload));
                update.Parameters.Add(new SqliteParameter("$id", keys[k].Id));
                update.Parameters.Add(new SqliteParameter("$v", version));
                if (await update.ExecuteNonQueryAsync(token) != 1)
                {
                    throw new InvalidOperationException($"{keys[k].Id} was not at version {version}");
                }
                rawVersions[k] = version + 1;
            }, ct);
        return [.. Rows("1 SQLite", api, baseline), .. Diagnostics("1 SQLite", readsBefore, await ReadsAsync(node, keys, options, ct), api)];
    }

    private static readonly string[] Categories = ["health", "finance", "education", "employment"];

    private static readonly string[] Tiers = ["high", "limited", "minimal"];

    // Spread over a few categories and tiers, as registrations are, so that concurrent upserts share some count rows.
    private static Task<IndexChange?> NewReadModelRowAsync(IRegistryIndex index, string payload, string payloadHash, CancellationToken ct)
    {
        var id = "KE-SYS-" + Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow;
        var row = new SystemRow(id, $"{id}.example/bench", "KE-PRV-bench", "TriageAssist", "2.1.0", "Suggests an urgency level.",
            Categories[Random.Shared.Next(Categories.Length)], "draft", Tiers[Random.Shared.Next(Tiers.Length)], null, ["KE", "TZ"],
            "pilot", 1, now, now);
        return index.UpsertSystemAsync(row, _ => [new AuditRecord($"system:{id}:v1", now, "bench", "system.registered", id, payload, payloadHash)], ct);
    }

    private static Load.Operation NodeUpdate(InProcessBenchNode node, BenchSystems.Key[] keys)
    {
        var details = BenchSystems.Details();
        return async (worker, ct) =>
        {
            var key = keys[BenchSystems.NextKey(worker, keys.Length)];
            var updated = await node.Grpc.UpdateSystemAsync(
                new UpdateSystemRequest { Id = key.Id, ExpectedVersion = key.Version, Details = details },
                deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct);
            key.Version = updated.Version;
        };
    }

    // Not a target: the same gRPC path, authentication and grain, without the store. It tells a slow write path
    // (store, read model, audit) apart from a slow API or grain layer; measured before the writes and after them, so
    // that what the writes leave behind (grown state, a busy database) shows as a difference.
    private static Task<Measured> ReadsAsync(InProcessBenchNode node, BenchSystems.Key[] keys, BenchOptions options, CancellationToken ct) =>
        Load.RunAsync("node gRPC GetSystem", options.Concurrency, options.Duration, async (worker, token) =>
            await node.Grpc.GetSystemAsync(new GetSystemRequest { Id = keys[BenchSystems.NextKey(worker, keys.Length)].Id },
                deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: token), ct);

    // Arithmetic on two measured rates, not a measurement. On PostgreSQL (fsync off) both the request path and the
    // statement are CPU on the same two cores, so a write through the API that cost only the request path (as GetSystem)
    // and one statement (as the raw UPDATE) would run at about 1 / (1/reads + 1/raw) while both keep the cores busy.
    // Not for SQLite, whose raw commit waits for the disk, which the request path could overlap.
    private static ResultRow Bound(Measured reads, Measured raw) =>
        new("1 PostgreSQL", "diagnostic: the best to expect of a write through the API that costs one raw statement: the request path (GetSystem after the writes) and the raw UPDATE in series (baseline: raw UPDATE)",
            1 / (1 / reads.PerSecond + 1 / raw.PerSecond), raw.PerSecond, "/s", "—", null, "estimate from the two rates, not measured");

    private static ResultRow[] Diagnostics(string figure, Measured before, Measured after, Measured writes) =>
    [
        new ResultRow(figure, "diagnostic: node GetSystem before the writes (baseline: node UpdateSystem)", before.PerSecond, writes.PerSecond, "/s", "—", null,
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"read p50 {before.P50Ms:F1} ms, p99 {before.P99Ms:F1} ms")),
        new ResultRow(figure, "diagnostic: node GetSystem after the writes (baseline: node UpdateSystem)", after.PerSecond, writes.PerSecond, "/s", "—", null,
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"read p50 {after.P50Ms:F1} ms, p99 {after.P99Ms:F1} ms")),
    ];

    private static ResultRow[] Rows(string figure, Measured node, Measured baseline)
    {
        // A side that failed operations measured something else than the figure: no verdict, and say why.
        var valid = node.Errors + baseline.Errors == 0;
        var note = valid ? null : $"INVALID, errors: node {node.Errors}, baseline {baseline.Errors}; {node.FirstError ?? baseline.FirstError}";
        var throughput = node.PerSecond / baseline.PerSecond;
        var p99 = node.P99Ms / baseline.P99Ms;
        return
        [
            new ResultRow(figure, "write throughput", node.PerSecond, baseline.PerSecond, "/s", "≥ 0.7×", valid ? throughput >= 0.7 : null, note),
            new ResultRow(figure, "write p50", node.P50Ms, baseline.P50Ms, "ms", "—", null),
            new ResultRow(figure, "write p99", node.P99Ms, baseline.P99Ms, "ms", "≤ 1.5×", valid ? p99 <= 1.5 : null, note),
        ];
    }
}
