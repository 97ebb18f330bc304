using System.Text.Json.Nodes;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Domain.Signing;
using FederatedRegistry.Node.Tests.Support;

namespace FederatedRegistry.Node.Tests.Startup;

/// <summary>
/// The node's signing key and sharing policy, as an operator runs the node: a key generated once into the data
/// directory and kept, a policy that survives kill -9, and files that cannot be used stop the start naming their key.
/// </summary>
[Collection(ChildProcessCollection.Name)]
public sealed class NodeKeyAndPolicyStartupTests
{
    [Fact]
    public async Task NodeKey_IsGeneratedOnFirstStartWithMode0600_AndTheKeyAndPolicySurviveKillDashNine()
    {
        var settings = NodeSettings.Embedded();
        NodeInfo before;
        SharingPolicyView installed;
        await using (var node = await ChildNode.StartAsync(settings))
        {
            before = await node.Client.Grpc.GetNodeInfoAsync(new GetNodeInfoRequest(), deadline: NodeClient.Deadline);
            installed = await node.Client.Grpc.ReplacePolicyAsync(
                new ReplacePolicyRequest { Document = await File.ReadAllTextAsync(Api.PolicyApiTests.ExamplePolicyPath()), ExpectedVersion = 0 },
                deadline: NodeClient.Deadline);
            await node.KillAsync();
        }

        await using var restarted = await ChildNode.StartAsync(settings.AssignFreePorts());
        var after = await restarted.Client.Grpc.GetNodeInfoAsync(new GetNodeInfoRequest(), deadline: NodeClient.Deadline);
        var policy = await restarted.Client.GetAsync("/v1/policy");

        var keyFile = Path.Combine(settings.DataDirectory, "node-key.pem");
        Assert.True(File.Exists(keyFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }
        using var key = NodeKey.ImportPkcs8Pem(await File.ReadAllTextAsync(keyFile));
        Assert.Equal(key.KeyId, before.KeyId);
        Assert.Equal(key.PublicKey, NodePublicKey.FromBase64(before.PublicKey));
        Assert.Equal(before.KeyId, after.KeyId);
        Assert.Equal(before.PublicKey, after.PublicKey);
        Assert.Equal(0, before.PolicyVersion);
        Assert.Equal(1, after.PolicyVersion);
        Assert.Equal(installed.Document, (string?)policy.Object["document"]);
        Assert.Equal(1, (int)policy.Object["version"]!);
    }

    [Fact]
    public async Task ConfiguredKeyFile_IsUsed()
    {
        using var key = NodeKey.Generate();
        var file = Path.Combine(Path.GetTempPath(), $"fedreg-key-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(file, key.ExportPkcs8Pem());
        try
        {
            await using var node = await ChildNode.StartAsync(NodeSettings.Embedded().With("Federation:KeyFile", file));
            var info = await node.Client.Grpc.GetNodeInfoAsync(new GetNodeInfoRequest(), deadline: NodeClient.Deadline);

            Assert.Equal(key.KeyId, info.KeyId);
            Assert.False(File.Exists(Path.Combine(node.Settings.DataDirectory, "node-key.pem")));
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static TheoryData<string, string?, string[]> BadFiles() => new()
    {
        // setting, file content (null: no file), what the output must say
        { "Federation:KeyFile", "not a key", ["Federation:KeyFile", "cannot be used as the node's signing key"] },
        { "Federation:KeyFile", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", ["Federation:KeyFile", "cannot be used as the node's signing key"] },
        { "Federation:KeyFile", null, ["Federation:KeyFile", "does not exist"] },
        { "Sharing:PolicyFile", """{ "version": 1, "node_code": "KE", "grants": [ { "audience": "KE", "datasets": {} } ] }""",
            ["Sharing:PolicyFile", "grants[0].audience", "grants[0].datasets"] },
        { "Sharing:PolicyFile", """{ "version": 1, "node_code": "FR", "grants": [] }""", ["Sharing:PolicyFile", "node_code must be KE"] },
        { "Sharing:PolicyFile", "{ not json", ["Sharing:PolicyFile", "document is not valid JSON"] },
        { "Sharing:PolicyFile", null, ["Sharing:PolicyFile", "cannot be read"] },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task UnusableFile_ExitsWithCodeOneNamingTheSettingAndEachFault(string setting, string? content, string[] expected)
    {
        var file = Path.Combine(Path.GetTempPath(), $"fedreg-bad-{Guid.NewGuid():N}");
        if (content is not null)
        {
            await File.WriteAllTextAsync(file, content);
        }
        try
        {
            await using var node = ChildNode.Launch(NodeSettings.Embedded().With(setting, file));
            var exited = await node.WaitForExitAsync(TimeSpan.FromSeconds(60));

            Assert.True(exited, "The node kept running with an unusable file:\n" + node.Output);
            Assert.Equal(1, node.ExitCode);
            foreach (var text in expected)
            {
                Assert.Contains(text, node.Output);
            }
        }
        finally
        {
            File.Delete(file);
        }
    }
}
