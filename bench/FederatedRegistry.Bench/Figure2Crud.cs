using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Testing;
using Google.Protobuf;
using Npgsql;

namespace FederatedRegistry.Bench;

/// <summary>
/// Figure 2: reads and writes of one registration through the node's HTTP API (JSON transcoding, as a browser or a
/// script calls it) against the same through a plain ASP.NET Core + EF Core CRUD service (<see cref="CrudBaseline"/>)
/// on the same PostgreSQL server, same client, same token issuer, same concurrency, alternated in rounds.
/// </summary>
public static class Figure2Crud
{
    public static async Task<IReadOnlyList<ResultRow>> RunAsync(BenchOptions options, CancellationToken ct)
    {
        Console.Error.WriteLine("figure 2 (PostgreSQL): starting a throwaway cluster, the node and the EF Core CRUD service");
        TraceBreakdown.Section("2");
        var database = await PostgresServer.CreateDatabaseAsync("bench_crud");
        var connectionString = new NpgsqlConnectionStringBuilder(database) { MaxPoolSize = 2 * options.Concurrency }.ToString();
        try
        {
            await using var node = await InProcessBenchNode.StartAsync(BenchNodeSettings.Create(connectionString), ct);
            var keys = await BenchSystems.RegisterAsync(node, options.Concurrency * BenchSystems.KeysPerWriter, ct);
            await using var crud = await CrudBaseline.StartAsync(connectionString, ct);
            var crudKeys = keys.Select(k => new BenchSystems.Key(k.Id, 1)).ToArray();
            await crud.SeedAsync(crudKeys.Select(k => k.Id), CrudUpdate(0), ct);

            // One client for both sides: HTTP/1.1 keep-alive connections, as many as the writers need.
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency * 2 }) { Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", BenchNodeSettings.AuthorityToken());
            var nodeHttp = node.HttpAddress;

            var (nodeReads, crudReads) = await Load.AlternateAsync(options,
                "node HTTP GET /v1/systems/{id}", (worker, token) =>
                    ReadAsync(http, new Uri(nodeHttp, "/v1/systems/" + Uri.EscapeDataString(keys[BenchSystems.NextKey(worker, keys.Length)].Id)), token),
                "EF Core GET /registrations/{id}", (worker, token) =>
                    ReadAsync(http, new Uri(crud.Address, "/registrations/" + Uri.EscapeDataString(crudKeys[BenchSystems.NextKey(worker, crudKeys.Length)].Id)), token),
                ct);

            var details = BenchSystems.Details();
            var (nodeWrites, crudWrites) = await Load.AlternateAsync(options,
                "node HTTP PUT /v1/systems/{id}", async (worker, token) =>
                {
                    var key = keys[BenchSystems.NextKey(worker, keys.Length)];
                    using var content = new StringContent(
                        JsonFormatter.Default.Format(new UpdateSystemRequest { ExpectedVersion = key.Version, Details = details }), Encoding.UTF8, "application/json");
                    using var response = await http.PutAsync(new Uri(nodeHttp, "/v1/systems/" + Uri.EscapeDataString(key.Id)), content, token);
                    await EnsureOkAsync(response, token);
                    key.Version++;
                },
                "EF Core PUT /registrations/{id}", async (worker, token) =>
                {
                    var key = crudKeys[BenchSystems.NextKey(worker, crudKeys.Length)];
                    using var response = await http.PutAsJsonAsync(new Uri(crud.Address, "/registrations/" + Uri.EscapeDataString(key.Id)), CrudUpdate(key.Version), token);
                    await EnsureOkAsync(response, token);
                    key.Version++;
                }, ct);

            return
            [
                .. Rows("2 reads", nodeReads, crudReads, "≥ 3×", 3),
                .. Rows("2 writes", nodeWrites, crudWrites, "≥ 0.6×", 0.6),
            ];
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(connectionString);
        }
    }

    private static async Task ReadAsync(HttpClient http, Uri uri, CancellationToken ct)
    {
        using var response = await http.GetAsync(uri, ct);
        await EnsureOkAsync(response, ct);
    }

    // The body is read on both sides, as a client that uses the answer does.
    private static async Task EnsureOkAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode} from {response.RequestMessage?.RequestUri}: {body[..Math.Min(body.Length, 200)]}");
        }
    }

    private static RegistrationUpdate CrudUpdate(int expectedVersion)
    {
        var details = BenchSystems.Details();
        return new RegistrationUpdate(expectedVersion, details.Name, details.Version, details.IntendedPurpose, details.Category.ToString(),
            details.ProposedRiskTier.ToString(), details.Assessment.ConformityEvidence, details.Assessment.BiasEvaluation,
            details.Assessment.HumanOversight, details.Assessment.Explainability, details.Assessment.DataGovernance, [.. details.Markets],
            details.DeploymentStatus.ToString(), details.ContactEmail);
    }

    private static ResultRow[] Rows(string figure, Measured node, Measured baseline, string target, double least)
    {
        var valid = node.Errors + baseline.Errors == 0;
        var note = valid ? null : $"INVALID, errors: node {node.Errors}, baseline {baseline.Errors}; {node.FirstError ?? baseline.FirstError}";
        return
        [
            new ResultRow(figure, "throughput", node.PerSecond, baseline.PerSecond, "/s", target, valid ? node.PerSecond / baseline.PerSecond >= least : null, note),
            new ResultRow(figure, "p50", node.P50Ms, baseline.P50Ms, "ms", "—", null),
            new ResultRow(figure, "p99", node.P99Ms, baseline.P99Ms, "ms", "—", null),
        ];
    }
}
