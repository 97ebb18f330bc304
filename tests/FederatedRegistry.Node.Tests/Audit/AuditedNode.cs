using System.Data.Common;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Node.Audit;
using FederatedRegistry.Node.Tests.Support;
using FederatedRegistry.Storage;
using FederatedRegistry.Testing;

namespace FederatedRegistry.Node.Tests.Audit;

/// <summary>
/// A node whose log holds real changes made through its API (provider, registration, decisions, incident, transition,
/// policy), all sealed and covered by a signed checkpoint; and its database, opened directly as a tamperer would.
/// </summary>
public abstract class AuditedNode : IAsyncLifetime
{
    private InProcessNode? _node;

    public NodeClient Client => _node!.Client;

    public NodeSettings Settings => _node!.Settings;

    public StorageProvider Provider { get; private set; }

    public string ConnectionString { get; private set; } = "";

    /// <summary>The node's public key as <c>GET /v1/node</c> shows it.</summary>
    public string PublicKey { get; private set; } = "";

    public string SystemId { get; private set; } = "";

    public string IncidentId { get; private set; } = "";

    public string ProviderId { get; private set; } = "";

    protected abstract Task<(NodeSettings Settings, StorageProvider Provider, string ConnectionString)> ConfigureAsync();

    public async Task InitializeAsync()
    {
        var (settings, provider, connectionString) = await ConfigureAsync();
        (Provider, ConnectionString) = (provider, connectionString);
        settings.With("Audit:CheckpointInterval", "00:00:00").With("Audit:SealInterval", "00:00:00.050");
        _node = await InProcessNode.StartAsync(settings);
        PublicKey = (await Client.Grpc.GetNodeInfoAsync(new GetNodeInfoRequest(), deadline: NodeClient.Deadline)).PublicKey;

        var grpc = Client.Grpc;
        var created = await grpc.CreateProviderAsync(Messages.Provider(), deadline: NodeClient.Deadline);
        ProviderId = created.Id;
        var system = await grpc.RegisterSystemAsync(Messages.Registration(created.Id, submit: true), deadline: NodeClient.Deadline);
        SystemId = system.Id;
        system = await grpc.DecideSystemAsync(
            new DecideSystemRequest { Id = system.Id, Decision = Decision.StartReview, ExpectedVersion = system.Version }, deadline: NodeClient.Deadline);
        await grpc.DecideSystemAsync(
            new DecideSystemRequest { Id = system.Id, Decision = Decision.Register, DecidedRiskTier = RiskTier.High, ExpectedVersion = system.Version },
            deadline: NodeClient.Deadline);
        var incident = await grpc.ReportIncidentAsync(Messages.Incident(system.ProductId, system.Id), deadline: NodeClient.Deadline);
        IncidentId = incident.Id;
        await grpc.TransitionIncidentAsync(
            new TransitionIncidentRequest { Id = incident.Id, To = IncidentStatus.Triaged, ExpectedVersion = incident.Version }, deadline: NodeClient.Deadline);
        await grpc.ReplacePolicyAsync(new ReplacePolicyRequest { Document = Policy(settings.Code), ExpectedVersion = 0 }, deadline: NodeClient.Deadline);

        await WaitUntilCheckpointedAsync(Client, minimumSize: 7);
    }

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
        if (Provider == StorageProvider.Postgres)
        {
            await PostgresServer.DropDatabaseAsync(ConnectionString);
        }
    }

    /// <summary>Runs <c>fedreg-node audit verify</c> against the node, in process; returns the exit code and what it printed.</summary>
    public async Task<(int ExitCode, string Output)> VerifyAsync(params string[] extra)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await AuditCommand.RunAsync(["verify", "--node", Settings.HttpAddress.ToString(), "--public-key", PublicKey, .. extra], output, error);
        return (exit, output.ToString() + error);
    }

    /// <summary>Waits until every entry is sealed and the latest checkpoint covers them all (the sealer runs every 50 ms here).</summary>
    public static async Task<long> WaitUntilCheckpointedAsync(NodeClient client, long minimumSize)
    {
        var size = 0L;
        await Eventually.True(async () =>
        {
            var entries = await client.Grpc.ListAuditEntriesAsync(new ListAuditEntriesRequest { From = 1, Limit = 1 }, deadline: NodeClient.Deadline);
            var latest = await client.GetAsync("/v1/audit/checkpoints/latest");
            size = entries.Size;
            return size >= minimumSize && latest.StatusCode == System.Net.HttpStatusCode.OK
                && Google.Protobuf.JsonParser.Default.Parse<AuditCheckpoint>(latest.Body).Size == size;
        }, $"the audit log sealed to at least {minimumSize} entries and checkpointed");
        return size;
    }

    public async Task<int> ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await StorageConnection.OpenAsync(Provider, ConnectionString);
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync();
    }

    public async Task<object?> ScalarAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await StorageConnection.OpenAsync(Provider, ConnectionString);
        await using var command = Command(connection, sql, parameters);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    public async Task<long> SequenceOfAsync(string action, string subject) =>
        Convert.ToInt64(await ScalarAsync("SELECT sequence FROM audit_entries WHERE action = @action AND subject = @subject",
            ("action", action), ("subject", subject)), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Runs <paramref name="tamper"/>, then <paramref name="check"/>, then puts the rows back as they were (so the log is intact again).</summary>
    public async Task TamperAsync(string condition, Func<Task> tamper, Func<Task> check)
    {
        var keep = $"audit_kept_{Guid.NewGuid():N}";
        await ExecuteAsync($"CREATE TABLE {keep} AS SELECT * FROM audit_entries WHERE {condition}");
        try
        {
            await tamper();
            await check();
        }
        finally
        {
            await ExecuteAsync($"DELETE FROM audit_entries WHERE id IN (SELECT id FROM {keep})");
            await ExecuteAsync(Provider == StorageProvider.Postgres
                ? $"INSERT INTO audit_entries OVERRIDING SYSTEM VALUE SELECT * FROM {keep}"
                : $"INSERT INTO audit_entries SELECT * FROM {keep}");
            await ExecuteAsync($"DROP TABLE {keep}");
        }
    }

    private static DbCommand Command(DbConnection connection, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private static string Policy(string code) => $$"""
        { "version": 1, "node_code": "{{code}}",
          "grants": [ { "audience": "observers", "datasets": { "systems": { "summary": { "dimensions": ["risk_tier"], "min_count": 3 } } } } ] }
        """;
}

public sealed class EmbeddedAuditedNode : AuditedNode
{
    protected override Task<(NodeSettings Settings, StorageProvider Provider, string ConnectionString)> ConfigureAsync()
    {
        var settings = NodeSettings.Embedded();
        var connectionString = StorageConnection.ForSqliteFile(Path.Combine(settings.DataDirectory, "registry.db"));
        return Task.FromResult((settings, StorageProvider.Embedded, connectionString));
    }
}

public sealed class PostgresAuditedNode : AuditedNode
{
    protected override async Task<(NodeSettings Settings, StorageProvider Provider, string ConnectionString)> ConfigureAsync()
    {
        var database = await PostgresServer.CreateDatabaseAsync("node_audit");
        return (NodeSettings.Postgres(database), StorageProvider.Postgres, database);
    }
}
