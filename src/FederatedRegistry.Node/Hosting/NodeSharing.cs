using FederatedRegistry.Storage;
using System.Security.Cryptography;
using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Sharing;
using FederatedRegistry.Domain.Signing;
using FederatedRegistry.Federation;
using FederatedRegistry.Grains;
using Microsoft.Extensions.Options;

namespace FederatedRegistry.Node.Hosting;

/// <summary>The node's sharing policy file. Bound from the "Sharing" section.</summary>
public sealed class SharingOptions
{
    public const string Section = "Sharing";

    /// <summary>
    /// A JSON sharing policy document, installed at start as a new policy version when it differs from the stored one.
    /// Unset: the stored policy stays in force, deny-all (version 0) until one is installed.
    /// </summary>
    public string? PolicyFile { get; set; }
}

/// <summary>The node's federation identity. Bound from the "Federation" section.</summary>
public sealed class FederationOptions
{
    public const string Section = "Federation";

    /// <summary>The default key file name under Node:DataDirectory.</summary>
    public const string DefaultKeyFileName = "node-key.pem";

    /// <summary>
    /// The node's ECDSA P-256 signing key as an unencrypted PKCS#8 PEM file. Unset: <c>&lt;Node:DataDirectory&gt;/node-key.pem</c>,
    /// generated on first start (mode 0600 on Unix).
    /// </summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// The peers this node talks to and believes (Federation:Peers:0:Code, :Role, :Address, :PublicKey, and the TLS pin
    /// :CertificateSha256, :Certificate, or :CaCertificate with :Subject). None: it shares nothing.
    /// </summary>
    public List<PeerOptions> Peers { get; set; } = [];

    /// <summary>The federation endpoint (https, HTTP/2, client certificates required), where peers call this node.</summary>
    public string ListenUrl { get; set; } = FederationEndpoint.DefaultListenUrl;

    /// <summary>The node's TLS certificate on the federation endpoint and towards peers; generated into Node:DataDirectory when unset.</summary>
    public CertificateOptions Certificate { get; set; } = new();

    /// <summary>
    /// How long a fan-out's answer (federation summary, maturity, product lookup) may take, counted from the request's
    /// arrival; 2 seconds unless set. The peers are waited for until <see cref="ReplyReserve"/> before it.
    /// </summary>
    public TimeSpan QueryDeadline { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The part of a fan-out's deadline kept for merging the answers and replying (at most a quarter of the deadline);
    /// 100 ms unless set.
    /// </summary>
    public TimeSpan ReplyReserve { get; set; } = TimeSpan.FromMilliseconds(100);
}

/// <summary>The policy document read from Sharing:PolicyFile at start; null when the setting is unset.</summary>
public sealed record ConfiguredPolicy(string Path, string Document);

public static class NodeSharing
{
    /// <summary>
    /// Reads the node's signing key (generating the default one on first start) and its policy file, and installs that
    /// policy once the silo runs. A key or policy file that cannot be used stops the start with sentences naming the key.
    /// Call after <c>AddRegistrySilo</c>: the policy is installed by a grain.
    /// </summary>
    public static WebApplicationBuilder AddNodeSharing(this WebApplicationBuilder builder)
    {
        var (node, _, _) = NodeConfiguration.ReadStartupSettings(builder.Configuration);
        var failures = new List<string>();
        var federation = builder.Configuration.GetSection(FederationOptions.Section).Get<FederationOptions>() ?? new();
        var key = LoadKey(federation, node, failures);
        var certificate = NodeCertificates.Load(federation.Certificate, node, DateTimeOffset.UtcNow, failures);
        var policy = ReadPolicy(builder.Configuration.GetSection(SharingOptions.Section).Get<SharingOptions>() ?? new(), node, failures);
        if (failures.Count > 0)
        {
            key?.Dispose();
            certificate?.Dispose();
            throw new OptionsValidationException(nameof(SharingOptions), typeof(SharingOptions), failures);
        }
        var directory = PeerDirectory.FromOptions(federation.Peers, node.Code, key?.PublicKey, failures, certificate?.Certificate);
        if (federation.QueryDeadline <= TimeSpan.Zero || federation.QueryDeadline > TimeSpan.FromSeconds(30))
        {
            failures.Add($"Federation:QueryDeadline '{federation.QueryDeadline}' must be more than 0 and at most 00:00:30.");
        }
        if (federation.ReplyReserve < TimeSpan.Zero || federation.ReplyReserve > TimeSpan.FromSeconds(5))
        {
            failures.Add($"Federation:ReplyReserve '{federation.ReplyReserve}' must be between 00:00:00 and 00:00:05.");
        }
        var endpoint = FederationEndpoint.Read(federation.ListenUrl, failures);
        if (failures.Count > 0)
        {
            key?.Dispose();
            certificate?.Dispose();
            throw new OptionsValidationException(nameof(FederationOptions), typeof(FederationOptions), failures);
        }
        builder.Services.AddSingleton(key!);
        builder.Services.AddSingleton(certificate!);
        builder.Services.AddSingleton(endpoint!);
        builder.WebHost.ConfigureKestrel(kestrel => endpoint!.Listen(kestrel, certificate!, directory));
        AddFederation(builder, key!, node, directory);
        if (policy is not null)
        {
            builder.Services.AddSingleton(policy);
            builder.Services.AddHostedService<PolicyInstallService>();
        }
        return builder;
    }

