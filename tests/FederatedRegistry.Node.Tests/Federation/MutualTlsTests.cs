using System.Net;
using System.Security.Cryptography.X509Certificates;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Domain.Signing;
using FederatedRegistry.Federation;
using FederatedRegistry.Node.Tests.Support;
using FederatedRegistry.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using V1 = FederatedRegistry.Contracts.V1;

namespace FederatedRegistry.Node.Tests.Federation;

/// <summary>
/// KE and FR as running nodes, and three more peers in their directories whose keys and certificates the tests hold:
/// BR (pinned by fingerprint), DE (pinned to a certificate that has expired) and ES (pinned by CA and subject).
/// </summary>
public sealed class PinnedPeers : IAsyncLifetime
{
    /// <summary>Peers that are in the directories but do not run: nothing listens at their address.</summary>
    private static readonly Uri Nowhere = new("https://127.0.0.1:1");

    public TestFederation Federation { get; private set; } = null!;

    public NodeKey BrazilKey { get; } = NodeKey.Generate();

    public NodeCertificate BrazilCertificate { get; } = SelfSigned("BR", DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddYears(1));

    public NodeKey GermanyKey { get; } = NodeKey.Generate();

    public NodeCertificate GermanyExpiredCertificate { get; } = SelfSigned("DE", DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1));

    public NodeKey SpainKey { get; } = NodeKey.Generate();

    public X509Certificate2 Authority { get; } = TestCertificates.Authority("Federation Test CA");

    public async Task InitializeAsync()
    {
        Federation = await TestFederation.StartAsync(
            [("KE", "national", TestPolicies.Kenya), ("FR", "national", TestPolicies.France)],
            [
                ("BR", "national", Nowhere, BrazilKey.PublicKey, new Dictionary<string, string> { ["CertificateSha256"] = BrazilCertificate.Sha256 }),
                ("DE", "national", Nowhere, GermanyKey.PublicKey, new Dictionary<string, string> { ["CertificateSha256"] = GermanyExpiredCertificate.Sha256 }),
                ("ES", "national", Nowhere, SpainKey.PublicKey, new Dictionary<string, string>
                {
                    ["CaCertificate"] = Authority.ExportCertificatePem(),
                    ["Subject"] = "urn:fedreg:node:ES",
                }),
            ]);
    }

    public async Task DisposeAsync()
    {
        await Federation.DisposeAsync();
        BrazilKey.Dispose();
        BrazilCertificate.Dispose();
        GermanyKey.Dispose();
        GermanyExpiredCertificate.Dispose();
        SpainKey.Dispose();
        Authority.Dispose();
    }

    /// <summary>A certificate the CA issues for Spain (or, with another URI, for someone else), valid as given.</summary>
    public NodeCertificate IssuedBySpainsCa(string uri, DateTimeOffset notBefore, DateTimeOffset notAfter) =>
        new(TestCertificates.Issue(Authority, "CN=" + uri[(uri.LastIndexOf(':') + 1)..], uri, notBefore, notAfter));

    public static NodeCertificate SelfSigned(string code, DateTimeOffset notBefore, DateTimeOffset notAfter) =>
        new(NodeCertificate.CreateSelfSigned(code, notBefore, notAfter));
}

/// <summary>
/// France's federation endpoint over real Kestrel and real TLS: a caller whose certificate France does not accept, or
/// who signs as a node other than the one its certificate names, gets no call accepted and leaves nothing stored.
/// </summary>
public sealed class MutualTlsTests(PinnedPeers fixture) : IClassFixture<PinnedPeers>
{
    private FederationNode France => fixture.Federation["FR"];

    private FederationNode Kenya => fixture.Federation["KE"];

    private static FederationSigner Signer(NodeKey key, string origin) => new(key, origin, new SequenceSource(TimeProvider.System), TimeProvider.System);

    [Fact]
    public async Task A_caller_without_a_client_certificate_gets_no_call_accepted_and_nothing_stored()
    {
        using var channel = France.FederationChannel(null);

        var (refused, advisory) = await CallEveryMethodAsync(new(channel), Signer(Kenya.Key, "KE"));

        Assert.All(refused, e => Assert.True(e.StatusCode is StatusCode.Unavailable or StatusCode.Internal, $"{e.StatusCode}: {e.Status.Detail}"));
        await AssertNotStoredAsync("KE", advisory);
    }

    [Fact]
    public async Task A_caller_with_an_untrusted_self_signed_certificate_naming_a_peer_gets_no_call_accepted_even_with_that_peers_key()
    {
        // Kenya's name in subject and SAN, Kenya's real signing key: only the certificate is not the one France pins.
        using var impostor = PinnedPeers.SelfSigned("KE", DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddYears(1));
        using var channel = France.FederationChannel(impostor);

        var (refused, advisory) = await CallEveryMethodAsync(new(channel), Signer(Kenya.Key, "KE"));

        Assert.All(refused, e => Assert.True(e.StatusCode is StatusCode.Unavailable or StatusCode.Internal, $"{e.StatusCode}: {e.Status.Detail}"));
        await AssertNotStoredAsync("KE", advisory);
    }

