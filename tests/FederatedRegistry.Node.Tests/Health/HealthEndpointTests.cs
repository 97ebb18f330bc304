using System.Net;
using FederatedRegistry.Node.Tests.Support;
using Grpc.Health.V1;

namespace FederatedRegistry.Node.Tests.Health;

/// <summary>
/// The probes Kubernetes sends a running node, as it sends them: without a token, over HTTP/1.1 on the HTTP port. Each
/// answers 200 and lists the checks it ran, and only those.
/// </summary>
[Collection(EmbeddedNodeCollection.Name)]
public sealed class HealthEndpointTests(EmbeddedNodeFixture node)
{
    private async Task<JsonResponse> GetAnonymouslyAsync(string path)
    {
        using var anonymous = node.Client.As("");
        return await anonymous.GetAsync(path);
    }

    private static void AssertHealthyWithExactly(JsonResponse response, params string[] checks)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"HTTP {(int)response.StatusCode}: {response.Body}");
        Assert.Equal("healthy", (string?)response.Object["status"]);
        var listed = response.Object["checks"]!.AsObject();
        Assert.Equal(checks.Order(StringComparer.Ordinal), listed.Select(c => c.Key).Order(StringComparer.Ordinal));
        foreach (var (name, check) in listed)
        {
            Assert.Equal("healthy", (string?)check!["status"]);
            Assert.False(string.IsNullOrWhiteSpace((string?)check["description"]), $"{name} gives no description");
        }
    }

    [Fact]
    public async Task Live_AnswersOkWithoutAToken_AndAsksNoDependency()
    {
        var response = await GetAnonymouslyAsync("/health/live");

        AssertHealthyWithExactly(response, "process");
    }

    [Fact]
    public async Task Ready_AnswersOkWithoutAToken_ListingTheSiloTheDatabaseAndTheSchema()
    {
        var response = await GetAnonymouslyAsync("/health/ready");

        AssertHealthyWithExactly(response, "silo", "database", "schema");
        Assert.Contains("embedded", (string?)response.Object["checks"]!["database"]!["description"], StringComparison.Ordinal);
        Assert.Contains("all", (string?)response.Object["checks"]!["schema"]!["description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Startup_AnswersOkWithoutAToken_OnceTheNodeHasStarted()
    {
        var response = await GetAnonymouslyAsync("/health/startup");

        AssertHealthyWithExactly(response, "startup");
    }

    [Fact]
    public async Task Healthz_IsKeptAsAnAliasOfReadiness()
    {
        var response = await GetAnonymouslyAsync("/healthz");

        AssertHealthyWithExactly(response, "silo", "database", "schema");
    }

    [Fact]
    public async Task HealthAnswers_AreNotCached()
    {
        using var anonymous = node.Client.As("");
        using var response = await anonymous.Http.GetAsync("/health/ready");

        Assert.True(response.Headers.CacheControl?.NoCache == true || response.Headers.CacheControl?.NoStore == true, $"Cache-Control: {response.Headers.CacheControl}");
    }

    [Fact]
    public async Task GrpcHealth_WithoutAToken_ReportsTheNodeAndTheRegistryServing()
    {
        using var anonymous = node.Client.As("");
        var health = new Grpc.Health.V1.Health.HealthClient(anonymous.Channel);

        var overall = await health.CheckAsync(new HealthCheckRequest(), deadline: NodeClient.Deadline);
        var registry = await health.CheckAsync(new HealthCheckRequest { Service = "fedreg.v1.Registry" }, deadline: NodeClient.Deadline);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, overall.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, registry.Status);
    }

    [Fact]
    public async Task TheRootDocument_PointsAtTheThreeProbes()
    {
        var response = await GetAnonymouslyAsync("/");

        Assert.Equal("/health/live", (string?)response.Object["health"]!["live"]);
        Assert.Equal("/health/ready", (string?)response.Object["health"]!["ready"]);
        Assert.Equal("/health/startup", (string?)response.Object["health"]!["startup"]);
    }
}
