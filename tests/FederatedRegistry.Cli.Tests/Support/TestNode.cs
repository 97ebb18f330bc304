using System.Globalization;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Node.Hosting;
using FederatedRegistry.Testing;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace FederatedRegistry.Cli.Tests.Support;

/// <summary>A real node (NodeHost.Build: silo, embedded store, API, auth) in this process, on free loopback ports.</summary>
public sealed class TestNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GrpcChannel _channel;
    private readonly string _dataDirectory;

    private TestNode(string code, WebApplication app, Uri grpcAddress, string dataDirectory)
    {
        Code = code;
        _app = app;
        GrpcAddress = grpcAddress;
        _dataDirectory = dataDirectory;
        _channel = GrpcChannel.ForAddress(grpcAddress);
        Client = new Registry.RegistryClient(_channel);
    }

    public string Code { get; }

    /// <summary>What --node takes: "http://127.0.0.1:port".</summary>
    public Uri GrpcAddress { get; }

    public string Url => GrpcAddress.ToString().TrimEnd('/');

    /// <summary>The node's embedded database, for tests that tamper with it as someone with access to the disk could.</summary>
    public string DatabasePath => Path.Combine(_dataDirectory, "registry.db");

    /// <summary>A client for arranging and checking, with the authority's token.</summary>
    public Registry.RegistryClient Client { get; }

    public static CallOptions AsAuthority => new(new Metadata { { "authorization", "Bearer " + TestIssuer.Authority() } });

    public static async Task<TestNode> StartAsync(string code)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "fedreg-cli-tests", $"{code}-{Guid.NewGuid():N}");
        for (var attempt = 1; ; attempt++)
        {
            var grpc = new Uri($"http://127.0.0.1:{FreePorts.Next()}");
            var settings = new Dictionary<string, string?>
            {
                ["Node:Code"] = code,
                ["Node:Name"] = $"{code} CLI test node",
                ["Node:DataDirectory"] = dataDirectory,
                ["Storage:Provider"] = "embedded",
                ["Auth:Issuer"] = TestIssuer.Issuer,
                ["Auth:Audience"] = TestIssuer.Audience,
                ["Auth:SigningKeys:0"] = TestIssuer.PublicKeyPem,
                // Imports call as fast as the machine allows; the rate limit is not what these tests are about.
                ["Limits:RequestsPerSecond"] = "1000000",
                ["Limits:Burst"] = "1000000",
                ["Orleans:SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
                ["Orleans:GatewayPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
                ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{FreePorts.Next()}",
                ["Kestrel:Endpoints:Grpc:Url"] = grpc.ToString().TrimEnd('/'),
                ["Federation:ListenUrl"] = $"https://127.0.0.1:{FreePorts.Next()}",
                ["Logging:LogLevel:Default"] = "Warning",
            };
            var app = NodeHost.Build([], settings, Environments.Production);
            try
            {
                await app.StartAsync();
            }
            catch (IOException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                // A port that was free when chosen was taken before Kestrel bound it; choose others.
                await app.DisposeAsync();
                continue;
            }
            var node = new TestNode(code, app, grpc, dataDirectory);
            await node.WaitReadyAsync();
            return node;
        }
    }

    private async Task WaitReadyAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (true)
        {
            try
            {
                await Client.GetNodeInfoAsync(new GetNodeInfoRequest(), cancellationToken: timeout.Token);
                return;
            }
            catch (RpcException) when (!timeout.IsCancellationRequested)
            {
                await Task.Delay(100, timeout.Token);
            }
        }
    }

    /// <summary>Admits a provider organisation (idempotent) and returns its id on this node.</summary>
    public async Task<string> AdmitProviderAsync(string slug)
    {
        try
        {
            await Client.CreateProviderAsync(new CreateProviderRequest { Slug = slug, Name = $"{slug} Ltd", Country = Code, ContactEmail = $"compliance@{slug}.example", Website = $"https://{slug}.example" }, AsAuthority);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists)
        {
        }
        return $"{Code}-PRV-{slug}";
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left to the temp directory's own clean-up.
        }
    }
}

/// <summary>
/// Two national nodes for the end-to-end tests: KE, where the provider "acme-health" is admitted, and FR, where it is
/// not, so that one registration in both is created in one and refused in the other.
/// </summary>
public sealed class TwoNodes : IAsyncLifetime
{
    public const string Provider = "acme-health";

    public TestNode Ke { get; private set; } = null!;

    public TestNode Fr { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Ke = await TestNode.StartAsync("KE");
        Fr = await TestNode.StartAsync("FR");
        await Ke.AdmitProviderAsync(Provider);
    }

    public async Task DisposeAsync()
    {
        await Fr.DisposeAsync();
        await Ke.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class TwoNodesCollection : ICollectionFixture<TwoNodes>
{
    public const string Name = "two nodes";
}