    [Fact]
    public async Task A_peer_presenting_its_pinned_certificate_after_it_expired_gets_no_call_accepted()
    {
        using var channel = France.FederationChannel(fixture.GermanyExpiredCertificate);

        var (refused, advisory) = await CallEveryMethodAsync(new(channel), Signer(fixture.GermanyKey, "DE"));

        Assert.All(refused, e => Assert.True(e.StatusCode is StatusCode.Unavailable or StatusCode.Internal, $"{e.StatusCode}: {e.Status.Detail}"));
        await AssertNotStoredAsync("DE", advisory);
    }

    [Fact]
    public async Task A_peer_with_its_valid_certificate_sending_messages_signed_as_another_peer_gets_none_accepted_and_the_real_sender_still_can()
    {
        using var brazilChannel = France.FederationChannel(fixture.BrazilCertificate);
        var asBrazil = new V1.Federation.FederationClient(brazilChannel);
        var signedByKenya = Signer(Kenya.Key, "KE");
        var advisory = NewAdvisory("KE");
        var delivery = signedByKenya.Sign(Batch(advisory), 1);
        var calls = new Func<Task>[]
        {
            async () => await asBrazil.LookupProductAsync(signedByKenya.Sign(new ProductQuery { Recipient = "FR", ProductId = Unique.ProductId(), Nonce = Nonce() }, 1), deadline: NodeClient.Deadline),
            async () => await asBrazil.QueryRecordsAsync(signedByKenya.Sign(new RecordsQuery { Recipient = "FR", Dataset = "systems", Nonce = Nonce() }, 1), deadline: NodeClient.Deadline),
            async () => await asBrazil.QuerySummaryAsync(signedByKenya.Sign(new SummaryQuery { Recipient = "FR", Dataset = "systems", Dimensions = { "status" }, Nonce = Nonce() }, 1), deadline: NodeClient.Deadline),
            async () => await asBrazil.DeliverAsync(delivery, deadline: NodeClient.Deadline),
        };

        foreach (var call in calls)
        {
            var e = await GrpcAssert.FailsWith(StatusCode.Unauthenticated, call);
            Assert.Equal("wrong_origin: The message is signed as KE, but it came over BR's connection (its TLS client certificate); a peer sends only its own messages.",
                e.Status.Detail);
        }
        await AssertNotStoredAsync("KE", advisory.AdvisoryId);

        // Kenya sending its own message, over its own certificate: the relayed attempt used up nothing of it.
        var receipt = await France.FederationAs(Kenya).DeliverAsync(delivery, deadline: NodeClient.Deadline);
        Assert.NotEmpty(receipt.Envelope);
        await AssertStoredAsync("KE", advisory.AdvisoryId);
    }

    [Fact]
    public async Task Peers_with_their_pinned_certificates_are_answered_and_their_deliveries_stored()
    {
        // KE and BR by fingerprint; ES by the CA that issued its certificate and the SAN URI in it.
        using var spain = fixture.IssuedBySpainsCa("urn:fedreg:node:ES", DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddYears(1));
        using var spainChannel = France.FederationChannel(spain);
        using var brazilChannel = France.FederationChannel(fixture.BrazilCertificate);
        var peers = new (string Code, V1.Federation.FederationClient Client, FederationSigner Signer)[]
        {
            ("KE", France.FederationAs(Kenya), Signer(Kenya.Key, "KE")),
            ("BR", new(brazilChannel), Signer(fixture.BrazilKey, "BR")),
            ("ES", new(spainChannel), Signer(fixture.SpainKey, "ES")),
        };

        foreach (var (code, client, signer) in peers)
        {
            var info = await client.GetPeerInfoAsync(new PeerInfoRequest(), deadline: NodeClient.Deadline);
            Assert.Equal("FR", info.Code);
            var lookup = await client.LookupProductAsync(signer.Sign(new ProductQuery { Recipient = "FR", ProductId = Unique.ProductId(), Nonce = Nonce() }, 1),
                deadline: NodeClient.Deadline);
            Assert.NotEmpty(lookup.Envelope);
            var advisory = NewAdvisory(code);
            await client.DeliverAsync(signer.Sign(Batch(advisory), 1), deadline: NodeClient.Deadline);
            await AssertStoredAsync(code, advisory.AdvisoryId);
        }
    }

