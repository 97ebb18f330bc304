using System.Security.Cryptography;
using FederatedRegistry.Federation;
using Grpc.Net.Client;

namespace FederatedRegistry.Node.Tests.Support;

/// <summary>gRPC channels to a node's federation endpoint, as a peer (or an impostor) opens them: mutual TLS by hand.</summary>
public static class FederationChannels
{
    /// <summary>
    /// A channel to <paramref name="address"/> that presents <paramref name="clientCertificate"/> with its intermediates
    /// (none when null) and believes the server only when its certificate's SHA-256 is <paramref name="serverSha256"/>.
    /// </summary>
    public static GrpcChannel Open(Uri address, NodeCertificate? clientCertificate, string serverSha256) =>
        GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = Handler(clientCertificate, serverSha256) });

    /// <summary>The HTTP handler of <see cref="Open"/>, for plain HTTP requests to the endpoint.</summary>
    public static SocketsHttpHandler Handler(NodeCertificate? clientCertificate, string serverSha256)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null &&
                    Convert.ToHexStringLower(SHA256.HashData(certificate.GetRawCertData())) == serverSha256,
            },
        };
        handler.SslOptions.ClientCertificateContext = clientCertificate?.Context;
        return handler;
    }
}
