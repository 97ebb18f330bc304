using FederatedRegistry.Node.Tests.Support;

namespace FederatedRegistry.Node.Tests.Startup;

/// <summary>
/// A node with a missing or wrong setting refuses to start: the process exits non-zero and says which key is at fault,
/// before it listens anywhere or touches storage.
/// </summary>
[Collection(ChildProcessCollection.Name)]
public sealed class StartupConfigurationTests
{
    public static TheoryData<string, string?, string?, string> BadSettings() => new()
    {
        // key to change, new value (null removes it), storage, what the output must say
        { "Node:Code", null, "embedded", "Node:Code is required" },
        { "Node:Code", "kenya", "embedded", "Node:Code 'kenya' is not valid" },
        { "Node:Code", "ke", "embedded", "Node:Code 'ke' is not valid" },
        { "Node:Name", null, "embedded", "Node:Name is required" },
        { "Node:DataDirectory", null, "embedded", "Node:DataDirectory is required" },
        { "Node:Role", "regulator", "embedded", "Node:Role 'regulator' is not valid" },
        { "Storage:Provider", "oracle", "embedded", "Storage:Provider 'oracle' is not valid" },
        { "ConnectionStrings:Registry", null, "postgres", "ConnectionStrings:Registry is required when Storage:Provider is 'postgres'" },
        { "ConnectionStrings:Registry", "Host=127.0.0.1;Max Pool Size=20", "postgres", "ConnectionStrings:Registry is not a valid PostgreSQL connection string" },
        { "Orleans:SiloPort", "70000", "embedded", "Orleans:SiloPort 70000 is not a TCP port" },
        { "Reporting:SeriousDays", "-1", "embedded", "Reporting:SeriousDays must be between 0 and 365 days" },
        { "Federation:ListenUrl", "http://127.0.0.1:5082", "embedded", "Federation:ListenUrl 'http://127.0.0.1:5082' must be an https:// URL" },
        { "Limits:MaxJsonDepth", "2", "embedded", "Limits:MaxJsonDepth 2 must be between 4" },
        { "Audit:WitnessInterval", "00:00:00", "embedded", "Audit:WitnessInterval '00:00:00' must be between 00:00:00.010 and 1.00:00:00" },
        { "Orleans:RecordCollectionAge", "00:00:30", "embedded", "Orleans:RecordCollectionAge 00:00:30 must be more than Orleans:CollectionQuantum 00:00:30" },
        { "Orleans:CollectionQuantum", "00:00:00", "embedded", "Orleans:CollectionQuantum 00:00:00 must be a second or more" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task BadSetting_ExitsNonZeroWithASentenceNamingTheKey(string key, string? value, string? storage, string expected)
    {
        var settings = NodeSettings.Embedded().With("Storage:Provider", storage).With(key, value);

        await using var node = ChildNode.Launch(settings);
        var exited = await node.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exited, "The node kept running with a bad setting:\n" + node.Output);
        Assert.Equal(1, node.ExitCode);
        Assert.Contains(expected, node.Output);
        Assert.False(await node.Client.IsHealthyAsync(CancellationToken.None));
    }

    [Fact]
    public async Task GoodSettings_StartAHealthyNodeThatNamesItself()
    {
        var settings = NodeSettings.Embedded("TZ").With("Node:Name", "Tanzania AI Registry (test)");

        await using var node = await ChildNode.StartAsync(settings);
        var info = await node.Client.Grpc.GetNodeInfoAsync(new Contracts.V1.GetNodeInfoRequest(), deadline: NodeClient.Deadline);

        Assert.Equal("TZ", info.Code);
        Assert.Equal("Tanzania AI Registry (test)", info.Name);
        Assert.Equal("embedded", info.StorageProvider);
        Assert.True(File.Exists(Path.Combine(settings.DataDirectory, "registry.db")));
    }
}
