using CsCheck;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Federation.Tests.Support;
using Google.Protobuf;

namespace FederatedRegistry.Federation.Tests;

public sealed class FederationEnvelopeProperties
{
    private static readonly string[] Datasets = ["systems", "incidents"];

    /// <summary>Signed queries with arbitrary contents and policy versions.</summary>
    private static readonly Gen<(SummaryQuery Query, int PolicyVersion)> Queries =
        Gen.Select(Gen.OneOf(Datasets), Gen.String[0, 40].Array[0, 4], Gen.String[0, 32], Gen.Int[0, int.MaxValue],
            (dataset, dimensions, nonce, policy) => (new SummaryQuery { Recipient = "KE", Dataset = dataset, Dimensions = { dimensions }, Nonce = nonce }, policy));

    [Fact]
    public void Open_AnySignedQuery_OpensAsItWasSigned() =>
        Queries.Sample(q =>
        {
            var clock = TestPeers.Clock();
            var message = TestPeers.Signer(TestPeers.France, "FR", clock).Sign(q.Query, q.PolicyVersion);

            var opened = TestPeers.Verifier(TestPeers.KenyasDirectory(), clock).Open(message, SummaryQuery.Parser);

            Assert.Equal(q.Query, opened.Payload);
            Assert.Equal(q.PolicyVersion, opened.PolicyVersion);
        }, iter: 500);

    /// <summary>Any one-byte change, or any truncation, of a valid envelope is refused: never believed, never an exception of another kind.</summary>
    [Fact]
    public void Open_AnySingleByteChangeOrTruncationOfAValidEnvelope_IsRefused() =>
        Gen.Select(Queries, Gen.Bool, Gen.Int[0, int.MaxValue], Gen.Byte[1, 255]).Sample((q, truncate, where, flip) =>
        {
            var clock = TestPeers.Clock();
            var bytes = TestPeers.Signer(TestPeers.France, "FR", clock).Sign(q.Query, q.PolicyVersion).Envelope.ToByteArray();
            byte[] altered;
            if (truncate)
            {
                altered = bytes[..(where % bytes.Length)];
            }
            else
            {
                altered = (byte[])bytes.Clone();
                altered[where % bytes.Length] ^= flip;
            }

            var e = Assert.Throws<FederationRejectedException>(() =>
                TestPeers.Verifier(TestPeers.KenyasDirectory(), clock).Open(new SignedMessage { Envelope = ByteString.CopyFrom(altered) }, SummaryQuery.Parser));

            Assert.Contains(e.Reason, (string[])["bad_signature", "malformed", "unknown_origin", "unknown_key"]);
        }, iter: 3_000);
}
