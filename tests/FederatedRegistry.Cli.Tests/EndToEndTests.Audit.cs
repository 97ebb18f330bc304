using System.Text.Json;
using FederatedRegistry.Cli.Tests.Support;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Domain.Signing;
using FederatedRegistry.Storage;
using Grpc.Core;

namespace FederatedRegistry.Cli.Tests;

/// <summary>fedreg audit verify against KE's real audit log, untouched and then edited directly in its SQLite file.</summary>
public sealed partial class EndToEndTests
{
    /// <summary>KE's key as its authority would hand it out (PEM), once KE has signed a checkpoint.</summary>
    private async Task<string> KeKeyAsync()
    {
        // A wrong key can be caught only by a signed checkpoint; the node signs its first right after its first seal.
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (true)
        {
            try
            {
                await nodes.Ke.Client.GetLatestAuditCheckpointAsync(new GetLatestAuditCheckpointRequest(), cancellationToken: patience.Token);
                break;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                await Task.Delay(100, patience.Token);
            }
        }
        var info = await nodes.Ke.Client.GetNodeInfoAsync(new GetNodeInfoRequest());
        return NodePublicKey.Parse(info.PublicKey).ToPem();
    }

    [Fact]
    public async Task AuditVerify_AnUntouchedLog_IsIntact()
    {
        var key = _fedreg.WriteFile("ke.pub", await KeKeyAsync());

        var run = await _fedreg.RunAsync("audit", "verify", "--node", nodes.Ke.Url, "--public-key", key);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Intact: every entry follows the one before it, unaltered, and the log leads to the head the node signed.", run.Stdout);
        Assert.DoesNotContain("No --public-key was given", run.Stdout);
    }

    [Fact]
    public async Task AuditVerify_WithoutAKey_UsesTheNodesOwnAndSaysSo()
    {
        await KeKeyAsync();

        var run = await _fedreg.RunAsync("audit", "verify", "--node", nodes.Ke.Url, "-o", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var report = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.True(report.GetProperty("intact").GetBoolean());
        Assert.Equal("node", report.GetProperty("keySource").GetString());
        Assert.Contains("not that the node is who you trust", report.GetProperty("warning").GetString());
    }

    [Fact]
    public async Task AuditVerify_AfterAnEntryWasEditedInTheDatabase_SaysTamperedNamingTheSequence()
    {
        var key = await KeKeyAsync();
        var entry = (await nodes.Ke.Client.ListAuditEntriesAsync(new ListAuditEntriesRequest { From = 1, Limit = 1 })).Entries.Single();

        int changed;
        FedregRun run;
        try
        {
            changed = await ExecuteOnKeAsync("UPDATE audit_entries SET actor = 'authority:mallory' WHERE sequence = @sequence", ("sequence", entry.Sequence));
            run = await _fedreg.RunAsync("audit", "verify", "--node", nodes.Ke.Url, "--public-key", key);
        }
        finally
        {
            await ExecuteOnKeAsync("UPDATE audit_entries SET actor = @actor WHERE sequence = @sequence", ("actor", entry.Actor), ("sequence", entry.Sequence));
        }

        Assert.Equal(1, changed);
        Assert.True(run.ExitCode == 5, run.ToString());
        Assert.Contains($"Entry {entry.Sequence} was altered: its fields (actor 'authority:mallory'", run.Stdout);
        Assert.Contains($"Tampered: the first bad entry is sequence {entry.Sequence}.", run.Stdout);
    }

    [Fact]
    public async Task AuditVerify_WithAnotherKey_ExitsNonZeroNamingTheKeyMismatch()
    {
        await KeKeyAsync();
        using var other = NodeKey.Generate();

        var run = await _fedreg.RunAsync("audit", "verify", "--node", nodes.Ke.Url, "--public-key", other.PublicKey.ToBase64());

        Assert.True(run.ExitCode == 5, run.ToString());
        Assert.Contains($"not the node's key {other.PublicKey.KeyId}", run.Stdout);
        Assert.Contains("Tampered:", run.Stdout);
    }

    [Fact]
    public async Task AuditVerify_WithSomethingThatIsNoKey_ExitsTwo()
    {
        var run = await _fedreg.RunAsync("audit", "verify", "--node", nodes.Ke.Url, "--public-key", "not a key");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--public-key is not an ECDSA P-256 public key", run.Stderr);
    }

    private async Task<int> ExecuteOnKeAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await StorageConnection.OpenAsync(StorageProvider.Embedded, StorageConnection.ForSqliteFile(nodes.Ke.DatabasePath));
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return await command.ExecuteNonQueryAsync();
    }
}
