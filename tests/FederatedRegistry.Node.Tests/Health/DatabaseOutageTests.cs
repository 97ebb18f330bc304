using System.Net;
using FederatedRegistry.Node.Tests.Support;
using FederatedRegistry.Testing;
using Grpc.Health.V1;
using Npgsql;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace FederatedRegistry.Node.Tests.Health;

/// <summary>
/// A node on PostgreSQL whose database server becomes unreachable (a relay between them is cut: connections reset,
/// new ones refused): it stops being ready, says why, and is not reported dead; once the server is back it is ready
/// again. Its own node, since the outage would break any node it shared.
/// </summary>
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private TcpRelay? _relay;
    private InProcessNode? _node;
    private string? _database;

    private NodeClient Anonymous => _node!.Client.As("");

    public async Task InitializeAsync()
    {
        _database = await PostgresServer.CreateDatabaseAsync("node_health");
        var direct = new NpgsqlConnectionStringBuilder(_database);
        _relay = TcpRelay.Start(direct.Host!, direct.Port);
        var relayed = new NpgsqlConnectionStringBuilder(_database)
        {
            Host = "127.0.0.1",
            Port = _relay.Port,
            // A refused connection fails at once; these only bound a connection attempt the relay leaves hanging.
            Timeout = 3,
            CommandTimeout = 3,
        };
        _node = await InProcessNode.StartAsync(NodeSettings.Postgres(relayed.ToString()));
    }

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
        if (_relay is not null)
        {
            await _relay.DisposeAsync();
        }
        if (_database is not null)
        {
            await PostgresServer.DropDatabaseAsync(_database);
        }
    }

    [Fact]
    public async Task DatabaseUnreachable_ReadinessIs503NamingTheDatabase_LivenessStays200_GrpcNotServing_UntilItIsBack()
    {
        using var client = Anonymous;
        var health = new Grpc.Health.V1.Health.HealthClient(client.Channel);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest(), deadline: NodeClient.Deadline)).Status);

        await _relay!.CutAsync();

        var ready = await Eventually.Find(async () =>
        {
            var response = await client.GetAsync("/health/ready");
            return response.StatusCode == HttpStatusCode.ServiceUnavailable ? response : null;
        }, "/health/ready answering 503 once the database is unreachable");
        Assert.Equal("unhealthy", (string?)ready.Object["status"]);
        var database = ready.Object["checks"]!["database"]!;
        Assert.Equal("unhealthy", (string?)database["status"]);
        Assert.Contains("postgres database cannot be reached", (string?)database["description"], StringComparison.Ordinal);
        Assert.Equal("unhealthy", (string?)ready.Object["checks"]!["schema"]!["status"]);

        var live = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("healthy", (string?)live.Object["status"]);

        Assert.Equal(ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest(), deadline: NodeClient.Deadline)).Status);
        Assert.Equal(ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest { Service = "fedreg.v1.Registry" }, deadline: NodeClient.Deadline)).Status);

        _relay.Resume();

        await Eventually.True(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, "/health/ready answering 200 once the database is back");
        Assert.Equal(ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest(), deadline: NodeClient.Deadline)).Status);
    }
}
