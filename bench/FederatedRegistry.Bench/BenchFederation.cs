using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Domain.Signing;
using FederatedRegistry.Federation;
using FederatedRegistry.Node.Hosting;
using FederatedRegistry.Testing;
using Grpc.Net.Client;

namespace FederatedRegistry.Bench;

/// <summary>One node of a bench federation: its code, role ("national" or "observer") and sharing policy document.</summary>
public sealed record BenchMember(string Code, string Role, string Policy);

/// <summary>
/// Several real nodes in this process, as the demo federation runs them: each with its own embedded store, data
/// directory, generated signing key and TLS certificate, and policy file; every node lists every other one as a peer
/// with its real public key and certificate fingerprint, so they talk over real gRPC with mutual TLS and signed
/// envelopes on loopback.
/// </summary>
public sealed class BenchFederation : IAsyncDisposable
{
    private readonly Dictionary<string, (InProcessBenchNode Node, BenchNodeSettings Settings)> _nodes;
    private readonly List<IDisposable> _owned = [];

    private BenchFederation(Dictionary<string, (InProcessBenchNode, BenchNodeSettings)> nodes) => _nodes = nodes;

    /// <summary>The node, with a client of its national API as the authority.</summary>
    public InProcessBenchNode this[string code] => _nodes[code].Node;

    public BenchNodeSettings Settings(string code) => _nodes[code].Settings;

    /// <summary>Configures and starts the nodes, all at once, and returns when every one is ready.</summary>
    /// <param name="members">The nodes.</param>
    /// <param name="route">
    /// The address <c>caller</c> is given for <c>peer</c>'s federation endpoint, from the real one (e.g. a relay in
    /// front of it); null: the real one for every pair.
    /// </param>
    /// <param name="ct">Stops the start.</param>
    public static async Task<BenchFederation> StartAsync(IReadOnlyList<BenchMember> members, Func<string, string, Uri, Uri>? route, CancellationToken ct)
    {
        // Free ports are free when chosen, not when bound: on a machine shared with other test runs one may be taken in
        // between, and every node's configuration names every other node's port, so the whole federation starts again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(members, route, ct);
            }
            catch (IOException e) when (attempt < 3 && e.InnerException is System.Net.Sockets.SocketException or IOException or null)
            {
                Console.Error.WriteLine($"  a port was taken meanwhile ({e.Message}); starting the federation again");
            }
        }
    }

    private static async Task<BenchFederation> StartOnceAsync(IReadOnlyList<BenchMember> members, Func<string, string, Uri, Uri>? route, CancellationToken ct)
    {
        var configured = new List<(BenchMember Member, BenchNodeSettings Settings, string PublicKey, string CertificateSha256)>();
        foreach (var member in members)
        {
            var settings = BenchNodeSettings.Create(null);
            var directory = settings.Values["Node:DataDirectory"]!;
            Directory.CreateDirectory(directory);
            // The signing key and TLS certificate are generated where the node looks for its defaults, as the node
            // itself would on its first start: the peers need the public key and the fingerprint before any node runs.
            using var key = NodeKey.Generate();
            await WriteNewAsync(Path.Combine(directory, FederationOptions.DefaultKeyFileName), key.ExportPkcs8Pem(), secret: true);
            var now = DateTimeOffset.UtcNow;
            using var generated = NodeCertificate.CreateSelfSigned(member.Code, now.AddHours(-1), now.AddDays(30));
            await WriteNewAsync(Path.Combine(directory, "federation-key.pem"), generated.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(), secret: true);
            await WriteNewAsync(Path.Combine(directory, "federation-cert.pem"), generated.ExportCertificatePem(), secret: false);
            var certificateSha256 = Convert.ToHexStringLower(PeerCertificatePin.Fingerprint(generated));
            var policyFile = Path.Combine(directory, "policy.json");
            await File.WriteAllTextAsync(policyFile, member.Policy, ct);
            settings.Values["Node:Code"] = member.Code;
            settings.Values["Node:Name"] = $"{member.Code} bench node";
            settings.Values["Node:Role"] = member.Role;
            settings.Values["Sharing:PolicyFile"] = policyFile;
            configured.Add((member, settings, key.PublicKey.ToBase64(), certificateSha256));
        }
        foreach (var (member, settings, _, _) in configured)
        {
            var i = 0;
            foreach (var (peer, peerSettings, publicKey, sha256) in configured.Where(c => c.Member != member))
            {
                var address = new Uri(peerSettings.Values["Federation:ListenUrl"]!);
                address = route?.Invoke(member.Code, peer.Code, address) ?? address;
                settings.Values[$"Federation:Peers:{i}:Code"] = peer.Code;
                settings.Values[$"Federation:Peers:{i}:Role"] = peer.Role;
                settings.Values[$"Federation:Peers:{i}:Address"] = address.ToString().TrimEnd('/');
                settings.Values[$"Federation:Peers:{i}:PublicKey"] = publicKey;
                settings.Values[$"Federation:Peers:{i}:CertificateSha256"] = sha256;
                i++;
            }
        }
        var starting = configured.Select(c => InProcessBenchNode.StartAsync(c.Settings, ct)).ToArray();
        try
        {
            await Task.WhenAll(starting);
        }
        catch
        {
            foreach (var started in starting.Where(s => s.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync();
            }
            throw;
        }
        return new BenchFederation(configured.Zip(starting).ToDictionary(
            p => p.First.Member.Code, p => (p.Second.Result, p.First.Settings), StringComparer.Ordinal));
    }

    private static async Task WriteNewAsync(string path, string text, bool secret)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (secret && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        await using var writer = new StreamWriter(path, options);
        await writer.WriteAsync(text);
    }

    /// <summary>A client of <paramref name="code"/>'s national API calling with a token for <paramref name="role"/>; disposed with the federation.</summary>
    public Registry.RegistryClient ClientAs(string code, string role, int maxReceiveBytes = 4 * 1024 * 1024)
    {
        var http = new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = true }) { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", BenchNodeSettings.Token(role));
        var channel = GrpcChannel.ForAddress(_nodes[code].Settings.GrpcAddress, new GrpcChannelOptions { HttpClient = http, MaxReceiveMessageSize = maxReceiveBytes });
        _owned.Add(channel);
        _owned.Add(http);
        return new Registry.RegistryClient(channel);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
        await Task.WhenAll(_nodes.Values.Select(n => n.Node.DisposeAsync().AsTask()));
    }
}

