using System.Net;
using System.Text.Json.Nodes;
using FederatedRegistry.Node.Tests.FieldRules;
using FederatedRegistry.Node.Tests.Support;

namespace FederatedRegistry.Node.Tests.Api;

/// <summary>
/// The example bodies in examples/*.json, posted as a reader of the README would (with fresh ids so that they do
/// not collide with other tests), are accepted and lead through the documented flow.
/// </summary>
[Collection(EmbeddedNodeCollection.Name)]
public sealed class ExampleBodiesTests(EmbeddedNodeFixture node)
{
    [Fact]
    public async Task ExampleBodies_PostedInOrder_RegisterReviewReportAndTriage()
    {
        var slug = Unique.Slug();
        var product = Unique.ProductId("triage-assist");
        var provider = Example("provider.json").Set("slug", slug);
        var system = Example("system.json").Set("providerId", $"KE-PRV-{slug}").Set("productId", product);
        var incident = Example("incident.json");
        incident["details"]!["productId"] = product;

        var createdProvider = await node.Client.PostAsync("/v1/providers", provider);
        var registered = await node.Client.PostAsync("/v1/systems", system);
        var id = (string)registered.Object["id"]!;
        var review = await node.Client.PostAsync($"/v1/systems/{id}:decide", Example("start-review.json"));
        var decision = await node.Client.PostAsync($"/v1/systems/{id}:decide", Example("decision.json"));
        var reported = await node.Client.PostAsync("/v1/incidents", incident);
        var triaged = await node.Client.PostAsync($"/v1/incidents/{(string)reported.Object["id"]!}:transition", Example("transition.json"));

        Assert.Equal(HttpStatusCode.OK, createdProvider.StatusCode);
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, review.StatusCode);
        Assert.True(decision.StatusCode == HttpStatusCode.OK, decision.ToString());
        Assert.Equal("SYSTEM_STATUS_REGISTERED", (string?)decision.Object["status"]);
        Assert.True(reported.StatusCode == HttpStatusCode.OK, reported.ToString());
        Assert.True(triaged.StatusCode == HttpStatusCode.OK, triaged.ToString());
    }

    private static JsonObject Example(string file)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "examples", file)))
        {
            directory = directory.Parent;
        }
        Assert.True(directory is not null, $"examples/{file} was not found above {AppContext.BaseDirectory}");
        return (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(directory.FullName, "examples", file)))!;
    }
}
