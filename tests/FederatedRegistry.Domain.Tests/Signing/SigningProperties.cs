using CsCheck;
using FederatedRegistry.Domain.Signing;

namespace FederatedRegistry.Domain.Tests.Signing;

public sealed class SigningProperties
{
    private const long Iterations = 1_000;

    private static readonly NodeKey[] AllKeys = [SigningFixtures.Kenya, SigningFixtures.KenyaNext, SigningFixtures.France, SigningFixtures.Observer, SigningFixtures.Mallory];

    private static readonly string[] Codes = ["KE", "FR", "INTL", "BR", "DE", "OBS"];

    private static NodeKey SignerOf(SignedEnvelope envelope) => AllKeys.Single(k => k.KeyId == envelope.KeyId);

    [Fact]
    public void Verify_AnyEnvelopeSignedByATrustedKey_IsAccepted_AndSurvivesTheWire() =>
        SigningFixtures.Envelope.Sample(envelope =>
        {
            var verifier = SigningFixtures.Verifier();

            var verdict = verifier.Verify(envelope.Encode());

            Assert.True(verdict.IsAccepted, verdict.Message);
            Assert.Equal(envelope, verdict.Envelope);
        }, iter: Iterations);

    /// <summary>Every byte of the wire form is covered: a change anywhere (a field, the payload, the signature, a tag or length) is refused.</summary>
    [Fact]
    public void Verify_AnyOneByteChangeOfTheWireForm_IsRejected() =>
        Gen.Select(SigningFixtures.Envelope, Gen.Int[0, int.MaxValue], Gen.Byte[1, 255]).Sample((envelope, where, flip) =>
        {
            var bytes = envelope.Encode();
            var at = where % bytes.Length;
            bytes[at] ^= flip;

            var verdict = SigningFixtures.Verifier().Verify(bytes);

            Assert.False(verdict.IsAccepted, $"byte {at} of {bytes.Length} changed by 0x{flip:X2} was accepted: {verdict.Envelope}");
        }, iter: 5_000);

    [Fact]
    public void Verify_AnyOneByteChangeOfTheSignature_IsRejectedAsBadSignature() =>
        Gen.Select(SigningFixtures.Envelope, Gen.Int[0, 63], Gen.Byte[1, 255]).Sample((envelope, at, flip) =>
        {
            var signature = envelope.Signature.ToArray();
            signature[at] ^= flip;

            var verdict = SigningFixtures.Verifier().Verify(envelope with { Signature = [.. signature] });

            Assert.Equal(EnvelopeRejection.BadSignature, verdict.Rejection);
        }, iter: Iterations);

    /// <summary>
    /// A change of any one field after signing is refused: as a bad signature while origin and key still name a trusted key,
    /// else as malformed, unknown origin or unknown key.
    /// </summary>
    [Fact]
    public void Verify_AnyChangeOfOneFieldAfterSigning_IsRejected() =>
        Gen.Select(SigningFixtures.Envelope, Gen.Int[0, 6], Gen.Int[0, int.MaxValue], Gen.Byte[1, 255]).Sample((envelope, field, n, flip) =>
        {
            var changed = field switch
            {
                0 => envelope with { Origin = Codes.Where(c => c != envelope.Origin).ElementAt(n % (Codes.Length - 1)) },
                1 => envelope with { PolicyVersion = envelope.PolicyVersion ^ (1L << (n % 64)) },
                2 => envelope with { IssuedAt = envelope.IssuedAt.AddTicks((n % 2 == 0 ? 10 : -10) * (1 + n % 1000)) },
                3 => envelope with { Sequence = envelope.Sequence ^ (1L << (n % 64)) },
                4 => envelope with { PayloadType = ChangeOneChar(envelope.PayloadType, n, flip) },
                5 => envelope with { Payload = ChangePayload(envelope.Payload, n, flip) },
                _ => envelope with { KeyId = AllKeys.Select(k => k.KeyId).Where(k => k != envelope.KeyId).ElementAt(n % (AllKeys.Length - 1)) },
            };
            Assert.NotEqual(envelope, changed);

            var verdict = SigningFixtures.Verifier().Verify(changed);

            var trustedKey = SigningFixtures.Signers.Any(s => s.Origin == changed.Origin && s.Key.KeyId == changed.KeyId);
            EnvelopeRejection[] expected = changed.Validate().Count > 0 ? [EnvelopeRejection.Malformed]
                : trustedKey ? [EnvelopeRejection.BadSignature]
                : [EnvelopeRejection.UnknownOrigin, EnvelopeRejection.UnknownKey];
            Assert.Contains(verdict.Rejection ?? default, expected);
        }, iter: Iterations);

    private static string ChangeOneChar(string text, int n, byte flip)
    {
        var chars = text.ToCharArray();
        var at = n % chars.Length;
        chars[at] = (char)(chars[at] ^ flip);
        return new string(chars);
    }

    /// <summary>The payload with one byte of its encoding changed, or with a value appended where that byte change does not decode.</summary>
    private static CanonicalValue ChangePayload(CanonicalValue payload, int n, byte flip)
    {
        var bytes = payload.Encode();
        bytes[n % bytes.Length] ^= flip;
        return CanonicalEncoding.TryDecode(bytes, out var changed, out _) ? changed : CanonicalValue.List(payload, CanonicalValue.Null);
    }

    /// <summary>
    /// A signature by any other key is refused: as an unknown key when the envelope names the key that signed (one not
    /// trusted for the origin), as a bad signature when it names the origin's genuine key.
    /// </summary>
    [Fact]
    public void Verify_ASignatureByAnotherKey_IsRejected() =>
        Gen.Select(SigningFixtures.Envelope, Gen.Int[0, AllKeys.Length - 1]).Sample((envelope, k) =>
        {
            var other = AllKeys[k];
            if (other == SignerOf(envelope))
            {
                return;
            }
            var verifier = SigningFixtures.Verifier();

            var claimingGenuineKey = envelope with { Signature = [.. other.SignData(envelope.SigningInput())] };
            Assert.Equal(EnvelopeRejection.BadSignature, verifier.Verify(claimingGenuineKey).Rejection);

            if (!SigningFixtures.Signers.Any(s => s.Origin == envelope.Origin && s.Key == other))
            {
                var namingItself = other.Sign(envelope.Origin, envelope.PolicyVersion, envelope.IssuedAt, envelope.Sequence, envelope.PayloadType, envelope.Payload);
                Assert.Equal(EnvelopeRejection.UnknownKey, verifier.Verify(namingItself).Rejection);
            }
        }, iter: Iterations);
}
