using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Domain.Signing;
using FederatedRegistry.Federation.Tests.Support;
using Google.Protobuf;

namespace FederatedRegistry.Federation.Tests;

/// <summary>France signs, Kenya verifies: a message is believed only when every check passes.</summary>
public sealed class FederationEnvelopeTests
{
    private static readonly string[] RefusedAsAltered = ["bad_signature", "malformed", "unknown_origin", "unknown_key"];

    private static SummaryQuery Query(string nonce = "00112233445566778899aabbccddeeff") => new()
    {
        Recipient = "KE",
        Dataset = "systems",
        Dimensions = { "risk_tier", "category" },
        Nonce = nonce,
    };

    [Fact]
    public void Open_MessageSignedByAPeer_GivesThePayloadOriginAndPolicyVersion()
    {
        var clock = TestPeers.Clock();
        var message = TestPeers.Signer(TestPeers.France, "FR", clock).Sign(Query(), policyVersion: 7);

        var opened = TestPeers.Verifier(TestPeers.KenyasDirectory(), clock).Open(message, SummaryQuery.Parser);

        Assert.Equal(Query(), opened.Payload);
        Assert.Equal("FR", opened.Origin);
        Assert.Equal(7, opened.PolicyVersion);
        Assert.Equal("fedreg.v1.SummaryQuery", opened.Envelope.PayloadType);
        Assert.Equal(TestPeers.France.KeyId, opened.Envelope.KeyId);
        Assert.Equal(TestPeers.Start, opened.Envelope.IssuedAt);
    }

    [Fact]
    public void Sign_NamesTheSignersOriginAndKey()
    {
        var signer = TestPeers.Signer(TestPeers.France, "FR", TestPeers.Clock());

        Assert.Equal("FR", signer.Origin);
        Assert.Equal(TestPeers.France.KeyId, signer.KeyId);
        Assert.Equal(TestPeers.France.PublicKey, signer.PublicKey);
    }

    [Fact]
    public void Sign_TwoMessages_GetIncreasingSequenceNumbers()
    {
        var clock = TestPeers.Clock();
        var signer = TestPeers.Signer(TestPeers.France, "FR", clock);
        var verifier = TestPeers.Verifier(TestPeers.KenyasDirectory(), clock);

        var first = verifier.Open(signer.Sign(Query(), 1), SummaryQuery.Parser);
        var second = verifier.Open(signer.Sign(Query(), 1), SummaryQuery.Parser);

        Assert.True(second.Envelope.Sequence > first.Envelope.Sequence);
    }

    [Fact]
    public void Open_EmptyPayload_OpensAsTheDefaultMessage()
    {
        var clock = TestPeers.Clock();
        var message = TestPeers.Signer(TestPeers.France, "FR", clock).Sign(new DeliveryReceipt(), 0);

        var opened = TestPeers.Verifier(TestPeers.KenyasDirectory(), clock).Open(message, DeliveryReceipt.Parser);

        Assert.Equal(new DeliveryReceipt(), opened.Payload);
        Assert.Equal(0, opened.PolicyVersion);
    }

    [Fact]
    public void Open_AnyByteOfTheEnvelopeFlipped_IsRefused()
    {
        var clock = TestPeers.Clock();
        var message = TestPeers.Signer(TestPeers.France, "FR", clock).Sign(Query(), 3);
        var verifier = TestPeers.Verifier(TestPeers.KenyasDirectory(), clock);
        var bytes = message.Envelope.ToByteArray();

        for (var i = 0; i < bytes.Length; i++)
        {
            var altered = (byte[])bytes.Clone();
            altered[i] ^= 0x01;

            var e = Assert.Throws<FederationRejectedException>(() =>
                verifier.Open(new SignedMessage { Envelope = ByteString.CopyFrom(altered) }, SummaryQuery.Parser));

            Assert.True(RefusedAsAltered.Contains(e.Reason), $"byte {i} of {bytes.Length}: refused as {e.Reason}: {e.Message}");
        }
    }

    [Fact]
    public void Open_SignatureChanged_IsRefusedAsBadSignature()
    {
        var clock = TestPeers.Clock();
        var message = TestPeers.Signer(TestPeers.France, "FR", clock).Sign(Query(), 3);
        var bytes = message.Envelope.ToByteArray();
        bytes[^1] ^= 0x80;

        var e = Assert.Throws<FederationRejectedException>(() =>
            TestPeers.Verifier(TestPeers.KenyasDirectory(), clock).Open(new SignedMessage { Envelope = ByteString.CopyFrom(bytes) }, SummaryQuery.Parser));

        Assert.Equal("bad_signature", e.Reason);
    }