    [Fact]
    public async Task A_peer_whose_certificate_comes_through_an_intermediate_ca_is_accepted_on_every_call_when_it_sends_the_intermediate()
    {
        using var intermediate = TestCertificates.Intermediate(fixture.Authority, "Spain Issuing CA");
        using var spain = new NodeCertificate(TestCertificates.Issue(intermediate, "CN=ES", "urn:fedreg:node:ES"),
            [X509CertificateLoader.LoadCertificate(intermediate.RawData)]);
        using var withoutIntermediate = new NodeCertificate(TestCertificates.Issue(intermediate, "CN=ES", "urn:fedreg:node:ES"));
        using var channel = France.FederationChannel(spain);
        using var incomplete = France.FederationChannel(withoutIntermediate);
        var signer = Signer(fixture.SpainKey, "ES");
        var advisory = NewAdvisory("ES");

        // The chain is built again for every call, with the intermediate the handshake brought.
        await new V1.Federation.FederationClient(channel).LookupProductAsync(
            signer.Sign(new ProductQuery { Recipient = "FR", ProductId = Unique.ProductId(), Nonce = Nonce() }, 1), deadline: NodeClient.Deadline);
        await new V1.Federation.FederationClient(channel).DeliverAsync(signer.Sign(Batch(advisory), 1), deadline: NodeClient.Deadline);
        await AssertStoredAsync("ES", advisory.AdvisoryId);
        var (refused, unsent) = await CallEveryMethodAsync(new(incomplete), signer);
        Assert.All(refused, e => Assert.True(e.StatusCode is StatusCode.Unavailable or StatusCode.Internal, $"{e.StatusCode}: {e.Status.Detail}"));
        await AssertNotStoredAsync("ES", unsent);
    }

    [Theory]
    [InlineData("urn:fedreg:node:PT", false)]
    [InlineData("urn:fedreg:node:ES", true)]
    public async Task A_certificate_from_the_pinned_ca_is_refused_for_another_subject_or_once_expired(string subject, bool expired)
    {
        var now = DateTimeOffset.UtcNow;
        using var certificate = fixture.IssuedBySpainsCa(subject, expired ? now.AddDays(-30) : now.AddHours(-1), expired ? now.AddDays(-1) : now.AddYears(1));
        using var channel = France.FederationChannel(certificate);

        var (refused, advisory) = await CallEveryMethodAsync(new(channel), Signer(fixture.SpainKey, "ES"));

        Assert.All(refused, e => Assert.True(e.StatusCode is StatusCode.Unavailable or StatusCode.Internal, $"{e.StatusCode}: {e.Status.Detail}"));
        await AssertNotStoredAsync("ES", advisory);
    }

    [Fact]
    public async Task The_federation_service_is_not_served_on_the_national_grpc_port_whatever_host_is_named()
    {
        var onGrpcPort = new V1.Federation.FederationClient(France.Client.Channel);

        await GrpcAssert.FailsWith(StatusCode.Unimplemented, () => onGrpcPort.GetPeerInfoAsync(new PeerInfoRequest(), deadline: NodeClient.Deadline));
        await GrpcAssert.FailsWith(StatusCode.Unimplemented, () => onGrpcPort.DeliverAsync(
            Signer(Kenya.Key, "KE").Sign(Batch(NewAdvisory("KE")), 1), deadline: NodeClient.Deadline));

        // Naming the federation port in the Host header changes nothing: the port the connection reached decides.
        using var h2c = new HttpClient(new SocketsHttpHandler());
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(France.Settings.GrpcAddress, "/fedreg.v1.Federation/GetPeerInfo"))
        {
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Host = $"127.0.0.1:{France.Settings.FederationAddress.Port}";
        request.Content.Headers.ContentType = new("application/grpc");
        using var response = await h2c.SendAsync(request);
        Assert.Equal((HttpVersion.Version20, HttpStatusCode.NotFound), (response.Version, response.StatusCode));
    }

