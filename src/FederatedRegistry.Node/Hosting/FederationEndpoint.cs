using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using FederatedRegistry.Federation;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace FederatedRegistry.Node.Hosting;

/// <summary>
/// The federation endpoint: HTTPS with HTTP/2 on Federation:ListenUrl, where Kestrel requires a client certificate and
/// completes the handshake only with one that the peer directory pins. Only the Federation service answers there, and
/// it answers nowhere else.
/// </summary>
public sealed class FederationEndpoint
{
    public const string DefaultListenUrl = "https://127.0.0.1:5082";

    private static readonly PathString FederationPath = "/" + Contracts.V1.Federation.Descriptor.FullName;

    private readonly IPAddress? _ip;

    // The intermediate CA certificates each accepted client certificate came with, by its fingerprint: the handshake
    // has them, a request sees only the certificate, and re-checking it per request must build the same chain.
    private readonly ConcurrentDictionary<string, X509Certificate2Collection> _intermediates = new(StringComparer.Ordinal);

    private FederationEndpoint(BindingAddress address, IPAddress? ip) => (Address, _ip) = (address, ip);

    /// <summary>The URL as configured.</summary>
    public BindingAddress Address { get; }

    public int Port => Address.Port;

    /// <summary>
    /// Reads Federation:ListenUrl: an https URL whose host is an IP address, localhost or * and whose port is given.
    /// Null, with a sentence in <paramref name="failures"/>, when it is not one.
    /// </summary>
    internal static FederationEndpoint? Read(string? listenUrl, ICollection<string> failures)
    {
        var fault = $"Federation:ListenUrl '{listenUrl}' must be an https:// URL with an IP address, localhost or * and a port, e.g. {DefaultListenUrl}: the endpoint where peers call this node with their TLS certificates.";
        BindingAddress address;
        try
        {
            address = BindingAddress.Parse(listenUrl ?? "");
        }
        catch (FormatException)
        {
            failures.Add(fault);
            return null;
        }
        IPAddress? ip = null;
        var host = address.Host;
        var knownHost = host is "*" or "+" or "localhost" || IPAddress.TryParse(host, out ip);
        if (!string.Equals(address.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase) || !knownHost || address.Port is < 1 or > 65535 || address.PathBase.Length > 0 ||
            !listenUrl!.Contains($":{address.Port}", StringComparison.Ordinal))
        {
            failures.Add(fault);
            return null;
        }
        return new FederationEndpoint(address, ip);
    }

    /// <summary>Listens on the endpoint with TLS: this node's certificate, client certificates required and judged by the directory.</summary>
    internal void Listen(KestrelServerOptions kestrel, NodeCertificate certificate, PeerDirectory directory)
    {
        void Configure(ListenOptions listen)
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = certificate.Certificate,
                ServerCertificateChain = certificate.Intermediates.Count > 0 ? certificate.Intermediates : null,
                ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                // Pins, not public CAs: there are no revocation lists to fetch, and the platform's verdict is replaced below.
                CheckCertificateRevocation = false,
                ClientCertificateValidation = (presented, chain, _) => Accept(kestrel.ApplicationServices, directory, presented, chain),
            });
        }

        if (Address.Host == "localhost")
        {
            kestrel.ListenLocalhost(Port, Configure);
        }
        else if (_ip is null)
        {
            kestrel.ListenAnyIP(Port, Configure);
        }
        else
        {
            kestrel.Listen(_ip, Port, Configure);
        }
    }

    /// <summary>
    /// The peer a client certificate on this endpoint belongs to, checked again now (it may have expired while its
    /// connection stayed open), with the intermediates it arrived with.
    /// </summary>
    internal CertificateVerdict Identify(PeerDirectory directory, X509Certificate2 certificate, DateTimeOffset now) =>
        directory.Identify(certificate, now, _intermediates.GetValueOrDefault(Convert.ToHexStringLower(PeerCertificatePin.Fingerprint(certificate))));

    // During the TLS handshake: a certificate no peer's pin accepts ends the connection before any request is read.
    private bool Accept(IServiceProvider services, PeerDirectory directory, X509Certificate2 presented, X509Chain? chain)
    {
        // The intermediates the peer sent are in the chain's extra store (the platform's own chain is not used).
        var intermediates = chain is { ChainPolicy.ExtraStore.Count: > 0 } ? new X509Certificate2Collection(chain.ChainPolicy.ExtraStore) : null;
        var verdict = directory.Identify(presented, services.GetRequiredService<TimeProvider>().GetUtcNow(), intermediates);
        if (verdict.Peer is not null && intermediates is not null)
        {
            _intermediates[Convert.ToHexStringLower(PeerCertificatePin.Fingerprint(presented))] = intermediates;
        }
        if (verdict.Peer is null)
        {
            services.GetRequiredService<ILoggerFactory>().CreateLogger<FederationEndpoint>().LogWarning(
                "Refused a TLS client certificate on the federation endpoint (subject {Subject}, SHA-256 {Sha256}): {Reason}",
                presented.Subject, Convert.ToHexStringLower(PeerCertificatePin.Fingerprint(presented)), verdict.Reason);
        }
        return verdict.Peer is not null;
    }

    /// <summary>
    /// Keeps the two APIs apart: on the federation port only the Federation service is served, and the Federation service
    /// is served on no other port, whatever host or path a request names. By the connection's local port, which a client
    /// cannot choose, not by the Host header, which it can.
    /// </summary>
    internal static void Separate(IApplicationBuilder app, int port) => app.Use((context, next) =>
    {
        var onFederationPort = context.Connection.LocalPort == port;
        var forFederation = context.Request.Path.StartsWithSegments(FederationPath, StringComparison.Ordinal);
        if (onFederationPort != forFederation)
        {
            // 404: gRPC clients read it as UNIMPLEMENTED, which is what the other endpoint's service is here.
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        return next(context);
    });
}

public static class FederationEndpointExtensions
{
    /// <summary>
    /// Serves the Federation service on the federation endpoint only, and nothing else there. Call before anything that
    /// answers requests (OpenAPI, routing).
    /// </summary>
    public static WebApplication UseFederationEndpoint(this WebApplication app)
    {
        FederationEndpoint.Separate(app, app.Services.GetRequiredService<FederationEndpoint>().Port);
        return app;
    }
}
