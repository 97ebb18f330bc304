using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Node.Hosting;
using FederatedRegistry.Testing;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;

namespace FederatedRegistry.Bench;

/// <summary>
/// The node's configuration for the bench: free loopback ports, a fresh data directory, and an issuer of the bench's own
/// whose public key the node trusts (as a deployment trusts its identity provider), so calls carry a real authority JWT.
/// </summary>
public sealed class BenchNodeSettings
{
    public const string Issuer = "https://issuer.fedreg.bench";
    public const string Audience = "fedreg-node";

    private static readonly ECDsa Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private BenchNodeSettings(Dictionary<string, string?> values) => Values = values;

    public Dictionary<string, string?> Values { get; }

    public Uri HttpAddress => new(Values["Kestrel:Endpoints:Http:Url"]!);

    public Uri GrpcAddress => new(Values["Kestrel:Endpoints:Grpc:Url"]!);

    /// <summary>The issuer's key, for a baseline service that trusts the same issuer as the node.</summary>
    public static Microsoft.IdentityModel.Tokens.SecurityKey SigningKey() => new Microsoft.IdentityModel.Tokens.ECDsaSecurityKey(Key);

    public static string AuthorityToken() =>
        DevelopmentTokens.Mint(Key, Issuer, Audience, "bench-authority", Roles.Authority, null, TimeSpan.FromHours(4), DateTimeOffset.UtcNow);

    /// <summary>A token for <paramref name="role"/> (e.g. <see cref="Roles.Observer"/>) from the same issuer.</summary>
    public static string Token(string role) =>
        DevelopmentTokens.Mint(Key, Issuer, Audience, "bench-" + role, role, null, TimeSpan.FromHours(4), DateTimeOffset.UtcNow);

    /// <param name="connectionString">PostgreSQL; null for the embedded SQLite file under the data directory.</param>
    public static BenchNodeSettings Create(string? connectionString, string? dataDirectory = null)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Node:Code"] = "KE",
            ["Node:Name"] = "KE bench node",
            ["Node:DataDirectory"] = dataDirectory ?? Path.GetDirectoryName(TempSqlite.NewDatabasePath("bench-node")),
            ["Storage:Provider"] = connectionString is null ? "embedded" : "postgres",
            ["Auth:Issuer"] = Issuer,
            ["Auth:Audience"] = Audience,
            ["Auth:SigningKeys:0"] = Key.ExportSubjectPublicKeyInfoPem(),
            // One caller drives the load; the per-caller limiter still runs on every request, but must not be what is measured.
            ["Limits:RequestsPerSecond"] = "1000000",
            ["Limits:Burst"] = "1000000",
            ["Kestrel:Endpoints:Http:Protocols"] = "Http1",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Orleans"] = "Error",
        };
        if (connectionString is not null)
        {
            values["ConnectionStrings:Registry"] = connectionString;
            values["Orleans:AdvertisedAddress"] = "127.0.0.1";
        }
        var settings = new BenchNodeSettings(values);
        settings.AssignFreePorts();
        return settings;
    }

    public void AssignFreePorts()
    {
        Values["Orleans:SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
        Values["Orleans:GatewayPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
        Values["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{FreePorts.Next()}";
        Values["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{FreePorts.Next()}";
        Values["Federation:ListenUrl"] = $"https://127.0.0.1:{FreePorts.Next()}";
    }

    /// <summary>The settings as a deployment passes them to a process (<c>Node__Code=KE</c>).</summary>
    public IEnumerable<KeyValuePair<string, string>> AsEnvironment() =>
        Values.Where(v => v.Value is not null).Select(v => KeyValuePair.Create(v.Key.Replace(":", "__", StringComparison.Ordinal), v.Value!));
}

/// <summary>The real node (NodeHost.Build, as Program.cs runs it) in this process, and a gRPC client of it as the authority.</summary>
public sealed class InProcessBenchNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _http;

    private InProcessBenchNode(WebApplication app, BenchNodeSettings settings)
    {
        _app = app;
        HttpAddress = settings.HttpAddress;
        var token = BenchNodeSettings.AuthorityToken();
        _http = new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = true }) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Channel = GrpcChannel.ForAddress(settings.GrpcAddress, new GrpcChannelOptions { HttpClient = _http });
        Grpc = new Registry.RegistryClient(Channel);
    }

    public GrpcChannel Channel { get; }

    /// <summary>The node's HTTP/1.1 endpoint (JSON transcoding, health, dashboard).</summary>
    public Uri HttpAddress { get; }

    public Registry.RegistryClient Grpc { get; }

    /// <summary>The node's services, for diagnostics that time one of its parts alone.</summary>
    public IServiceProvider Services => _app.Services;

    public static async Task<InProcessBenchNode> StartAsync(BenchNodeSettings settings, CancellationToken ct)
    {
        // The node's appsettings.json is copied beside the harness; read it from there, as the deployed node does.
        var app = NodeHost.Build(["--contentRoot", AppContext.BaseDirectory], settings.Values, "Production");
        await app.StartAsync(ct);
        var node = new InProcessBenchNode(app, settings);
        using var probe = new HttpClient { BaseAddress = settings.HttpAddress };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        while (!await Health.IsReadyAsync(probe, timeout.Token))
        {
            await Task.Delay(50, timeout.Token);
        }
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public static class Health
{
    /// <summary>True once <c>/health/ready</c> answers 200: the silo, the store and the API are all up.</summary>
    public static async Task<bool> IsReadyAsync(HttpClient client, CancellationToken ct, string path = "/health/ready")
    {
        try
        {
            using var response = await client.GetAsync(path, ct);
            return response.IsSuccessStatusCode;
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
}