    [Fact]
    public void Open_EmptyOrGarbageBytes_IsRefusedAsMalformed()
    {
        var clock = TestPeers.Clock();
        var verifier = TestPeers.Verifier(TestPeers.KenyasDirectory(), clock);

        var empty = Assert.Throws<FederationRejectedException>(() => verifier.Open(new SignedMessage(), SummaryQuery.Parser));
        var garbage = Assert.Throws<FederationRejectedException>(() =>
            verifier.Open(new SignedMessage { Envelope = ByteString.CopyFromUtf8("{\"origin\":\"FR\"}") }, SummaryQuery.Parser));

        Assert.Equal("malformed", empty.Reason);
        Assert.Equal("malformed", garbage.Reason);
    }

    [Fact]
    public void Open_NullMessage_Throws() =>
        Assert.Throws<ArgumentNullException>(() => TestPeers.Verifier(TestPeers.KenyasDirectory(), TestPeers.Clock()).Open(null!, SummaryQuery.Parser));

    [Fact]
    public void Open_MessageFromANodeNotInTheDirectory_IsRefusedAsUnknownOrigin()
    {
        var clock = TestPeers.Clock();
        var message = TestPeers.Signer(TestPeers.Mallory, "DE", clock).Sign(Query(), 3);

        var e = Assert.Throws<FederationRejectedException>(() =>
            TestPeers.Verifier(TestPeers.KenyasDirectory(), clock).Open(message, SummaryQuery.Parser));

        Assert.Equal("unknown_origin", e.Reason);
        Assert.Contains("DE", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_KnownOriginSignedWithAnotherKey_IsRefusedAsUnknownKey()
    {
        var clock = TestPeers.Clock();
        var message = TestPeers.Signer(TestPeers.Mallory, "FR", clock).Sign(Query(), 3);

        var e = Assert.Throws<FederationRejectedException>(() =>
            TestPeers.Verifier(TestPeers.KenyasDirectory(), clock).Open(message, SummaryQuery.Parser));

        Assert.Equal("unknown_key", e.Reason);
    }

    [Fact]
    public void Open_PeerSigningAsAnotherPeer_IsRefusedAsUnknownKey()
    {
        var clock = TestPeers.Clock();
        var message = TestPeers.Signer(TestPeers.Observer, "FR", clock).Sign(Query(), 3);

        var e = Assert.Throws<FederationRejectedException>(() =>
            TestPeers.Verifier(TestPeers.KenyasDirectory(), clock).Open(message, SummaryQuery.Parser));

        Assert.Equal("unknown_key", e.Reason);
    }

    [Fact]
    public void Open_WithTheParserOfAnotherMessage_IsRefusedAsWrongPayloadNamingBothTypes()
    {
        var clock = TestPeers.Clock();
        var message = TestPeers.Signer(TestPeers.France, "FR", clock).Sign(Query(), 3);

        var e = Assert.Throws<FederationRejectedException>(() =>
            TestPeers.Verifier(TestPeers.KenyasDirectory(), clock).Open(message, ProductQuery.Parser));

        Assert.Equal("wrong_payload", e.Reason);
        Assert.Contains("fedreg.v1.SummaryQuery", e.Message, StringComparison.Ordinal);
        Assert.Contains("fedreg.v1.ProductQuery", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_PayloadThatIsNoBytes_IsRefusedAsWrongPayload()
    {
        var clock = TestPeers.Clock();
        var envelope = TestPeers.France.Sign("FR", 3, clock.GetUtcNow(), 1, "fedreg.v1.SummaryQuery", CanonicalValue.Map(("recipient", "KE")));

        var e = Assert.Throws<FederationRejectedException>(() =>
            TestPeers.Verifier(TestPeers.KenyasDirectory(), clock).Open(new SignedMessage { Envelope = ByteString.CopyFrom(envelope.Encode()) }, SummaryQuery.Parser));

        Assert.Equal("wrong_payload", e.Reason);
    }

    [Fact]
    public void Open_SignedBytesThatAreNoProtobufMessage_IsRefusedAsMalformed()
    {
        var clock = TestPeers.Clock();
        var envelope = TestPeers.France.Sign("FR", 3, clock.GetUtcNow(), 1, "fedreg.v1.SummaryQuery", CanonicalValue.Bytes([0x0A, 0xFF, 0x01]));

        var e = Assert.Throws<FederationRejectedException>(() =>
            TestPeers.Verifier(TestPeers.KenyasDirectory(), clock).Open(new SignedMessage { Envelope = ByteString.CopyFrom(envelope.Encode()) }, SummaryQuery.Parser));

        Assert.Equal("malformed", e.Reason);
        Assert.Contains("fedreg.v1.SummaryQuery", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_MessageOlderThanMaxAge_IsRefusedAsExpired()
    {
        var clock = TestPeers.Clock();
        var message = TestPeers.Signer(TestPeers.France, "FR", clock).Sign(Query(), 3);
        var verifier = TestPeers.Verifier(TestPeers.KenyasDirectory(), clock);
        clock.Advance(TimeSpan.FromMinutes(5));
        verifier.Open(message, SummaryQuery.Parser);

        clock.Advance(TimeSpan.FromMilliseconds(1));

        var e = Assert.Throws<FederationRejectedException>(() => verifier.Open(message, SummaryQuery.Parser));
        Assert.Equal("expired", e.Reason);
    }

    [Fact]
    public void Open_MessageFromAClockTooFarAhead_IsRefusedAsIssuedInFuture()
    {
        var senderClock = TestPeers.Clock();
        senderClock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromMilliseconds(1));
        var message = TestPeers.Signer(TestPeers.France, "FR", senderClock).Sign(Query(), 3);

        var e = Assert.Throws<FederationRejectedException>(() =>
            TestPeers.Verifier(TestPeers.KenyasDirectory(), TestPeers.Clock()).Open(message, SummaryQuery.Parser));

        Assert.Equal("issued_in_future", e.Reason);
    }

    [Fact]
    public void Open_TheSameMessageTwice_IsAcceptedBothTimes_ForItChecksNoReplay()
    {
        var clock = TestPeers.Clock();
        var message = TestPeers.Signer(TestPeers.France, "FR", clock).Sign(Query(), 3);
        var verifier = TestPeers.Verifier(TestPeers.KenyasDirectory(), clock);

        verifier.Open(message, SummaryQuery.Parser);

        Assert.Equal(Query(), verifier.Open(message, SummaryQuery.Parser).Payload);
    }

    [Fact]
    public void OpenOnce_TheSameMessageTwice_RefusesTheSecondAsReplayed()
    {
        var clock = TestPeers.Clock();
        var message = TestPeers.Signer(TestPeers.France, "FR", clock).Sign(Query(), 3);
        var verifier = TestPeers.Verifier(TestPeers.KenyasDirectory(), clock);
        var seen = new RecentEnvelopes(clock, TimeSpan.FromMinutes(6));
        verifier.OpenOnce(message, SummaryQuery.Parser, seen);

        var e = Assert.Throws<FederationRejectedException>(() => verifier.OpenOnce(message, SummaryQuery.Parser, seen));

        Assert.Equal("replayed", e.Reason);
        Assert.Contains("FR #", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenOnce_TwoDistinctMessages_AcceptsBoth()
    {
        var clock = TestPeers.Clock();
        var signer = TestPeers.Signer(TestPeers.France, "FR", clock);
        var verifier = TestPeers.Verifier(TestPeers.KenyasDirectory(), clock);
        var seen = new RecentEnvelopes(clock, TimeSpan.FromMinutes(6));

        var first = verifier.OpenOnce(signer.Sign(Query("aa"), 3), SummaryQuery.Parser, seen);
        var second = verifier.OpenOnce(signer.Sign(Query("aa"), 3), SummaryQuery.Parser, seen);

        Assert.NotEqual(first.Envelope.Sequence, second.Envelope.Sequence);
    }

    [Fact]
    public void OpenOnce_SameSequenceNumberFromTwoOrigins_AcceptsBoth()
    {
        var clock = TestPeers.Clock();
        var verifier = TestPeers.Verifier(TestPeers.KenyasDirectory(), clock);
        var seen = new RecentEnvelopes(clock, TimeSpan.FromMinutes(6));
        var fromFrance = TestPeers.Signer(TestPeers.France, "FR", clock).Sign(Query(), 3);
        var fromIntl = TestPeers.Signer(TestPeers.Observer, "INTL", clock).Sign(Query(), 3);

        var a = verifier.OpenOnce(fromFrance, SummaryQuery.Parser, seen);
        var b = verifier.OpenOnce(fromIntl, SummaryQuery.Parser, seen);

        Assert.Equal(a.Envelope.Sequence, b.Envelope.Sequence);
    }

    [Fact]
    public void OpenOnce_RefusedMessage_IsNotRecorded()
    {
        var clock = TestPeers.Clock();
        var message = TestPeers.Signer(TestPeers.France, "FR", clock).Sign(Query(), 3);
        var verifier = TestPeers.Verifier(TestPeers.KenyasDirectory(), clock);
        var seen = new RecentEnvelopes(clock, TimeSpan.FromMinutes(6));

        Assert.Equal("wrong_payload", Assert.Throws<FederationRejectedException>(() => verifier.OpenOnce(message, ProductQuery.Parser, seen)).Reason);

        verifier.OpenOnce(message, SummaryQuery.Parser, seen);
    }
}
