using FederatedRegistry.Domain.Signing;
using FederatedRegistry.Node.Hosting;
using Microsoft.AspNetCore.Builder;

namespace FederatedRegistry.Node.Tests.Support;

/// <summary>One node of a <see cref="TestFederation"/>: its settings and key, and the host while it runs.</summary>
public sealed class FederationNode : IAsyncDisposable
{
    private WebApplication? _app;

    internal FederationNode(string code, string role, NodeSettings settings, NodeKey key)
    {
        Code = code;
        Role = role;
        Settings = settings;
        Key = key;
        Client = new NodeClient(settings.HttpAddress, settings.GrpcAddress);
    }

    public string Code { get; }

    public string Role { get; }

    public NodeSettings Settings { get; }

    /// <summary>The node's signing key (also in its data directory, where the node reads it).</summary>
    public NodeKey Key { get; }

    public NodeClient Client { get; }

    public bool IsRunning => _app is not null;

    /// <summary>Starts the node (again) on the same data directory and ports, and waits until it is healthy.</summary>
    public async Task StartAsync()
    {
        if (_app is not null)
        {
            return;
        }
        var app = NodeHost.Build([], Settings.Values);
        await app.StartAsync();
        _app = app;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (!await Client.IsHealthyAsync(timeout.Token))
        {
            await Task.Delay(100, timeout.Token);
        }
    }

    /// <summary>Stops the node gracefully; its data stays.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Client.Dispose();
        Key.Dispose();
    }
}

/// <summary>
/// Several real nodes in this process, each with its own embedded store, key, policy and ports, every one listing
/// the others as peers (with their real public keys): federation over real gRPC on loopback.
/// </summary>
public sealed class TestFederation : IAsyncDisposable
{
    private readonly Dictionary<string, FederationNode> _nodes;

    private TestFederation(IEnumerable<FederationNode> nodes) => _nodes = nodes.ToDictionary(n => n.Code, StringComparer.Ordinal);

    public FederationNode this[string code] => _nodes[code];

    public IEnumerable<FederationNode> Nodes => _nodes.Values;

    /// <summary>Configures and starts the nodes.</summary>
    /// <param name="nodes">Code, role ("national" or "observer") and policy document of each node.</param>
    /// <param name="extraPeers">Peers to add to every node's directory besides the others (e.g. a stalled one): code, role, gRPC address, public key.</param>
    public static async Task<TestFederation> StartAsync(
        IReadOnlyList<(string Code, string Role, string Policy)> nodes,
        IReadOnlyList<(string Code, string Role, Uri Address, NodePublicKey Key)>? extraPeers = null)
    {
        var members = new List<FederationNode>();
        foreach (var (code, role, policy) in nodes)
        {
            var settings = NodeSettings.Embedded(code)
                .With("Node:Role", role)
                .With("Kestrel:Endpoints:Http:Protocols", "Http1")
                .With("Kestrel:Endpoints:Grpc:Protocols", "Http2")
                // Retries a few times a second: a returning peer is found quickly in tests.
                .With("Federation:Delivery:FirstRetryDelay", "00:00:00.100")
                .With("Federation:Delivery:MaxRetryDelay", "00:00:00.500")
                .With("Logging:LogLevel:Default", "Warning");
            Directory.CreateDirectory(settings.DataDirectory);
            var key = NodeKey.Generate();
            await File.WriteAllTextAsync(Path.Combine(settings.DataDirectory, "node-key.pem"), key.ExportPkcs8Pem());
            var policyFile = Path.Combine(settings.DataDirectory, "policy.json");
            await File.WriteAllTextAsync(policyFile, policy);
            settings.With("Sharing:PolicyFile", policyFile);
            members.Add(new FederationNode(code, role, settings, key));
        }
        foreach (var node in members)
        {
            var peers = members.Where(m => m != node)
                .Select(m => (m.Code, m.Role, Address: m.Settings.GrpcAddress, m.Key.PublicKey))
                .Concat(extraPeers?.Select(p => (p.Code, p.Role, p.Address, PublicKey: p.Key)) ?? [])
                .ToList();
            for (var i = 0; i < peers.Count; i++)
            {
                node.Settings
                    .With($"Federation:Peers:{i}:Code", peers[i].Code)
                    .With($"Federation:Peers:{i}:Role", peers[i].Role)
                    .With($"Federation:Peers:{i}:Address", peers[i].Address.ToString().TrimEnd('/'))
                    .With($"Federation:Peers:{i}:PublicKey", peers[i].PublicKey.ToBase64());
            }
        }
        var federation = new TestFederation(members);
        try
        {
            await Task.WhenAll(members.Select(m => m.StartAsync()));
        }
        catch
        {
            await federation.DisposeAsync();
            throw;
        }
        return federation;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.Values)
        {
            await node.DisposeAsync();
        }
    }
}
