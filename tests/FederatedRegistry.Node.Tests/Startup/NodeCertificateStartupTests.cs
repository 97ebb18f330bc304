using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Federation;
using FederatedRegistry.Node.Hosting;
using FederatedRegistry.Node.Tests.Support;
using FederatedRegistry.Testing;
using Microsoft.Extensions.Options;

namespace FederatedRegistry.Node.Tests.Startup;

/// <summary>
/// The node's TLS certificate for its federation endpoint: generated once into the data directory and kept, or taken
/// from configured files; a certificate or endpoint that cannot be used stops the start naming its key.
/// </summary>
public sealed class NodeCertificateStartupTests
{
    [Fact]
    public async Task Certificate_IsGeneratedOnFirstStartWithItsKeyMode0600_NamesTheNode_AndIsKeptAcrossRestarts()
    {
        var settings = NodeSettings.Embedded("TZ");
        string first;
        await using (var node = await InProcessNode.StartAsync(settings))
        {
            first = (await node.Client.Grpc.GetNodeInfoAsync(new GetNodeInfoRequest(), deadline: NodeClient.Deadline)).CertificateSha256;
        }
        await using var restarted = await InProcessNode.StartAsync(settings.AssignFreePorts());
        var again = (await restarted.Client.Grpc.GetNodeInfoAsync(new GetNodeInfoRequest(), deadline: NodeClient.Deadline)).CertificateSha256;

        var certificateFile = Path.Combine(settings.DataDirectory, "federation-cert.pem");
        var keyFile = Path.Combine(settings.DataDirectory, "federation-key.pem");
        using var certificate = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)), first);
        Assert.Equal(first, again);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }
        Assert.Equal("CN=TZ", certificate.Subject);
        Assert.Equal(["urn:fedreg:node:TZ"], PeerCertificatePin.SubjectUris(certificate));
        Assert.True(certificate.NotAfter > DateTime.Now.AddYears(9), $"valid until {certificate.NotAfter:u}");
        using var key = certificate.GetECDsaPrivateKey();
        Assert.Equal(256, key?.KeySize);
    }

    [Theory]
    [InlineData("pem-and-key")]
    [InlineData("pem-with-key")]
    [InlineData("pfx")]
    [InlineData("pem-chain")]
    [InlineData("pfx-chain")]
    public async Task ConfiguredCertificate_IsServedWithItsChainAndShown_AndNoneIsGenerated(string form)
    {
        using var authority = TestCertificates.Authority("Operator CA");
        // A chain form: issued by an intermediate CA that the file holds too, which the endpoint must send.
        using var intermediate = TestCertificates.Intermediate(authority, "Operator Issuing CA");
        using var issued = TestCertificates.Issue(form.EndsWith("-chain", StringComparison.Ordinal) ? intermediate : authority,
            "CN=KE, O=Kenya AI Registry", "urn:fedreg:node:KE");
        var directory = Directory.CreateTempSubdirectory("fedreg-cert-").FullName;
        var settings = NodeSettings.Embedded();
        var certificatePem = issued.ExportCertificatePem();
        var keyPem = issued.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem();
        switch (form)
        {
            case "pem-and-key":
                await File.WriteAllTextAsync(Path.Combine(directory, "tls.pem"), certificatePem);
                await File.WriteAllTextAsync(Path.Combine(directory, "tls.key"), keyPem);
                settings.With("Federation:Certificate:Path", Path.Combine(directory, "tls.pem")).With("Federation:Certificate:KeyPath", Path.Combine(directory, "tls.key"));
                break;
            case "pem-with-key":
                await File.WriteAllTextAsync(Path.Combine(directory, "tls.pem"), certificatePem + "\n" + keyPem);
                settings.With("Federation:Certificate:Path", Path.Combine(directory, "tls.pem"));
                break;
            case "pem-chain":
                await File.WriteAllTextAsync(Path.Combine(directory, "tls.pem"), certificatePem + "\n" + intermediate.ExportCertificatePem() + "\n" + keyPem);
                settings.With("Federation:Certificate:Path", Path.Combine(directory, "tls.pem"));
                break;
            case "pfx-chain":
                var collection = new X509Certificate2Collection { issued, X509CertificateLoader.LoadCertificate(intermediate.RawData) };
                await File.WriteAllBytesAsync(Path.Combine(directory, "tls.pfx"), collection.Export(X509ContentType.Pkcs12, "s3cret")!);
                settings.With("Federation:Certificate:Path", Path.Combine(directory, "tls.pfx")).With("Federation:Certificate:Password", "s3cret");
                break;
            default:
                await File.WriteAllBytesAsync(Path.Combine(directory, "tls.pfx"), issued.Export(X509ContentType.Pkcs12, "s3cret"));
                settings.With("Federation:Certificate:Path", Path.Combine(directory, "tls.pfx")).With("Federation:Certificate:Password", "s3cret");
                break;
        }

        await using var node = await InProcessNode.StartAsync(settings);
        var info = await node.Client.Grpc.GetNodeInfoAsync(new GetNodeInfoRequest(), deadline: NodeClient.Deadline);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(issued.RawData)), info.CertificateSha256);
        Assert.False(File.Exists(Path.Combine(settings.DataDirectory, "federation-cert.pem")));
        // The endpoint presents it: a peer pinning the CA and subject would accept what it sees.
        X509Certificate2? served = null;
        var sent = new X509Certificate2Collection();
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
        {
            served = X509CertificateLoader.LoadCertificate(certificate!.GetRawCertData());
            sent.AddRange(chain!.ChainPolicy.ExtraStore);
            return true;
        };
        using var client = new HttpClient(handler) { DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        await Assert.ThrowsAnyAsync<Exception>(() => client.GetAsync(settings.FederationAddress));
        Assert.NotNull(served);
        Assert.Equal(PinMatch.Accepted, PeerCertificatePin.Authority(authority, "urn:fedreg:node:KE").Check(served, DateTimeOffset.UtcNow, sent).Match);
        Assert.Equal(form.EndsWith("-chain", StringComparison.Ordinal), sent.Any(c => c.Thumbprint == intermediate.Thumbprint));
    }

    public static TheoryData<string, string[]> BadSettings() => new()
    {
        // what is wrong, what the failure must say
        { "missing-file", ["Federation:Certificate:Path '", "' does not exist"] },
        { "key-without-path", ["Federation:Certificate:KeyPath and :Password are only used with Federation:Certificate:Path"] },
        { "not-a-certificate", ["Federation:Certificate:Path '", "cannot be used as the node's TLS certificate"] },
        { "no-private-key", ["Federation:Certificate:Path '", "cannot be used as the node's TLS certificate", "with its private key (in the file or in Federation:Certificate:KeyPath)"] },
        { "expired", ["Federation:Certificate:Path '", "expired on ", "renew it"] },
        { "wrong-pfx-password", ["Federation:Certificate:Path '", "cannot be used as the node's TLS certificate"] },
        { "http-listen-url", ["Federation:ListenUrl 'http://127.0.0.1:5082' must be an https:// URL"] },
        { "hostname-listen-url", ["Federation:ListenUrl 'https://federation.example:5082' must be an https:// URL with an IP address, localhost or *"] },
        { "peer-without-pin", ["Federation:Peers:0:CertificateSha256 is required"] },
        { "peer-over-http", ["Federation:Peers:0:Address 'http://127.0.0.1:5182' must be the peer's federation endpoint as an absolute https:// URL"] },
        { "zero-query-deadline", ["Federation:QueryDeadline '00:00:00' must be more than 0 and at most 00:00:30."] },
        { "negative-reply-reserve", ["Federation:ReplyReserve '-00:00:00.0010000' must be between 00:00:00 and 00:00:05."] },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task UnusableCertificateOrEndpointSetting_StopsTheStartNamingTheKey(string fault, string[] expected)
    {
        var directory = Directory.CreateTempSubdirectory("fedreg-cert-").FullName;
        var settings = NodeSettings.Embedded();
        var file = Path.Combine(directory, "tls.pem");
        using var certificate = NodeCertificate.CreateSelfSigned("KE", DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(fault == "expired" ? -1 : 30));
        switch (fault)
        {
            case "missing-file":
                settings.With("Federation:Certificate:Path", file);
                break;
            case "key-without-path":
                settings.With("Federation:Certificate:KeyPath", file);
                break;
            case "not-a-certificate":
                await File.WriteAllTextAsync(file, "not a certificate");
                settings.With("Federation:Certificate:Path", file);
                break;
            case "no-private-key":
                await File.WriteAllTextAsync(file, certificate.ExportCertificatePem());
                settings.With("Federation:Certificate:Path", file);
                break;
            case "expired":
                await File.WriteAllTextAsync(file, certificate.ExportCertificatePem() + "\n" + certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
                settings.With("Federation:Certificate:Path", file);
                break;
            case "wrong-pfx-password":
                file = Path.Combine(directory, "tls.pfx");
                await File.WriteAllBytesAsync(file, certificate.Export(X509ContentType.Pkcs12, "right"));
                settings.With("Federation:Certificate:Path", file).With("Federation:Certificate:Password", "wrong");
                break;
            case "http-listen-url":
                settings.With("Federation:ListenUrl", "http://127.0.0.1:5082");
                break;
            case "hostname-listen-url":
                settings.With("Federation:ListenUrl", "https://federation.example:5082");
                break;
            case "zero-query-deadline":
                settings.With("Federation:QueryDeadline", "00:00:00");
                break;
            case "negative-reply-reserve":
                settings.With("Federation:ReplyReserve", "-00:00:00.001");
                break;
            default:
                using (var peerKey = Domain.Signing.NodeKey.Generate())
                {
                    settings.With("Federation:Peers:0:Code", "FR")
                        .With("Federation:Peers:0:Address", fault == "peer-over-http" ? "http://127.0.0.1:5182" : "https://127.0.0.1:5182")
                        .With("Federation:Peers:0:PublicKey", peerKey.PublicKey.ToBase64())
                        .With("Federation:Peers:0:CertificateSha256", fault == "peer-over-http" ? new string('a', 64) : null);
                }
                break;
        }

        var e = Assert.Throws<OptionsValidationException>(() => NodeHost.Build([], settings.Values));

        var failure = Assert.Single(e.Failures);
        foreach (var text in expected)
        {
            Assert.Contains(text, failure, StringComparison.Ordinal);
        }
    }
}
