using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FederatedRegistry.Contracts.V1;
using Grpc.Net.Client;

namespace FederatedRegistry.Node.Tests.Support;

/// <summary>
/// Real clients of one running node: an <see cref="HttpClient"/> on its HTTP/1.1 port and a gRPC channel on its h2c
/// port, both sending one bearer token (the authority's unless another is given; none with <c>token: ""</c>).
/// </summary>
public sealed class NodeClient : IDisposable
{
    public NodeClient(Uri httpAddress, Uri grpcAddress, string? token = null)
    {
        HttpAddress = httpAddress;
        GrpcAddress = grpcAddress;
        Token = token ?? TestTokens.Authority();
        Http = new HttpClient { BaseAddress = httpAddress, Timeout = TimeSpan.FromSeconds(60) };
        var grpcHttp = new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = true }) { Timeout = Timeout.InfiniteTimeSpan };
        if (Token.Length > 0)
        {
            Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
            grpcHttp.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        }
        Channel = GrpcChannel.ForAddress(grpcAddress, new GrpcChannelOptions { HttpClient = grpcHttp, DisposeHttpClient = true });
        Grpc = new Registry.RegistryClient(Channel);
    }

    /// <summary>The bearer token every call carries; empty for none.</summary>
    public string Token { get; }

    /// <summary>Another client of the same node, calling with <paramref name="token"/> ("" for none).</summary>
    public NodeClient As(string token) => new(HttpAddress, GrpcAddress, token);

    public Uri HttpAddress { get; }

    public Uri GrpcAddress { get; }

    public HttpClient Http { get; }

    public GrpcChannel Channel { get; }

    public Registry.RegistryClient Grpc { get; }

    /// <summary>A deadline for one gRPC call: generous, so a busy two-core machine never fails a test by itself.</summary>
    public static DateTime Deadline => DateTime.UtcNow.AddSeconds(60);

    public Task<JsonResponse> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);

    public Task<JsonResponse> PostAsync(string path, JsonNode? body) => SendAsync(HttpMethod.Post, path, body);

    public Task<JsonResponse> PutAsync(string path, JsonNode? body) => SendAsync(HttpMethod.Put, path, body);

    public async Task<JsonResponse> SendAsync(HttpMethod method, string path, JsonNode? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }
        return await SendAsync(request);
    }

    /// <summary>Sends <paramref name="rawBody"/> exactly as given, for malformed and mistyped JSON.</summary>
    public async Task<JsonResponse> SendRawAsync(HttpMethod method, string path, string rawBody)
    {
        using var request = new HttpRequestMessage(method, path)
        {
            Content = new StringContent(rawBody, Encoding.UTF8, "application/json"),
        };
        return await SendAsync(request);
    }

    /// <summary>True when the readiness probe <c>/health/ready</c> answers 200 with status "healthy".</summary>
    public async Task<bool> IsHealthyAsync(CancellationToken ct)
    {
        try
        {
            using var response = await Http.GetAsync("/health/ready", ct);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }
            var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
            return (string?)body?["status"] == "healthy";
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose()
    {
        Channel.Dispose();
        Http.Dispose();
    }

    private async Task<JsonResponse> SendAsync(HttpRequestMessage request)
    {
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new JsonResponse(response.StatusCode, text);
    }
}
