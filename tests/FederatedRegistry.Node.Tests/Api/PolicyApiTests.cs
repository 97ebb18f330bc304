using System.Net;
using System.Text.Json.Nodes;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Domain.Sharing;
using FederatedRegistry.Node.Tests.Support;
using Grpc.Core;

namespace FederatedRegistry.Node.Tests.Api;

/// <summary>
/// GET/PUT /v1/policy and their gRPC methods, on nodes of their own: the policy is one per node, so no test here
/// shares it with another.
/// </summary>
public sealed class PolicyApiTests
{
    private static string Document(int minCount, string audience = "observers") => $$"""
        {
          "version": 1,
          "node_code": "KE",
          "grants": [
            { "audience": "{{audience}}", "datasets": { "systems": { "summary": { "dimensions": ["risk_tier"], "min_count": {{minCount}} } } } }
          ]
        }
        """;

    private static JsonObject Put(string document, int expectedVersion) =>
        new() { ["document"] = document, ["expectedVersion"] = expectedVersion };

    [Fact]
    public async Task GetPolicy_OnANodeWithoutAPolicyFile_IsVersionZeroDenyingAll()
    {
        await using var node = await InProcessNode.StartAsync(NodeSettings.Embedded());

        var http = await node.Client.GetAsync("/v1/policy");
        var grpc = await node.Client.Grpc.GetPolicyAsync(new GetPolicyRequest(), deadline: NodeClient.Deadline);
        var info = await node.Client.Grpc.GetNodeInfoAsync(new GetNodeInfoRequest(), deadline: NodeClient.Deadline);

        Assert.Equal(HttpStatusCode.OK, http.StatusCode);
        Assert.Equal(0, (int)http.Object["version"]!);
        Assert.Equal(0, grpc.Version);
        Assert.Null(grpc.UpdatedAt);
        Assert.Equal(SharingPolicyDocument.Write(SharingPolicy.DenyAll("KE", 0)), grpc.Document);
        Assert.Equal(grpc.Document, (string?)http.Object["document"]);
        Assert.Equal(0, info.PolicyVersion);
    }

    [Fact]
    public async Task PutPolicy_WithTheExampleFile_IsVersionOneAndGetReturnsIt()
    {
        await using var node = await InProcessNode.StartAsync(NodeSettings.Embedded());
        var example = File.ReadAllText(ExamplePolicyPath());

        var put = await node.Client.PutAsync("/v1/policy", Put(example, 0));
        var get = await node.Client.GetAsync("/v1/policy");
        var info = await node.Client.Grpc.GetNodeInfoAsync(new GetNodeInfoRequest(), deadline: NodeClient.Deadline);

        Assert.True(put.StatusCode == HttpStatusCode.OK, put.ToString());
        Assert.Equal(1, (int)put.Object["version"]!);
        Assert.NotNull(put.Object["updatedAt"]);
        Assert.Equal(put.Body, get.Body);
        var installed = SharingPolicyDocument.Parse((string)get.Object["document"]!, "KE").Value!;
        Assert.Equal(SharingPolicyDocument.Write(SharingPolicyDocument.Parse(example).Value! with { Version = 1 }), SharingPolicyDocument.Write(installed));
        Assert.Equal(1, info.PolicyVersion);
    }

    [Fact]
    public async Task ReplacePolicy_OverGrpc_IsTheNextVersionAndTheSamePolicyIsNoNewVersion()
    {
        await using var node = await InProcessNode.StartAsync(NodeSettings.Embedded());

        var first = await node.Client.Grpc.ReplacePolicyAsync(new ReplacePolicyRequest { Document = Document(5), ExpectedVersion = 0 }, deadline: NodeClient.Deadline);
        var second = await node.Client.Grpc.ReplacePolicyAsync(new ReplacePolicyRequest { Document = Document(6), ExpectedVersion = 1 }, deadline: NodeClient.Deadline);
        var same = await node.Client.Grpc.ReplacePolicyAsync(new ReplacePolicyRequest { Document = Document(6), ExpectedVersion = 2 }, deadline: NodeClient.Deadline);
        var read = await node.Client.Grpc.GetPolicyAsync(new GetPolicyRequest(), deadline: NodeClient.Deadline);

        Assert.Equal(1, first.Version);
        Assert.Equal(2, second.Version);
        Assert.Equal(second, same);
        Assert.Equal(second, read);
    }

