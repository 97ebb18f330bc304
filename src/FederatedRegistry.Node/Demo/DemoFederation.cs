using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using FederatedRegistry.Domain.Signing;
using FederatedRegistry.Federation;
using FederatedRegistry.Node.Hosting;
using Microsoft.Extensions.Configuration;
using Grpc.Net.Client;
using V1 = FederatedRegistry.Contracts.V1;

namespace FederatedRegistry.Node.Demo;

/// <summary>
/// <c>fedreg-node demo</c>: a federation on one machine. Three sovereign nodes with different sharing policies and one
/// observer, each with its own data directory, key and TLS certificate under Node:DataDirectory, all on loopback and
/// the embedded store, every node pinning the others' certificates (mutual TLS between them); the national nodes are
/// seeded once, then it prints one line per node and runs until interrupted.
/// </summary>
public static class DemoFederation
{
    public const string Command = "demo";

    /// <summary>The first port; node i takes the five ports from BasePort + 10·i (HTTP, gRPC, federation, silo, gateway). 0: any free ports.</summary>
    public const string BasePortKey = "Demo:BasePort";

    public const int DefaultBasePort = 5080;

    private static readonly (string Code, string Name, string Role)[] Nodes =
    [
        ("KE", "Kenya AI Registry (demo)", "national"),
        ("FR", "France AI Authority (demo)", "national"),
        ("BR", "Brazil AI Registry (demo)", "national"),
        ("INTL", "International AI Observatory (demo)", "observer"),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stop.Cancel();
        });

        var federation = await StartAsync(args, Console.Error, stop.Token);
        await using (federation)
        {
            foreach (var node in federation.Nodes)
            {
                Console.WriteLine($"{node.Code} http={node.Http.ToString().TrimEnd('/')} grpc={node.Grpc.ToString().TrimEnd('/')} federation={node.Federation.ToString().TrimEnd('/')}");
            }
            Console.Out.Flush();
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("Stopping the demo federation...");
            }
        }
        return 0;
    }

    /// <summary>Starts every demo node, waits until all serve, and seeds the national ones (once per data directory).</summary>
    /// <param name="args">The command line after "demo": configuration such as --Node:DataDirectory=... and --Demo:BasePort=0.</param>
    /// <param name="log">Where progress goes (stderr for the command, so that stdout carries only the node lines).</param>
    /// <param name="ct">Stops the start.</param>
    public static async Task<RunningFederation> StartAsync(string[] args, TextWriter log, CancellationToken ct)
    {
        // Read as every node reads its own (appsettings, environment, command line), so the demo honours the same settings.
        var configuration = WebApplication.CreateBuilder(args).Configuration;
        var root = configuration["Node:DataDirectory"];
        if (string.IsNullOrWhiteSpace(root))
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException("Demo", typeof(DemoFederation),
                ["Node:DataDirectory is required: the demo keeps each node's data in a directory of that name under it, e.g. --Node:DataDirectory=data."]);
        }
        root = Path.GetFullPath(root);
        var basePort = int.TryParse(configuration[BasePortKey], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : DefaultBasePort;

        var keys = Nodes.Select(n => NodeSharing.LoadDefaultKey(Path.Combine(root, n.Code))).ToArray();
        // Generated (or found) before any node starts, as each node would on its own: every node pins the others' fingerprints.
        var certificates = Nodes.Select(n => NodeCertificates.LoadDefault(Path.Combine(root, n.Code), n.Code)).ToArray();
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await StartOnceAsync(args, configuration, root, basePort, keys, certificates, log, ct);
                }
                catch (Exception e) when (basePort == 0 && attempt < FreePortAttempts && IsAddressInUse(e))
                {
                    // A port found free was taken by another process before the node bound it: any other port will do.
                    log.WriteLine($"A port was taken while the demo started ({e.Message}); starting again on other ports.");
                }
            }
        }
        finally
        {
            foreach (var key in keys)
            {
                key.Dispose();
            }
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }
        }
    }

    private static async Task<RunningFederation> StartOnceAsync(string[] args, IConfiguration configuration, string root, int basePort,
        NodeKey[] keys, NodeCertificate[] certificates, TextWriter log, CancellationToken ct)
    {
        var endpoints = Nodes.Select((n, i) => Endpoints(basePort, i)).ToArray();
        var apps = new List<(DemoNode Node, WebApplication App)>();
        var started = false;
        try
        {
            for (var i = 0; i < Nodes.Length; i++)
            {
                var (code, name, role) = Nodes[i];
                var directory = Path.Combine(root, code);
                var policyFile = Path.Combine(directory, "policy.json");
                await File.WriteAllTextAsync(policyFile, DemoPolicies.For(code), ct);
                var settings = new Dictionary<string, string?>
                {
                    ["Node:Code"] = code,
                    ["Node:Name"] = name,
                    ["Node:Role"] = role,
                    ["Node:DataDirectory"] = directory,
                    ["Storage:Provider"] = "embedded",
                    ["Kestrel:Endpoints:Http:Url"] = endpoints[i].Http.ToString().TrimEnd('/'),
                    ["Kestrel:Endpoints:Http:Protocols"] = "Http1",
                    ["Kestrel:Endpoints:Grpc:Url"] = endpoints[i].Grpc.ToString().TrimEnd('/'),
                    ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
                    ["Federation:ListenUrl"] = endpoints[i].Federation.ToString().TrimEnd('/'),
                    ["Federation:Certificate:Path"] = null,
                    ["Orleans:SiloPort"] = endpoints[i].Silo.ToString(CultureInfo.InvariantCulture),
                    ["Orleans:GatewayPort"] = endpoints[i].Gateway.ToString(CultureInfo.InvariantCulture),
                    ["Sharing:PolicyFile"] = policyFile,
                    ["Federation:KeyFile"] = null,
                    // Stdout carries only the node lines; logs go to stderr, quiet unless asked for.
                    ["Logging:Console:LogToStandardErrorThreshold"] = "Trace",
                    ["Logging:LogLevel:Default"] = configuration["Demo:LogLevel"] ?? "Warning",
                };
                var peer = 0;
                for (var j = 0; j < Nodes.Length; j++)
                {
                    if (j == i)
                    {
                        continue;
                    }
                    settings[$"Federation:Peers:{peer}:Code"] = Nodes[j].Code;
                    settings[$"Federation:Peers:{peer}:Role"] = Nodes[j].Role;
                    settings[$"Federation:Peers:{peer}:Address"] = endpoints[j].Federation.ToString().TrimEnd('/');
                    settings[$"Federation:Peers:{peer}:PublicKey"] = keys[j].PublicKey.ToBase64();
                    settings[$"Federation:Peers:{peer}:CertificateSha256"] = certificates[j].Sha256;
                    peer++;
                }
                var node = new DemoNode(code, role, directory, endpoints[i].Http, endpoints[i].Grpc, endpoints[i].Federation);
                // Development: the demo's nodes trust tokens minted from their data directories (fedreg-node token).
                apps.Add((node, NodeHost.Build(args, settings, Environments.Development)));
            }
            log.WriteLine($"Starting {string.Join(", ", Nodes.Select(n => n.Code))} under {root} ...");
            await Task.WhenAll(apps.Select(a => a.App.StartAsync(ct)));

            var nationals = apps.Where(a => a.Node.Role == "national").Select(a => a.Node).ToList();
            var progress = new Progress<string>(line => log.WriteLine(line));
            foreach (var node in nationals)
            {
                var marker = Path.Combine(node.DataDirectory, "demo-seeded");
                if (File.Exists(marker))
                {
                    continue;
                }
                using var key = DevelopmentTokens.LoadOrCreateKey(node.DataDirectory);
                var token = DevelopmentTokens.Mint(key, DevelopmentTokens.Issuer, DevelopmentTokens.AudienceFor(node.Code), "demo-seed",
                    Roles.Authority, null, TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
                using var http = new HttpClient { DefaultRequestHeaders = { Authorization = new("Bearer", token) } };
                using var channel = GrpcChannel.ForAddress(node.Grpc, new GrpcChannelOptions { HttpClient = http });
                var others = nationals.Where(n => n.Code != node.Code).Select(n => n.Code).ToList();
                var report = await DemoSeed.SeedAsync(node.Code, others, new V1.Registry.RegistryClient(channel), progress, ct);
                await File.WriteAllTextAsync(marker, report.ToString(), ct);
            }
            started = true;
            return new RunningFederation([.. apps.Select(a => a.Node)], [.. apps.Select(a => a.App)]);
        }
        finally
        {
            if (!started)
            {
                foreach (var (_, app) in apps)
                {
                    await app.DisposeAsync();
                }
            }
        }
    }

    private const int FreePortAttempts = 3;

    private static bool IsAddressInUse(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is Microsoft.AspNetCore.Connections.AddressInUseException
                || e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }
                || (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsAddressInUse)))
            {
                return true;
            }
        }
        return false;
    }

    private static (Uri Http, Uri Grpc, Uri Federation, int Silo, int Gateway) Endpoints(int basePort, int index)
    {
        int Port(int offset) => basePort == 0 ? FreePort() : basePort + 10 * index + offset;
        return (new Uri($"http://127.0.0.1:{Port(0)}"), new Uri($"http://127.0.0.1:{Port(1)}"), new Uri($"https://127.0.0.1:{Port(2)}"), Port(3), Port(4));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One demo node: its code, role, data directory and the addresses it serves (the federation one for peers only).</summary>
public sealed record DemoNode(string Code, string Role, string DataDirectory, Uri Http, Uri Grpc, Uri Federation);

/// <summary>The running demo nodes; disposing stops them all.</summary>
public sealed class RunningFederation(IReadOnlyList<DemoNode> nodes, IReadOnlyList<WebApplication> apps) : IAsyncDisposable
{
    public IReadOnlyList<DemoNode> Nodes { get; } = nodes;

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(apps.Select(async app =>
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }));
    }
}
