using FederatedRegistry.Domain.Signing;
using FederatedRegistry.Federation;
using FederatedRegistry.Node.Hosting;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;

namespace FederatedRegistry.Node.Tests.Support;

/// <summary>One node of a <see cref="TestFederation"/>: its settings, key and TLS certificate, and the host while it runs.</summary>
public sealed class FederationNode : IAsyncDisposable
{
    private readonly Dictionary<string, GrpcChannel> _peerChannels = new(StringComparer.Ordinal);
    private WebApplication? _app;

    internal FederationNode(string code, string role, NodeSettings settings, NodeKey key, NodeCertificate certificate)
    {
        Code = code;
        Role = role;
        Settings = settings;
        Key = key;
        Certificate = certificate;
        Client = new NodeClient(settings.HttpAddress, settings.GrpcAddress);
    }

    public string Code { get; }

    public string Role { get; }

    public NodeSettings Settings { get; }

    /// <summary>The node's signing key (also in its data directory, where the node reads it).</summary>
    public NodeKey Key { get; }

    /// <summary>The node's TLS certificate with its key (generated into its data directory, where the node reads it).</summary>
    public NodeCertificate Certificate { get; }

    public NodeClient Client { get; }

    public bool IsRunning => _app is not null;

    /// <summary>A channel to this node's federation endpoint that presents <paramref name="certificate"/> (none when null), as a peer would.</summary>
    public GrpcChannel FederationChannel(NodeCertificate? certificate) =>
        FederationChannels.Open(Settings.FederationAddress, certificate, Certificate.Sha256);

    /// <summary>A federation client of this node calling as <paramref name="peer"/>, with that peer's certificate (one channel per peer, kept).</summary>
    public Contracts.V1.Federation.FederationClient FederationAs(FederationNode peer)
    {
        lock (_peerChannels)
        {
            if (!_peerChannels.TryGetValue(peer.Code, out var channel))
            {
                channel = FederationChannel(peer.Certificate);
                _peerChannels[peer.Code] = channel;
            }
            return new(channel);
        }
    }

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
        foreach (var channel in _peerChannels.Values)
        {
            channel.Dispose();
        }
        Key.Dispose();
        Certificate.Dispose();
    }
}

/// <summary>
/// Several real nodes in this process, each with its own embedded store, key, TLS certificate, policy and ports, every
/// one listing the others as peers (with their real public keys and certificate fingerprints): federation over real
/// gRPC with mutual TLS on loopback.
/// </summary>
public sealed class TestFederation : IAsyncDisposable
{
    private readonly Dictionary<string, FederationNode> _nodes;

    private TestFederation(IEnumerable<FederationNode> nodes) => _nodes = nodes.ToDictionary(n => n.Code, StringComparer.Ordinal);

    public FederationNode this[string code] => _nodes[code];

    public IEnumerable<FederationNode> Nodes => _nodes.Values;

    /// <summary>Configures and starts the nodes.</summary>
    /// <param name="nodes">Code, role ("national" or "observer") and policy document of each node.</param>
    /// <param name="extraPeers">
    /// Peers to add to every node's directory besides the others (e.g. a stalled one): code, role, federation address,
    /// public key, and the TLS pin as settings (CertificateSha256, or CaCertificate and Subject).
    /// </param>
    /// <param name="configure">Settings of the test's own for every node (e.g. short audit intervals), applied before the peers.</param>
    public static async Task<TestFederation> StartAsync(
        IReadOnlyList<(string Code, string Role, string Policy)> nodes,
        IReadOnlyList<(string Code, string Role, Uri Address, NodePublicKey Key, IReadOnlyDictionary<string, string> Pin)>? extraPeers = null,
        Action<NodeSettings>? configure = null)
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
            // The node's own default: generated into its data directory, where the node then finds it.
            var certificate = NodeCertificates.LoadDefault(settings.DataDirectory, code);
            var policyFile = Path.Combine(settings.DataDirectory, "policy.json");
            await File.WriteAllTextAsync(policyFile, policy);
            settings.With("Sharing:PolicyFile", policyFile);
            configure?.Invoke(settings);
            members.Add(new FederationNode(code, role, settings, key, certificate));
        }
        foreach (var node in members)
        {
            var peers = members.Where(m => m != node)
                .Select(m => (m.Code, m.Role, Address: m.Settings.FederationAddress, m.Key.PublicKey,
                    Pin: (IReadOnlyDictionary<string, string>)new Dictionary<string, string> { ["CertificateSha256"] = m.Certificate.Sha256 }))
                .Concat(extraPeers?.Select(p => (p.Code, p.Role, p.Address, PublicKey: p.Key, p.Pin)) ?? [])
                .ToList();
            for (var i = 0; i < peers.Count; i++)
            {
                node.Settings
                    .With($"Federation:Peers:{i}:Code", peers[i].Code)
                    .With($"Federation:Peers:{i}:Role", peers[i].Role)
                    .With($"Federation:Peers:{i}:Address", peers[i].Address.ToString().TrimEnd('/'))
                    .With($"Federation:Peers:{i}:PublicKey", peers[i].PublicKey.ToBase64());
                foreach (var (setting, value) in peers[i].Pin)
                {
                    node.Settings.With($"Federation:Peers:{i}:{setting}", value);
                }
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