    [Fact]
    public async Task PutPolicy_WithAnInvalidDocument_Is400NamingDocumentAndTheJsonPath()
    {
        await using var node = await InProcessNode.StartAsync(NodeSettings.Embedded());

        var badGrant = await node.Client.PutAsync("/v1/policy", Put(Document(0, audience: "KE"), 0));
        var notJson = await node.Client.PutAsync("/v1/policy", Put("{ \"version\": ", 0));
        var grpc = await GrpcAssert.FailsWith(StatusCode.InvalidArgument,
            () => node.Client.Grpc.ReplacePolicyAsync(new ReplacePolicyRequest { Document = Document(0), ExpectedVersion = 0 }, deadline: NodeClient.Deadline));
        var after = await node.Client.GetAsync("/v1/policy");

        Assert.Equal(HttpStatusCode.BadRequest, badGrant.StatusCode);
        Assert.Contains("document.grants[0].audience", badGrant.ViolatedFields);
        Assert.Contains("document.grants[0].datasets.systems.summary.min_count", badGrant.ViolatedFields);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal(["document"], notJson.ViolatedFields);
        Assert.Equal(["document.grants[0].datasets.systems.summary.min_count"], grpc.ViolatedFields());
        Assert.Equal(0, (int)after.Object["version"]!);
    }

    [Fact]
    public async Task PutPolicy_WithAStaleExpectedVersion_Is409AndChangesNothing()
    {
        await using var node = await InProcessNode.StartAsync(NodeSettings.Embedded());
        await node.Client.PutAsync("/v1/policy", Put(Document(5), 0));

        var stale = await node.Client.PutAsync("/v1/policy", Put(Document(6), 0));
        var grpc = await GrpcAssert.FailsWith(StatusCode.Aborted,
            () => node.Client.Grpc.ReplacePolicyAsync(new ReplacePolicyRequest { Document = Document(6), ExpectedVersion = 7 }, deadline: NodeClient.Deadline));
        var after = await node.Client.GetAsync("/v1/policy");

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("expected_version", stale.ViolatedFields);
        Assert.Contains("expected_version", grpc.ViolatedFields());
        Assert.Equal(1, (int)after.Object["version"]!);
    }

    [Fact]
    public async Task Node_WithAPolicyFile_ServesItAsVersionOne_AndKeepsTheVersionWhenTheFileIsUnchanged()
    {
        var file = Path.Combine(Path.GetTempPath(), $"fedreg-policy-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, Document(4));
        try
        {
            var settings = NodeSettings.Embedded().With("Sharing:PolicyFile", file);
            await using (var node = await InProcessNode.StartAsync(settings))
            {
                var policy = await node.Client.Grpc.GetPolicyAsync(new GetPolicyRequest(), deadline: NodeClient.Deadline);

                Assert.Equal(1, policy.Version);
                Assert.Equal(4, SharingPolicyDocument.Parse(policy.Document).Value!.Grants[0].Systems!.Summary!.MinCount);
            }

            await File.WriteAllTextAsync(file, Document(4).Replace("\"version\": 1", "\"version\": 3", StringComparison.Ordinal));
            await using (var again = await InProcessNode.StartAsync(settings.AssignFreePorts()))
            {
                var policy = await again.Client.Grpc.GetPolicyAsync(new GetPolicyRequest(), deadline: NodeClient.Deadline);

                Assert.Equal(1, policy.Version);
            }

            await File.WriteAllTextAsync(file, Document(8));
            await using (var changed = await InProcessNode.StartAsync(settings.AssignFreePorts()))
            {
                var policy = await changed.Client.Grpc.GetPolicyAsync(new GetPolicyRequest(), deadline: NodeClient.Deadline);

                Assert.Equal(2, policy.Version);
                Assert.Equal(8, SharingPolicyDocument.Parse(policy.Document).Value!.Grants[0].Systems!.Summary!.MinCount);
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    internal static string ExamplePolicyPath()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "examples", "policy.json")))
        {
            directory = directory.Parent;
        }
        Assert.True(directory is not null, $"examples/policy.json was not found above {AppContext.BaseDirectory}");
        return Path.Combine(directory.FullName, "examples", "policy.json");
    }
}
