using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Domain.Signing;
using FederatedRegistry.Federation;
using FederatedRegistry.Node.Tests.Support;
using FederatedRegistry.Testing;
using Google.Protobuf;
using Grpc.Core;
using V1 = FederatedRegistry.Contracts.V1;

namespace FederatedRegistry.Node.Tests.Federation;

public sealed class FederationTrustTests(ThreeNodesAndObserver fixture) : IClassFixture<ThreeNodesAndObserver>
{
    // France's federation endpoint, called as Kenya (with Kenya's TLS certificate), as KE's node would.
    private V1.Federation.FederationClient FranceFederation => fixture.Federation["FR"].FederationAs(fixture.Federation["KE"]);

    private FederationSigner SignerOf(string code) =>
        new(fixture.Federation[code].Key, code, new SequenceSource(TimeProvider.System), TimeProvider.System);

    private SignedMessage SummaryQueryFromKenya(string recipient = "FR") =>
        SignerOf("KE").Sign(new SummaryQuery { Recipient = recipient, Dataset = "systems", Dimensions = { "risk_tier" }, Nonce = Guid.NewGuid().ToString("N") }, 1);

    [Fact]
    public async Task A_signed_query_is_answered_once_and_its_replay_is_refused()
    {
        var query = SummaryQueryFromKenya();
        // FR grants KE records, not summaries: the verified caller is refused by policy, not by signature.
        await GrpcAssert.FailsWith(StatusCode.PermissionDenied, () => FranceFederation.QuerySummaryAsync(query, deadline: NodeClient.Deadline));
        var replay = await GrpcAssert.FailsWith(StatusCode.Unauthenticated, () => FranceFederation.QuerySummaryAsync(query, deadline: NodeClient.Deadline));
        Assert.StartsWith("replayed", replay.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tampered_message_is_refused_wherever_the_change_is()
    {
        var query = SignerOf("KE").Sign(new ProductQuery { Recipient = "FR", ProductId = fixture.SharedProduct, Nonce = "n-1" }, 1);
        var bytes = query.Envelope.ToByteArray();
        foreach (var position in new[] { 10, bytes.Length / 3, bytes.Length / 2, bytes.Length - 5 })
        {
            var tampered = (byte[])bytes.Clone();
            tampered[position] ^= 0x01;
            await GrpcAssert.FailsWith(StatusCode.Unauthenticated, () => FranceFederation.LookupProductAsync(
                new SignedMessage { Envelope = ByteString.CopyFrom(tampered) }, deadline: NodeClient.Deadline));
        }
        // The untouched message is good: it was the change that was refused.
        var answer = await FranceFederation.LookupProductAsync(query, deadline: NodeClient.Deadline);
        Assert.NotEmpty(answer.Envelope);
    }

    [Fact]
    public async Task Messages_from_strangers_for_other_nodes_or_of_the_wrong_type_are_refused()
    {
        using var stranger = NodeKey.Generate();
        var forged = new FederationSigner(stranger, "KE", new SequenceSource(TimeProvider.System), TimeProvider.System)
            .Sign(new ProductQuery { Recipient = "FR", ProductId = fixture.SharedProduct, Nonce = "n" }, 1);
        Assert.StartsWith("unknown_key", (await GrpcAssert.FailsWith(StatusCode.Unauthenticated,
            () => FranceFederation.LookupProductAsync(forged, deadline: NodeClient.Deadline))).Status.Detail, StringComparison.Ordinal);

        var unknown = new FederationSigner(stranger, "DE", new SequenceSource(TimeProvider.System), TimeProvider.System)
            .Sign(new ProductQuery { Recipient = "FR", ProductId = fixture.SharedProduct, Nonce = "n" }, 1);
        Assert.StartsWith("unknown_origin", (await GrpcAssert.FailsWith(StatusCode.Unauthenticated,
            () => FranceFederation.LookupProductAsync(unknown, deadline: NodeClient.Deadline))).Status.Detail, StringComparison.Ordinal);

        // Addressed to BR and replayed at FR.
        var elsewhere = SignerOf("KE").Sign(new ProductQuery { Recipient = "BR", ProductId = fixture.SharedProduct, Nonce = "n" }, 1);
        Assert.StartsWith("wrong_recipient", (await GrpcAssert.FailsWith(StatusCode.Unauthenticated,
            () => FranceFederation.LookupProductAsync(elsewhere, deadline: NodeClient.Deadline))).Status.Detail, StringComparison.Ordinal);

        // A summary query sent where a product query is expected.
        Assert.StartsWith("wrong_payload", (await GrpcAssert.FailsWith(StatusCode.Unauthenticated,
            () => FranceFederation.LookupProductAsync(SummaryQueryFromKenya(), deadline: NodeClient.Deadline))).Status.Detail, StringComparison.Ordinal);

        await GrpcAssert.FailsWith(StatusCode.Unauthenticated, () => FranceFederation.LookupProductAsync(
            new SignedMessage { Envelope = ByteString.CopyFromUtf8("not an envelope") }, deadline: NodeClient.Deadline));
    }

    [Fact]
    public async Task A_replayed_delivery_is_refused_and_a_resent_item_is_stored_once()
    {
        var advisory = new AdvisoryNotice
        {
            AdvisoryId = Domain.Identifiers.NewAdvisoryId("KE"),
            PolicyVersion = 1,
            Title = "Resent advisory",
            Summary = "Sent twice by its origin; stored once.",
            Categories = { "health" },
            PublishedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        };
        DeliveryBatch Batch() => new() { Recipient = "FR", Items = { new DeliveryItem { Advisory = advisory } } };
        var first = SignerOf("KE").Sign(Batch(), 1);
        var receipt = Open(await FranceFederation.DeliverAsync(first, deadline: NodeClient.Deadline));
        Assert.Equal([advisory.AdvisoryId], receipt.Accepted);

        var replay = await GrpcAssert.FailsWith(StatusCode.Unauthenticated, () => FranceFederation.DeliverAsync(first, deadline: NodeClient.Deadline));
        Assert.StartsWith("replayed", replay.Status.Detail, StringComparison.Ordinal);

        // The origin retrying signs afresh: accepted as a delivery, recognised as a duplicate item.
        var retry = Open(await FranceFederation.DeliverAsync(SignerOf("KE").Sign(Batch(), 1), deadline: NodeClient.Deadline));
        Assert.Empty(retry.Accepted);
        Assert.Equal([advisory.AdvisoryId], retry.Duplicates);
        var stored = await fixture.Client("FR").ListAdvisoriesAsync(new ListAdvisoriesRequest { Origin = "KE" }, deadline: NodeClient.Deadline);
        Assert.Single(stored.Advisories, a => a.Id == advisory.AdvisoryId);
    }

    [Fact]
    public async Task A_delivery_with_invalid_items_is_refused_naming_each_field()
    {
        var batch = new DeliveryBatch
        {
            Recipient = "FR",
            Items =
            {
                new DeliveryItem { Alert = new AlertNotice { AlertId = "BR-INC-0123456789ABCDEFGHJKMNPQRS", Incident = new() } },
                new DeliveryItem { Advisory = new AdvisoryNotice { AdvisoryId = "KE-ADV-x", Categories = { "cooking" } } },
                new DeliveryItem(),
            },
        };
        batch.Items[0].Alert.Incident.Fields["password"] = Google.Protobuf.WellKnownTypes.Value.ForString("secret");
        var e = await GrpcAssert.FailsWith(StatusCode.InvalidArgument,
            () => FranceFederation.DeliverAsync(SignerOf("KE").Sign(batch, 1), deadline: NodeClient.Deadline));
        var fields = e.ViolatedFields();
        Assert.Contains("items[0].alert.alert_id", fields);
        Assert.Contains("items[0].alert.incident.password", fields);
        Assert.Contains("items[0].alert.raised_at", fields);
        Assert.Contains("items[1].advisory.advisory_id", fields);
        Assert.Contains("items[1].advisory.title", fields);
        Assert.Contains("items[1].advisory.categories[0]", fields);
        Assert.Contains("items[2]", fields);
    }

    private DeliveryReceipt Open(SignedMessage message)
    {
        var verifier = new FederationVerifier(new EnvelopeVerifier(
            new TrustedKeyDirectory([("FR", fixture.Federation["FR"].Key.PublicKey)]), TimeProvider.System));
        return verifier.Open(message, DeliveryReceipt.Parser).Payload;
    }
}

public sealed class StalledPeerTests
{
    [Fact]
    public async Task A_peer_that_accepts_connections_but_never_answers_leaves_the_observer_answer_partial_and_is_named_unavailable()
    {
        // A peer that accepts connections and never answers a byte.
        await using var stalled = new SilentListener();
        using var stalledKey = NodeKey.Generate();
        using var stalledCertificate = new NodeCertificate(NodeCertificate.CreateSelfSigned("BR", DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddYears(1)));
        var address = stalled.HttpsAddress;

        await using (var federation = await TestFederation.StartAsync(
            [("KE", "national", TestPolicies.Kenya), ("INTL", "observer", TestPolicies.Observer)],
            [("BR", "national", address, stalledKey.PublicKey, new Dictionary<string, string> { ["CertificateSha256"] = stalledCertificate.Sha256 })]))
        {
            var provider = await federation["KE"].Client.Grpc.CreateProviderAsync(Messages.Provider(), deadline: NodeClient.Deadline);
            for (var i = 0; i < 3; i++)
            {
                await federation["KE"].Client.Grpc.RegisterSystemAsync(Messages.Registration(provider.Id, submit: true), deadline: NodeClient.Deadline);
            }

            // The deadline is long enough for Kenya's first answer on a loaded two-core machine (its channel, TLS
            // handshake and scan all start cold), and longer than the connect timeout that gives up on Brazil.
            var summary = await federation["INTL"].Client.Grpc.GetFederationSummaryAsync(
                new GetFederationSummaryRequest { Dimensions = "risk_tier,category", DeadlineMs = 5_000 }, deadline: NodeClient.Deadline);

            Assert.True(summary.Partial);
            Assert.Equal([("BR", "unavailable")], summary.Unanswered.Select(u => (u.Node, u.Reason)));
            var kenya = Assert.Single(summary.Rows);
            Assert.Equal(3, kenya.Cells.Single(c => c.Values.SequenceEqual(["high", "health"])).Count);
            Assert.True(stalled.Accepted > 0);
        }
    }
}