    [Fact]
    public async Task The_federation_endpoint_serves_nothing_but_the_federation_service_even_to_a_pinned_peer()
    {
        using var channel = France.FederationChannel(Kenya.Certificate);

        await GrpcAssert.FailsWith(StatusCode.Unimplemented, () => new Registry.RegistryClient(channel).GetNodeInfoAsync(new GetNodeInfoRequest(), deadline: NodeClient.Deadline));
        await GrpcAssert.FailsWith(StatusCode.Unimplemented, () => new Grpc.Health.V1.Health.HealthClient(channel).CheckAsync(new Grpc.Health.V1.HealthCheckRequest(), deadline: NodeClient.Deadline));
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/health/startup")]
    [InlineData("/healthz")]
    public async Task Health_routes_are_served_on_the_http_port_and_not_on_the_federation_endpoint_even_to_a_pinned_peer(string path)
    {
        using var handler = new SocketsHttpHandler
        {
            SslOptions =
            {
                ClientCertificateContext = Kenya.Certificate.Context,
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null &&
                    Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(certificate.GetRawCertData())) == France.Certificate.Sha256,
            },
        };
        using var federation = new HttpClient(handler) { BaseAddress = France.Settings.FederationAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var anonymous = France.Client.As("");
        using var onFederationPort = await federation.SendAsync(request);
        var onHttpPort = await anonymous.GetAsync(path);

        Assert.Equal((HttpVersion.Version20, HttpStatusCode.NotFound), (onFederationPort.Version, onFederationPort.StatusCode));
        Assert.Equal(HttpStatusCode.OK, onHttpPort.StatusCode);
    }

    [Fact]
    public async Task Prometheus_metrics_are_served_on_the_http_port_and_not_on_the_federation_endpoint_even_to_a_pinned_peer()
    {
        using var peer = new HttpClient(FederationChannels.Handler(Kenya.Certificate, France.Certificate.Sha256))
        {
            BaseAddress = France.Settings.FederationAddress,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var anonymous = France.Client.As("");

        using var onFederation = await peer.GetAsync("/metrics");
        using var onHttp = await anonymous.Http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, onFederation.StatusCode);
        Assert.Equal(HttpStatusCode.OK, onHttp.StatusCode);
    }

    [Fact]
    public async Task The_national_api_is_unaffected_and_shows_the_certificate_fingerprint_to_pin()
    {
        var response = await France.Client.GetAsync("/v1/node");
        var info = await France.Client.Grpc.GetNodeInfoAsync(new GetNodeInfoRequest(), deadline: NodeClient.Deadline);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(France.Certificate.Sha256, (string?)response.Object["certificateSha256"]);
        Assert.Equal(France.Certificate.Sha256, info.CertificateSha256);
        Assert.Equal(HttpStatusCode.OK, (await France.Client.Http.GetAsync("/health/ready")).StatusCode);
    }

    // Calls every method of France's federation service as one caller: an unsigned one, three signed queries and a
    // delivery of a fresh advisory. Each must fail; gives the failures and the advisory's id.
    private static async Task<(IReadOnlyList<RpcException> Refused, string AdvisoryId)> CallEveryMethodAsync(V1.Federation.FederationClient client, FederationSigner signer)
    {
        var advisory = NewAdvisory(signer.Origin);
        var calls = new Func<Task>[]
        {
            async () => await client.GetPeerInfoAsync(new PeerInfoRequest(), deadline: NodeClient.Deadline),
            async () => await client.LookupProductAsync(signer.Sign(new ProductQuery { Recipient = "FR", ProductId = Unique.ProductId(), Nonce = Nonce() }, 1), deadline: NodeClient.Deadline),
            async () => await client.QueryRecordsAsync(signer.Sign(new RecordsQuery { Recipient = "FR", Dataset = "systems", Nonce = Nonce() }, 1), deadline: NodeClient.Deadline),
            async () => await client.QuerySummaryAsync(signer.Sign(new SummaryQuery { Recipient = "FR", Dataset = "systems", Dimensions = { "status" }, Nonce = Nonce() }, 1), deadline: NodeClient.Deadline),
            async () => await client.DeliverAsync(signer.Sign(Batch(advisory), 1), deadline: NodeClient.Deadline),
        };
        var refused = new List<RpcException>();
        foreach (var call in calls)
        {
            refused.Add(await Assert.ThrowsAsync<RpcException>(call));
        }
        Assert.Equal(calls.Length, refused.Count);
        return (refused, advisory.AdvisoryId);
    }

    private async Task AssertNotStoredAsync(string origin, string advisoryId)
    {
        var stored = await France.Client.Grpc.ListAdvisoriesAsync(new ListAdvisoriesRequest { Origin = origin }, deadline: NodeClient.Deadline);
        Assert.DoesNotContain(stored.Advisories, a => a.Id == advisoryId);
    }

    private async Task AssertStoredAsync(string origin, string advisoryId)
    {
        var stored = await France.Client.Grpc.ListAdvisoriesAsync(new ListAdvisoriesRequest { Origin = origin }, deadline: NodeClient.Deadline);
        Assert.Single(stored.Advisories, a => a.Id == advisoryId);
    }

    private static AdvisoryNotice NewAdvisory(string origin) => new()
    {
        AdvisoryId = Domain.Identifiers.NewAdvisoryId(origin),
        PolicyVersion = 1,
        Title = "Advisory over mutual TLS",
        Summary = "Stored only when its sender's certificate and signature agree.",
        Categories = { "health" },
        PublishedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
    };

    private static DeliveryBatch Batch(AdvisoryNotice advisory) => new() { Recipient = "FR", Items = { new DeliveryItem { Advisory = advisory } } };

    private static string Nonce() => Guid.NewGuid().ToString("N");
}
