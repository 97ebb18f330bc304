using System.Diagnostics;
using FederatedRegistry.Node.Tests.Support;

namespace FederatedRegistry.Node.Tests.Audit;

/// <summary>
/// <c>fedreg-node audit verify</c> against a node whose log holds real changes: it passes, and after a row is edited,
/// deleted or two rows are reordered directly in the database it fails naming the first bad entry. Each tamper is undone
/// afterwards, and the log verifies again.
/// </summary>
public abstract class AuditVerifyTests<TNode>(TNode node) : IClassFixture<TNode>
    where TNode : AuditedNode
{
    protected TNode Node => node;

    [Fact]
    public async Task Verify_AnUntouchedLog_IsIntact_AnonymouslyWithTheNodesPublicKeyOnly()
    {
        var (exit, output) = await node.VerifyAsync();

        Assert.True(exit == 0, output);
        Assert.Contains("Intact: every entry follows the one before it, unaltered, and the log leads to the head the node signed.", output,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("actor")]
    [InlineData("subject")]
    [InlineData("action")]
    [InlineData("payload_hash")]
    public async Task Verify_AfterAColumnOfOneRowWasEdited_FailsNamingThatEntry(string column)
    {
        var sequence = await node.SequenceOfAsync("decided:start_review", "system:" + node.SystemId);
        var value = column == "payload_hash" ? new string('0', 64) : "authority:mallory";

        await node.TamperAsync($"sequence = {sequence}",
            () => node.ExecuteAsync($"UPDATE audit_entries SET {column} = @value WHERE sequence = @sequence", ("value", value), ("sequence", sequence)),
            async () =>
            {
                var (exit, output) = await node.VerifyAsync();

                Assert.True(exit == 1, output);
                Assert.Contains($"Entry {sequence} was altered", output, StringComparison.Ordinal);
                Assert.Contains($"Tampered: the first bad entry is sequence {sequence}.", output, StringComparison.Ordinal);
            });

        Assert.Equal(0, (await node.VerifyAsync()).ExitCode);
    }

    [Fact]
    public async Task Verify_WithPayloads_AfterAPayloadWasEdited_FailsNamingThatEntry()
    {
        var sequence = await node.SequenceOfAsync("reported", "incident:" + node.IncidentId);
        Assert.Equal(0, (await node.VerifyAsync("--payloads", "--token", node.Client.Token)).ExitCode);

        await node.TamperAsync($"sequence = {sequence}",
            () => node.ExecuteAsync("UPDATE audit_entries SET payload = replace(payload, 'serious', 'minor') WHERE sequence = @sequence", ("sequence", sequence)),
            async () =>
            {
                // The chain itself is untouched: only the payload no longer matches the hash its entry carries.
                Assert.Equal(0, (await node.VerifyAsync()).ExitCode);

                var (exit, output) = await node.VerifyAsync("--payloads", "--token", node.Client.Token);

                Assert.True(exit == 1, output);
                Assert.Contains($"The payload of entry {sequence} was altered", output, StringComparison.Ordinal);
                Assert.Contains($"Tampered: the first bad entry is sequence {sequence}.", output, StringComparison.Ordinal);
            });
    }

    [Fact]
    public async Task Verify_AfterARowWasDeleted_FailsNamingThatEntry()
    {
        var sequence = await node.SequenceOfAsync("registered:submitted", "system:" + node.SystemId);

        await node.TamperAsync($"sequence = {sequence}",
            () => node.ExecuteAsync("DELETE FROM audit_entries WHERE sequence = @sequence", ("sequence", sequence)),
            async () =>
            {
                var (exit, output) = await node.VerifyAsync();

                Assert.True(exit == 1, output);
                Assert.Contains($"Entry {sequence} is missing", output, StringComparison.Ordinal);
                Assert.Contains($"Tampered: the first bad entry is sequence {sequence}.", output, StringComparison.Ordinal);
            });

        Assert.Equal(0, (await node.VerifyAsync()).ExitCode);
    }

    [Fact]
    public async Task Verify_AfterTheLastRowsWereDeleted_FailsByTheSignedCheckpoint()
    {
        var size = await AuditedNode.WaitUntilCheckpointedAsync(node.Client, minimumSize: 7);

        await node.TamperAsync($"sequence > {size - 2}",
            () => node.ExecuteAsync("DELETE FROM audit_entries WHERE sequence > @from", ("from", size - 2)),
            async () =>
            {
                var (exit, output) = await node.VerifyAsync();

                Assert.True(exit == 1, output);
                Assert.Contains($"entries {size - 1} to {size} are missing", output, StringComparison.Ordinal);
                Assert.Contains($"Tampered: the first bad entry is sequence {size - 1}.", output, StringComparison.Ordinal);
            });

        Assert.Equal(0, (await node.VerifyAsync()).ExitCode);
    }

    [Fact]
    public async Task Verify_AfterTwoRowsSequenceNumbersWereSwapped_FailsNamingTheFirst()
    {
        var first = await node.SequenceOfAsync("decided:start_review", "system:" + node.SystemId);
        var second = await node.SequenceOfAsync("reported", "incident:" + node.IncidentId);
        Assert.True(first < second);

        await node.TamperAsync($"sequence IN ({first}, {second})",
            async () =>
            {
                await node.ExecuteAsync("UPDATE audit_entries SET sequence = -1 WHERE sequence = @a", ("a", first));
                await node.ExecuteAsync("UPDATE audit_entries SET sequence = @a WHERE sequence = @b", ("a", first), ("b", second));
                await node.ExecuteAsync("UPDATE audit_entries SET sequence = @b WHERE sequence = -1", ("b", second));
            },
            async () =>
            {
                var (exit, output) = await node.VerifyAsync();

                Assert.True(exit == 1, output);
                Assert.Contains($"Tampered: the first bad entry is sequence {first}.", output, StringComparison.Ordinal);
            });

        Assert.Equal(0, (await node.VerifyAsync()).ExitCode);
    }

    [Fact]
    public async Task Verify_AWrongPublicKey_FailsOnTheCheckpoint()
    {
        using var other = FederatedRegistry.Domain.Signing.NodeKey.Generate();
        var output = new StringWriter();

        var exit = await FederatedRegistry.Node.Audit.AuditCommand.RunAsync(
            ["verify", "--node", node.Settings.HttpAddress.ToString(), "--public-key", other.PublicKey.ToPem()], output, new StringWriter());

        Assert.Equal(1, exit);
        Assert.Contains("not the node's key", output.ToString(), StringComparison.Ordinal);
    }
}

public sealed class EmbeddedAuditVerifyTests(EmbeddedAuditedNode node) : AuditVerifyTests<EmbeddedAuditedNode>(node)
{
    /// <summary>The command as an operator runs it: the built executable, with the key in a file.</summary>
    [Fact]
    public async Task TheBuiltCommand_VerifiesTheNode_AndExitsZero()
    {
        var keyFile = Path.Combine(Path.GetDirectoryName(FederatedRegistry.Testing.TempSqlite.NewDatabasePath("audit-key"))!, "node.pub");
        Directory.CreateDirectory(Path.GetDirectoryName(keyFile)!);
        await File.WriteAllTextAsync(keyFile, FederatedRegistry.Domain.Signing.NodePublicKey.Parse(Node.PublicKey).ToPem());

        var (exit, output) = await RunBuiltAsync("audit", "verify", "--node", Node.Settings.HttpAddress.ToString(), "--public-key", keyFile);

        Assert.True(exit == 0, output);
        Assert.Contains("Intact:", output, StringComparison.Ordinal);
    }

    public static TheoryData<string[]> WrongUses() => new()
    {
        { new[] { "audit" } },
        { new[] { "audit", "verify", "--public-key", "x" } },
        { new[] { "audit", "verify", "--node", "http://127.0.0.1:1", "--public-key", "not a key" } },
        { new[] { "audit", "verify", "--node", "ftp://example", "--public-key", "x" } },
    };

    [Theory]
    [MemberData(nameof(WrongUses))]
    public async Task TheBuiltCommand_UsedWrongly_ExitsTwoSayingWhy(string[] args)
    {
        var (exit, output) = await RunBuiltAsync(args);

        Assert.True(exit == 2, output);
        Assert.False(string.IsNullOrWhiteSpace(output));
    }

    [Fact]
    public async Task TheBuiltCommand_ANodeThatDoesNotAnswer_ExitsTwo()
    {
        var port = FederatedRegistry.Testing.FreePorts.Next();

        var (exit, output) = await RunBuiltAsync("audit", "verify", "--node", $"http://127.0.0.1:{port}", "--public-key", Node.PublicKey);

        Assert.True(exit == 2, output);
        Assert.Contains("Cannot read the audit log", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunBuiltAsync(params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fedreg-node.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(Eventually.Limit);
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : "dotnet";
}

public sealed class PostgresAuditVerifyTests(PostgresAuditedNode node) : AuditVerifyTests<PostgresAuditedNode>(node);
