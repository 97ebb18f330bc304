using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Federation.Tests.Support;
using FederatedRegistry.Testing;
using Grpc.Core;

namespace FederatedRegistry.Federation.Tests;

/// <summary>Kenya's client against France served over a real HTTP/2 channel with mutual TLS on a loopback port.</summary>
public sealed class FederationClientTests(LoopbackPeer france) : IClassFixture<LoopbackPeer>, IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private readonly FederationClient _client = new(
        new PeerDirectory([TestPeers.National("FR", TestPeers.France, france.Address), TestPeers.ObserverPeer("INTL", TestPeers.Observer)]),
        TestPeers.Signer(TestPeers.Kenya, "KE", TimeProvider.System),
        TestPeers.Verifier(TestPeers.KenyasDirectory(), TimeProvider.System),
        TestPeers.KenyaCertificate,
        TimeProvider.System);

    private Peer France => _client.Directory.Peers.Single(p => p.Code == "FR");

    private static DateTime Deadline => DateTime.UtcNow + Generous;

    public void Dispose() => _client.Dispose();

    private Task<Opened<SummaryAnswer>> Summary(string dataset, TimeSpan? within = null) =>
        _client.QuerySummaryAsync(France, dataset, ["risk_tier"], 2, DateTime.UtcNow + (within ?? Generous), CancellationToken.None);

    [Fact]
    public async Task QuerySummaryAsync_SendsASignedQueryForThePeer_AndGivesItsVerifiedAnswer()
    {
        var answer = await _client.QuerySummaryAsync(France, "systems", ["risk_tier", "category"], 2, Deadline, CancellationToken.None);

        Assert.Equal("FR", answer.Origin);
        Assert.Equal(4, answer.PolicyVersion);
        Assert.Equal("systems", answer.Payload.Dataset);
        Assert.Equal(12, Assert.Single(answer.Payload.Cells).Count);
        var sent = france.Received[answer.Payload.Nonce];
        Assert.Equal("KE", sent.Origin);
        Assert.Equal(2, sent.PolicyVersion);
        var query = Assert.IsType<SummaryQuery>(sent.Payload);
        Assert.Equal("FR", query.Recipient);
        Assert.Equal(["risk_tier", "category"], query.Dimensions);
        Assert.Matches("^[0-9a-f]{32}$", query.Nonce);
    }

    [Fact]
    public async Task QuerySummaryAsync_TwoQueries_CarryDifferentNoncesAndAreBothBelieved()
    {
        var first = await Summary("systems");
        var second = await Summary("systems");

        Assert.NotEqual(first.Payload.Nonce, second.Payload.Nonce);
        Assert.NotEqual(first.Envelope.Sequence, second.Envelope.Sequence);
    }

    [Fact]
    public async Task QuerySummaryAsync_AnswerWithAnotherNonce_IsRefusedAsWrongNonce()
    {
        var e = await Assert.ThrowsAsync<FederationRejectedException>(() => Summary(Misbehaviour.WrongNonce));

        Assert.Equal("wrong_nonce", e.Reason);
    }

    [Fact]
    public async Task QuerySummaryAsync_EarlierAnswerReplayed_IsRefusedAsWrongNonce()
    {
        await Summary("incidents");

        var e = await Assert.ThrowsAsync<FederationRejectedException>(() => Summary(Misbehaviour.ReplaysAnEarlierAnswer));

        Assert.Equal("wrong_nonce", e.Reason);
    }

    [Fact]
    public async Task QuerySummaryAsync_AnswerSignedByAnotherKnownPeer_IsRefusedAsWrongOrigin()
    {
        var e = await Assert.ThrowsAsync<FederationRejectedException>(() => Summary(Misbehaviour.SignedByAnotherPeer));

        Assert.Equal("wrong_origin", e.Reason);
        Assert.Contains("INTL", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuerySummaryAsync_AnswerSignedWithAKeyNotTrustedForThePeer_IsRefusedAsUnknownKey()
    {
        var e = await Assert.ThrowsAsync<FederationRejectedException>(() => Summary(Misbehaviour.SignedByAStranger));

        Assert.Equal("unknown_key", e.Reason);
    }

    [Fact]
    public async Task QuerySummaryAsync_AnswerOfAnotherType_IsRefusedAsWrongPayload()
    {
        var e = await Assert.ThrowsAsync<FederationRejectedException>(() => Summary(Misbehaviour.WrongAnswerType));

        Assert.Equal("wrong_payload", e.Reason);
    }

    [Fact]
    public async Task QuerySummaryAsync_StaleAnswer_IsRefusedAsExpired()
    {
        var e = await Assert.ThrowsAsync<FederationRejectedException>(() => Summary(Misbehaviour.StaleAnswer));

        Assert.Equal("expired", e.Reason);
    }

    [Theory]
    [InlineData(Misbehaviour.Unauthenticated, StatusCode.Unauthenticated, "rejected")]
    [InlineData(Misbehaviour.Denied, StatusCode.PermissionDenied, "denied")]
    public async Task QuerySummaryAsync_PeerRefusing_FailsWithItsStatus_WhichFanOutClassifies(string behaviour, StatusCode status, string reason)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => Summary(behaviour));

        Assert.Equal(status, e.StatusCode);
        Assert.Equal(reason, FanOut.Classify("FR", e, deadlinePassed: false).Reason);
    }

    [Fact]
    public async Task QuerySummaryAsync_PeerThatNeverAnswers_FailsAtTheDeadline()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => Summary(Misbehaviour.NeverAnswers, within: TimeSpan.FromMilliseconds(300)));

        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
        Assert.Equal("deadline_exceeded", FanOut.Classify("FR", e, deadlinePassed: false).Reason);
    }

    [Fact]
    public async Task QuerySummaryAsync_ConnectionLostDuringTheCall_IsClassifiedUnavailable_NotAsThePeersError()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => Summary(Misbehaviour.DropsTheConnection));

        var failure = FanOut.Classify("FR", e, deadlinePassed: false);
        Assert.Equal("unavailable", failure.Reason);
        Assert.False(string.IsNullOrWhiteSpace(failure.Detail));
    }

    [Fact]
    public async Task QuerySummaryAsync_PeerThatIsDown_FailsAsUnavailable()
    {
        using var client = new FederationClient(TestPeers.KenyasDirectory(), TestPeers.Signer(TestPeers.Kenya, "KE", TimeProvider.System),
            TestPeers.Verifier(TestPeers.KenyasDirectory(), TimeProvider.System), TestPeers.KenyaCertificate, TimeProvider.System);
        var down = client.Directory.Peers.Single(p => p.Code == "FR");

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            client.QuerySummaryAsync(down, "systems", ["risk_tier"], 1, Deadline, CancellationToken.None));

        Assert.Equal("unavailable", FanOut.Classify("FR", e, deadlinePassed: false).Reason);
    }

    [Fact]
    public async Task QuerySummaryAsync_PeerThatAcceptsButNeverCompletesTheHandshake_FailsAsUnavailable_BeforeTheDeadline()
    {
        await using var silent = new SilentListener();
        using var client = new FederationClient(new PeerDirectory([TestPeers.National("FR", TestPeers.France, silent.HttpsAddress)]),
            TestPeers.Signer(TestPeers.Kenya, "KE", TimeProvider.System),
            TestPeers.Verifier(TestPeers.KenyasDirectory(), TimeProvider.System), TestPeers.KenyaCertificate, TimeProvider.System);

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            client.QuerySummaryAsync(client.Directory.Peers.Single(), "systems", ["risk_tier"], 1, Deadline, CancellationToken.None));

        var failure = FanOut.Classify("FR", e, deadlinePassed: false);
        Assert.Equal("unavailable", failure.Reason);
        Assert.Contains("no connection within 2 s", failure.Detail, StringComparison.Ordinal);
        Assert.True(silent.Accepted > 0);
    }

    [Fact]
    public async Task QuerySummaryAsync_PeerThatDoesNotKnowThisNode_RefusesItsQuery()
    {
        // With a certificate France pins (Kenya's), so that the signature is what is judged.
        using var stranger = new FederationClient(_client.Directory, TestPeers.Signer(TestPeers.Mallory, "DE", TimeProvider.System),
            TestPeers.Verifier(TestPeers.KenyasDirectory(), TimeProvider.System), TestPeers.KenyaCertificate, TimeProvider.System);

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            stranger.QuerySummaryAsync(France, "systems", ["risk_tier"], 1, Deadline, CancellationToken.None));

        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.StartsWith("unknown_origin", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuerySummaryAsync_ClientCertificateThePeerDoesNotPin_IsRefusedInTheHandshake_AndNothingIsBelieved()
    {
        var believed = france.Received.Count;
        using var unpinned = new FederationClient(_client.Directory, TestPeers.Signer(TestPeers.Kenya, "KE", TimeProvider.System),
            TestPeers.Verifier(TestPeers.KenyasDirectory(), TimeProvider.System), TestPeers.Certificate("KE"), TimeProvider.System);

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            unpinned.QuerySummaryAsync(France, "systems", ["risk_tier"], 1, Deadline, CancellationToken.None));

        Assert.Equal("unavailable", FanOut.Classify("FR", e, deadlinePassed: false).Reason);
        Assert.Equal(believed, france.Received.Count);
        Assert.Contains(france.RefusedCertificates, r => r.StartsWith("CN=KE: it is no peer's pinned certificate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task QuerySummaryAsync_ServerWhoseCertificateIsNotThePinnedOne_IsNotCalled()
    {
        // Kenya's directory expects Mallory's certificate at France's address: France's own certificate is not believed.
        var impostor = new Peer("FR", Domain.Sharing.NodeRole.National, france.Address, TestPeers.France.PublicKey,
            PeerCertificatePin.Of(TestPeers.MalloryCertificate.Certificate));
        using var client = new FederationClient(new PeerDirectory([impostor]), TestPeers.Signer(TestPeers.Kenya, "KE", TimeProvider.System),
            TestPeers.Verifier(TestPeers.KenyasDirectory(), TimeProvider.System), TestPeers.KenyaCertificate, TimeProvider.System);
        var query = new RecordsQuery { Dataset = "systems", PageToken = "never-sent-" + Guid.NewGuid().ToString("N") };

        var e = await Assert.ThrowsAsync<FederationRejectedException>(() => client.QueryRecordsAsync(impostor, query, 1, Deadline, CancellationToken.None));

        Assert.Equal("untrusted_peer", e.Reason);
        Assert.Contains("presented a TLS certificate that its pin (SHA-256 " + TestPeers.MalloryCertificate.Sha256 + ") does not accept: its SHA-256 is not the pinned one", e.Message, StringComparison.Ordinal);
        Assert.Equal("rejected", FanOut.Classify("FR", e, deadlinePassed: false).Reason);
        Assert.DoesNotContain(france.Received.Values, r => r.Payload is RecordsQuery q && q.PageToken == query.PageToken);
    }

    [Fact]
    public async Task QuerySummaryAsync_SignedAsAnotherPeerThanTheClientCertificates_IsRefusedAsWrongOrigin()
    {
        // Kenya's certificate, INTL's key: a peer passing on another's message as its own.
        using var relay = new FederationClient(_client.Directory, TestPeers.Signer(TestPeers.Observer, "INTL", TimeProvider.System),
            TestPeers.Verifier(TestPeers.KenyasDirectory(), TimeProvider.System), TestPeers.KenyaCertificate, TimeProvider.System);
        var query = new RecordsQuery { Dataset = "systems", PageToken = "relayed-" + Guid.NewGuid().ToString("N") };

        var e = await Assert.ThrowsAsync<RpcException>(() => relay.QueryRecordsAsync(France, query, 1, Deadline, CancellationToken.None));

        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.StartsWith("wrong_origin: The message is signed as INTL, but it came over KE's connection", e.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(france.Received.Values, r => r.Payload is RecordsQuery q && q.PageToken == query.PageToken);
    }

    [Fact]
    public async Task Calls_ToAnAddressWithoutTls_AreRefusedBeforeAnyConnection()
    {
        var plain = TestPeers.National("FR", TestPeers.France, new Uri("http://127.0.0.1:1"));

        var e = await Assert.ThrowsAsync<FederationRejectedException>(() =>
            _client.QuerySummaryAsync(plain, "systems", ["risk_tier"], 1, Deadline, CancellationToken.None));

        Assert.Equal("not_tls", e.Reason);
    }

    [Fact]
    public async Task FanOut_OverRealPeers_GathersTheAnswerOfTheLiveOneAndTheFailureOfTheDeadOne()
    {
        var peers = new[] { France, _client.Directory.Peers.Single(p => p.Code == "INTL") };

        var result = await FanOut.AskAllAsync(peers, Generous,
            (peer, due, ct) => _client.QuerySummaryAsync(peer, "systems", ["risk_tier"], 2, due, ct), CancellationToken.None);

        Assert.Equal("FR", Assert.Single(result.Answers).Peer.Code);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(("INTL", "unavailable"), (failure.Node, failure.Reason));
    }

    [Fact]
    public async Task LookupProductAsync_SendsTheProductToThePeer_AndGivesItsVerifiedRecords()
    {
        var answer = await _client.LookupProductAsync(France, "acme.example/triage", 2, Deadline, CancellationToken.None);

        var record = Assert.Single(answer.Payload.Records);
        Assert.Equal("acme.example/triage", RecordStructs.String(record, "product_id"));
        Assert.Equal("FR", RecordStructs.String(record, "recipient"));
        Assert.IsType<ProductQuery>(france.Received[answer.Payload.Nonce].Payload);
    }

    [Fact]
    public async Task LookupProductAsync_AnswerWithoutTheNonce_IsRefusedAsWrongNonce()
    {
        var e = await Assert.ThrowsAsync<FederationRejectedException>(() =>
            _client.LookupProductAsync(France, Misbehaviour.WrongNonce, 2, Deadline, CancellationToken.None));

        Assert.Equal("wrong_nonce", e.Reason);
    }

    [Fact]
    public async Task QueryRecordsAsync_SetsRecipientAndNonceOnACopy_LeavingTheCallersQueryAlone()
    {
        var query = new RecordsQuery { Dataset = "incidents", ProductId = "acme.example/triage", PageSize = 5, PageToken = "p2", Recipient = "XX", Nonce = "mine" };
        var before = query.Clone();

        var answer = await _client.QueryRecordsAsync(France, query, 2, Deadline, CancellationToken.None);

        Assert.Equal(before, query);
        var sent = Assert.IsType<RecordsQuery>(france.Received[answer.Payload.Nonce].Payload);
        Assert.Equal("FR", sent.Recipient);
        Assert.NotEqual("mine", sent.Nonce);
        Assert.Equal(("incidents", "acme.example/triage", 5, "p2"), (sent.Dataset, sent.ProductId, sent.PageSize, sent.PageToken));
        Assert.Equal("next", answer.Payload.NextPageToken);
    }

    [Fact]
    public async Task QueryRecordsAsync_AnswerWithAnAlteredNonce_IsRefusedAsWrongNonce()
    {
        var e = await Assert.ThrowsAsync<FederationRejectedException>(() =>
            _client.QueryRecordsAsync(France, new RecordsQuery { Dataset = "systems", PageToken = Misbehaviour.WrongNonce }, 2, Deadline, CancellationToken.None));

        Assert.Equal("wrong_nonce", e.Reason);
    }

    [Fact]
    public async Task DeliverAsync_SendsTheItemsInOneSignedBatch_AndGivesTheVerifiedReceipt()
    {
        var alertId = "KE-INC-" + Guid.NewGuid().ToString("N");
        DeliveryItem[] items =
        [
            new() { Alert = new AlertNotice { AlertId = alertId, PolicyVersion = 2 } },
            new() { Acknowledgement = new AlertAcknowledgement { AlertId = "FR-INC-1" } },
        ];

        var receipt = await _client.DeliverAsync(France, items, 2, Generous, CancellationToken.None);

        Assert.Equal("FR", receipt.Origin);
        Assert.Equal([alertId, "ack:FR-INC-1"], receipt.Payload.Accepted);
        var batch = Assert.IsType<DeliveryBatch>(france.Received[alertId].Payload);
        Assert.Equal("FR", batch.Recipient);
        Assert.Equal(items, batch.Items);
    }

    [Fact]
    public async Task DeliverAsync_ReceiptSignedByAnotherPeer_IsRefusedAsWrongOrigin()
    {
        var e = await Assert.ThrowsAsync<FederationRejectedException>(() => _client.DeliverAsync(France,
            [new DeliveryItem { Alert = new AlertNotice { AlertId = Misbehaviour.SignedByAnotherPeer } }], 2, Generous, CancellationToken.None));

        Assert.Equal("wrong_origin", e.Reason);
    }

    /// <summary>A fresh receipt of an earlier delivery passed off for a new one would make the outbox drop items the peer never received.</summary>
    [Fact]
    public async Task DeliverAsync_ReceiptOfAnEarlierBatchReplayed_IsRefused()
    {
        await _client.DeliverAsync(France, [new DeliveryItem { Alert = new AlertNotice { AlertId = "KE-INC-" + Guid.NewGuid().ToString("N") } }],
            2, Generous, CancellationToken.None);

        await Assert.ThrowsAsync<FederationRejectedException>(() => _client.DeliverAsync(France,
            [new DeliveryItem { Alert = new AlertNotice { AlertId = Misbehaviour.ReplaysAnEarlierAnswer } }], 2, Generous, CancellationToken.None));
    }

    [Fact]
    public async Task GetPeerInfoAsync_GivesThePeersSelfDescription()
    {
        var info = await _client.GetPeerInfoAsync(France, Deadline, CancellationToken.None);

        Assert.Equal(("FR", "national", TestPeers.France.KeyId), (info.Code, info.Role, info.KeyId));
        Assert.Equal(TestPeers.France.PublicKey.ToBase64(), info.PublicKey);
    }
}