    // Peers, signing and verification for the federation service, the fan-out and the outboxes (which run in the co-hosted silo).
    private static void AddFederation(WebApplicationBuilder builder, NodeKey key, NodeOptions node, PeerDirectory directory)
    {
        builder.Services.AddOptions<FederationOptions>().BindConfiguration(FederationOptions.Section);
        builder.Services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.Section);
        builder.Services.AddSingleton(directory);
        builder.Services.AddSingleton<SequenceSource>();
        builder.Services.AddSingleton(sp => new FederationSigner(key, node.Code, sp.GetRequiredService<SequenceSource>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new EnvelopeVerifier(directory.TrustedKeys, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<FederationVerifier>();
        builder.Services.AddSingleton(sp =>
        {
            var verifier = sp.GetRequiredService<EnvelopeVerifier>();
            return new RecentEnvelopes(sp.GetRequiredService<TimeProvider>(), verifier.Options.MaxAge + verifier.Options.MaxClockSkew);
        });
        builder.Services.AddSingleton(sp => EnvelopeLedger.Create(sp.GetRequiredService<RegistryDatabase>().Provider, sp.GetRequiredService<RegistryDatabase>().ConnectionString));
        builder.Services.AddSingleton(sp =>
        {
            var verifier = sp.GetRequiredService<EnvelopeVerifier>();
            return new FederationReplayGuard(sp.GetRequiredService<IEnvelopeLedger>(), sp.GetRequiredService<TimeProvider>(),
                verifier.Options.MaxAge + verifier.Options.MaxClockSkew);
        });
        builder.Services.AddHostedService<EnvelopeLedgerSweeper>();
        builder.Services.AddSingleton<FederationClient>();
        builder.Services.AddHostedService<OutboxWakeService>();
    }

    // After the silo has started: outboxes that held items when the node stopped resume delivering.
    private sealed class OutboxWakeService(PeerDirectory directory, IGrainFactory grains) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            foreach (var peer in directory.Peers)
            {
                await grains.GetGrain<IOutboxGrain>(peer.Code).WakeAsync();
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>
    /// The signing key kept in <paramref name="dataDirectory"/> (generated there on first use), as a node started with
    /// that data directory and no Federation:KeyFile would use: how the demo learns its nodes' public keys first.
    /// </summary>
    /// <exception cref="OptionsValidationException">The key file cannot be read or written.</exception>
    internal static NodeKey LoadDefaultKey(string dataDirectory)
    {
        var failures = new List<string>();
        var key = LoadKey(new FederationOptions(), new NodeOptions { DataDirectory = dataDirectory }, failures);
        return key ?? throw new OptionsValidationException(nameof(FederationOptions), typeof(FederationOptions), failures);
    }

    private static NodeKey? LoadKey(FederationOptions options, NodeOptions node, List<string> failures)
    {
        var configured = !string.IsNullOrWhiteSpace(options.KeyFile);
        var path = Path.GetFullPath(configured ? options.KeyFile! : Path.Combine(node.DataDirectory, FederationOptions.DefaultKeyFileName));
        var name = configured
            ? $"Federation:KeyFile '{path}'"
            : $"The node key '{path}' (the default, as Federation:KeyFile is unset)";
        if (!File.Exists(path))
        {
            if (configured)
            {
                failures.Add($"{name} does not exist: give the path of the node's PKCS#8 PEM private key, or leave Federation:KeyFile unset to generate one under Node:DataDirectory.");
                return null;
            }
            return Generate(path, name, failures);
        }
        try
        {
            return NodeKey.ImportPkcs8Pem(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or FormatException)
        {
            failures.Add($"{name} cannot be used as the node's signing key: {e.Message.TrimEnd('.')}. It must be an unencrypted PKCS#8 PEM ECDSA P-256 private key (-----BEGIN PRIVATE KEY-----).");
            return null;
        }
    }

    private static NodeKey? Generate(string path, string name, List<string> failures)
    {
        var key = NodeKey.Generate();
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using (var file = new StreamWriter(path, options))
            {
                file.Write(key.ExportPkcs8Pem());
            }
            return key;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            key.Dispose();
            failures.Add($"{name} could not be generated: {e.Message.TrimEnd('.')}.");
            return null;
        }
    }

    private static ConfiguredPolicy? ReadPolicy(SharingOptions options, NodeOptions node, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(options.PolicyFile))
        {
            return null;
        }
        var path = Path.GetFullPath(options.PolicyFile);
        string document;
        try
        {
            document = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failures.Add($"Sharing:PolicyFile '{path}' cannot be read: {e.Message.TrimEnd('.')}.");
            return null;
        }
        var parsed = SharingPolicyDocument.Parse(document, node.Code);
        if (parsed.Error is { } error)
        {
            failures.AddRange(error.Violations.Select(v => $"Sharing:PolicyFile '{path}' is not a valid sharing policy: {v.Field} {v.Rule}."));
            return null;
        }
        return new ConfiguredPolicy(path, document);
    }

    // After the silo has started, before the API serves: answers never run under an older policy than the file's.
    private sealed class PolicyInstallService(ConfiguredPolicy policy, IGrainFactory grains, ILogger<PolicyInstallService> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var installed = await grains.GetGrain<IPolicyGrain>(IPolicyGrain.NodePolicy).InstallAsync(policy.Document);
            if (installed.Error is { } error)
            {
                throw new InvalidOperationException($"Sharing:PolicyFile '{policy.Path}' was refused: {error.Message}");
            }
            logger.LogInformation("Sharing policy version {PolicyVersion} is in force (Sharing:PolicyFile {PolicyFile})", installed.Value!.Version, policy.Path);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