/// <summary>One call a node made to a peer's federation service, as the node's own metric recorded it.</summary>
public readonly record struct FederationCall(string Peer, string Method, string Outcome, double Milliseconds, long Timestamp);

/// <summary>
/// Listens to <c>fedreg.federation.call.duration</c>, which every node in this process records for each call it makes
/// to a peer once the answer is back: a signal that costs the nodes nothing (no polling of their APIs) and tells when a
/// peer has answered, e.g. when a receiver's signed delivery receipt has reached the sender.
/// </summary>
public sealed class FederationCalls : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly List<FederationCall> _calls = [];
    private readonly List<(Func<FederationCall, bool> Match, long Count, TaskCompletionSource Done)> _waiters = [];
    private readonly Dictionary<(string Peer, string Method, string Outcome), long> _counts = [];

    public FederationCalls()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == FederationMetrics.MeterName && instrument.Name == "fedreg.federation.call.duration")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>(OnMeasurement);
        _listener.Start();
    }

    /// <summary>How many calls of <paramref name="method"/> to <paramref name="peer"/> ended with <paramref name="outcome"/> so far.</summary>
    public long Count(string peer, string method, string outcome = FederationMetrics.Ok)
    {
        lock (_gate)
        {
            return _counts.GetValueOrDefault((peer, method, outcome));
        }
    }

    /// <summary>The calls recorded since <paramref name="since"/> (a <see cref="Stopwatch"/> timestamp) that match.</summary>
    public IReadOnlyList<FederationCall> Since(long since, Func<FederationCall, bool> match)
    {
        lock (_gate)
        {
            return [.. _calls.Where(c => c.Timestamp >= since && match(c))];
        }
    }

    /// <summary>Completes once <paramref name="count"/> calls of <paramref name="method"/> to <paramref name="peer"/> have ended with <paramref name="outcome"/>.</summary>
    public async Task WaitForAsync(string peer, string method, long count, TimeSpan timeout, string outcome = FederationMetrics.Ok)
    {
        TaskCompletionSource done;
        lock (_gate)
        {
            if (_counts.GetValueOrDefault((peer, method, outcome)) >= count)
            {
                return;
            }
            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((c => c.Peer == peer && c.Method == method && c.Outcome == outcome, count, done));
        }
        try
        {
            await done.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                _waiters.RemoveAll(w => w.Done == done);
            }
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                $"{method} to {peer} had not succeeded {count} times after {timeout.TotalSeconds:F0} s (it has {Count(peer, method, outcome)})."));
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string peer = "", method = "", outcome = "";
        foreach (var (key, value) in tags)
        {
            switch (key)
            {
                case "peer": peer = value as string ?? ""; break;
                case "method": method = value as string ?? ""; break;
                case "outcome": outcome = value as string ?? ""; break;
            }
        }
        var call = new FederationCall(peer, method, outcome, seconds * 1000, Stopwatch.GetTimestamp());
        lock (_gate)
        {
            _calls.Add(call);
            var key = (peer, method, outcome);
            var count = _counts[key] = _counts.GetValueOrDefault(key) + 1;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(call) && count >= _waiters[i].Count)
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
