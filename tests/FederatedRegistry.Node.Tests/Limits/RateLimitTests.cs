using System.Net;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Node.Tests.Support;
using Grpc.Core;
using Grpc.Health.V1;

namespace FederatedRegistry.Node.Tests.Limits;

/// <summary>
/// Per-caller rate limits on a node that allows each caller bursts of 5 requests and 1 a second after that: a caller
/// over its share gets HTTP 429 with Retry-After, or RESOURCE_EXHAUSTED on gRPC; other callers, health checks and
/// Prometheus scrapes do not notice. No test measures time: each calls until refused, well past the burst.
/// </summary>
[Collection(RateLimitedNodeCollection.Name)]
public sealed class RateLimitTests(RateLimitedNodeFixture node)
{
    private const int Burst = RateLimitedNodeFixture.Burst;

    // Far more calls than the burst and the refills a slow machine could see while making them.
    private const int Attempts = 200;

    [Fact]
    public async Task HttpCallerOverItsBurst_Gets429WithRetryAfterAndAStatusBody()
    {
        using var caller = node.Client.As(TestTokens.Authority(subject: "rate-http-" + Unique.Word()));

        var (allowed, refused) = await CallUntilRefusedAsync(async () =>
        {
            using var response = await caller.Http.GetAsync("/v1/node");
            return response.StatusCode == HttpStatusCode.TooManyRequests
                ? (false, new JsonResponse(response.StatusCode, await response.Content.ReadAsStringAsync()), response.Headers.RetryAfter)
                : (true, null, null);
        });

        Assert.True(allowed >= Burst, $"only {allowed} calls were allowed before the first refusal");
        var (body, retryAfter) = refused!.Value;
        Assert.Equal(8, (int)body!.Object["code"]!);
        Assert.Contains("Limits:RequestsPerSecond", body.Message);
        Assert.True(retryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {retryAfter}");
    }

    [Fact]
    public async Task GrpcCallerOverItsBurst_IsResourceExhaustedAsAGrpcClientReadsIt()
    {
        using var caller = node.Client.As(TestTokens.Authority(subject: "rate-grpc-" + Unique.Word()));

        RpcException? refusal = null;
        var allowed = 0;
        for (var i = 0; i < Attempts && refusal is null; i++)
        {
            try
            {
                await caller.Grpc.GetNodeInfoAsync(new GetNodeInfoRequest(), deadline: NodeClient.Deadline);
                allowed++;
            }
            catch (RpcException e)
            {
                refusal = e;
            }
        }

        Assert.True(allowed >= Burst, $"only {allowed} calls were allowed before the first refusal");
        Assert.NotNull(refusal);
        Assert.Equal(StatusCode.ResourceExhausted, refusal.StatusCode);
        Assert.Contains("Limits:RequestsPerSecond", refusal.Status.Detail);
    }

    [Fact]
    public async Task ACallerOverItsShare_DoesNotLimitAnotherCaller()
    {
        using var greedy = node.Client.As(TestTokens.Authority(subject: "rate-greedy-" + Unique.Word()));
        using var patient = node.Client.As(TestTokens.Authority(subject: "rate-patient-" + Unique.Word()));
        await CallUntilRefusedAsync(async () =>
        {
            using var response = await greedy.Http.GetAsync("/v1/node");
            return (response.StatusCode != HttpStatusCode.TooManyRequests, null, null);
        });

        using var other = await patient.Http.GetAsync("/v1/node");

        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task AnonymousCallersAreLimitedByAddress_AndHealthChecksNeverAre()
    {
        using var anonymous = node.Client.As("");
        await CallUntilRefusedAsync(async () =>
        {
            using var response = await anonymous.Http.GetAsync("/v1/node");
            return (response.StatusCode != HttpStatusCode.TooManyRequests, null, null);
        });

        for (var i = 0; i < 3 * Burst; i++)
        {
            foreach (var path in new[] { "/health/live", "/health/ready", "/health/startup", "/healthz" })
            {
                var response = await anonymous.GetAsync(path);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered HTTP {(int)response.StatusCode} at call {i}: {response.Body}");
            }
            var health = await new Grpc.Health.V1.Health.HealthClient(anonymous.Channel).CheckAsync(new HealthCheckRequest(), deadline: NodeClient.Deadline);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        }
    }

    [Fact]
    public async Task PrometheusScrapesAreNeverLimited_LikeHealthChecks()
    {
        using var anonymous = node.Client.As("");
        await CallUntilRefusedAsync(async () =>
        {
            using var response = await anonymous.Http.GetAsync("/v1/node");
            return (response.StatusCode != HttpStatusCode.TooManyRequests, null, null);
        });

        for (var i = 0; i < 3 * Burst; i++)
        {
            using var response = await anonymous.Http.GetAsync("/metrics");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"/metrics answered {(int)response.StatusCode} at call {i}");
        }
    }

    private static async Task<(int Allowed, (JsonResponse? Body, System.Net.Http.Headers.RetryConditionHeaderValue? RetryAfter)? Refused)> CallUntilRefusedAsync(
        Func<Task<(bool Allowed, JsonResponse? Body, System.Net.Http.Headers.RetryConditionHeaderValue? RetryAfter)>> call)
    {
        var allowed = 0;
        for (var i = 0; i < Attempts; i++)
        {
            var (ok, body, retryAfter) = await call();
            if (!ok)
            {
                return (allowed, (body, retryAfter));
            }
            allowed++;
        }
        Assert.Fail($"{Attempts} calls in a row were allowed: no rate limit");
        return default;
    }
}

/// <summary>A node whose callers may make bursts of <see cref="Burst"/> requests and 1 a second after that.</summary>
public sealed class RateLimitedNodeFixture : IAsyncLifetime
{
    public const int Burst = 5;

    private InProcessNode? _node;

    public NodeClient Client => _node!.Client;

    public async Task InitializeAsync() => _node = await InProcessNode.StartAsync(NodeSettings.Embedded()
        .With("Limits:RequestsPerSecond", "1")
        .With("Limits:Burst", Burst.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RateLimitedNodeCollection : ICollectionFixture<RateLimitedNodeFixture>
{
    public const string Name = "rate-limited node";
}
