using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FederatedRegistry.Contracts.V1;
using Grpc.Net.Client;

namespace FederatedRegistry.Node.Tests.Support;

/// <summary>Real clients of one running node: an <see cref="HttpClient"/> on its HTTP/1.1 port and a gRPC channel on its h2c port.</summary>
public sealed class NodeClient : IDisposable
{
    public NodeClient(Uri httpAddress, Uri grpcAddress)
    {
        HttpAddress = httpAddress;
        GrpcAddress = grpcAddress;
        Http = new HttpClient { BaseAddress = httpAddress, Timeout = TimeSpan.FromSeconds(60) };
        Channel = GrpcChannel.ForAddress(grpcAddress);
        Grpc = new Registry.RegistryClient(Channel);
    }

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

    /// <summary>True when <c>/healthz</c> answers 200 with status "healthy".</summary>
    public async Task<bool> IsHealthyAsync(CancellationToken ct)
    {
        try
        {
            using var response = await Http.GetAsync("/healthz", ct);
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
