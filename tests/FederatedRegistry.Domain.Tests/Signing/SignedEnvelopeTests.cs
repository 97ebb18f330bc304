using System.Collections.Immutable;
using FederatedRegistry.Domain.Signing;

namespace FederatedRegistry.Domain.Tests.Signing;

public sealed class SignedEnvelopeTests
{
    [Fact]
    public void Sign_GivesAnEnvelopeWithEveryFieldAndTheSignersKeyId()
    {
        var envelope = SigningFixtures.Summary(sequence: 42);

        Assert.Equal("KE", envelope.Origin);
        Assert.Equal(3, envelope.PolicyVersion);
        Assert.Equal(SigningFixtures.Now, envelope.IssuedAt);
        Assert.Equal(42, envelope.Sequence);
        Assert.Equal("fedreg.v1.SummaryResponse", envelope.PayloadType);
        Assert.Equal(SigningFixtures.SummaryPayload, envelope.Payload);
        Assert.Equal(SigningFixtures.Kenya.KeyId, envelope.KeyId);
        Assert.Equal(64, envelope.Signature.Length);
        Assert.Empty(envelope.Validate());
    }

    [Fact]
    public void Sign_RoundsTheTimeDownToTheMicrosecond_SoTheFieldIsWhatWasSigned()
    {
        var at = SigningFixtures.Now.ToOffset(TimeSpan.FromHours(3)).AddTicks(7);

        var envelope = SigningFixtures.Summary(issuedAt: at);

        Assert.Equal(SigningFixtures.Now.UtcTicks, envelope.IssuedAt.UtcTicks);
        Assert.True(SigningFixtures.Verifier().Verify(envelope).IsAccepted);
    }

    [Fact]
    public void SigningInput_IsTheCanonicalMapOfEveryFieldButTheSignature_UnderTheFormat()
    {
        var envelope = SigningFixtures.Summary();

        var content = (CanonicalMap)CanonicalEncoding.Decode(envelope.SigningInput());

        Assert.Equal(["format", "issued_at", "key_id", "origin", "payload", "payload_type", "policy_version", "sequence"], content.Keys);
        Assert.Equal(CanonicalValue.String(SignedEnvelope.Format), content["format"]);
        Assert.Equal(CanonicalValue.Timestamp(SigningFixtures.Now), content["issued_at"]);
        Assert.Equal(SigningFixtures.SummaryPayload, content["payload"]);
        Assert.True(SigningFixtures.Kenya.PublicKey.VerifyData(envelope.SigningInput(), envelope.Signature.AsSpan()));
    }

    [Fact]
    public void Encode_ThenTryDecode_GivesAnEqualEnvelope()
    {
        var envelope = SigningFixtures.Summary(sequence: 7);

        var ok = SignedEnvelope.TryDecode(envelope.Encode(), out var decoded, out var error);

        Assert.True(ok, error);
        Assert.Equal(envelope, decoded);
        Assert.Equal(envelope.GetHashCode(), decoded!.GetHashCode());
    }

    [Fact]
    public void Equals_DiffersWhenOnlyOneSignatureByteDiffers()
    {
        var envelope = SigningFixtures.Summary();
        var bytes = envelope.Signature.ToArray();
        bytes[10] ^= 1;

        Assert.NotEqual(envelope, envelope with { Signature = [.. bytes] });
        Assert.Equal(envelope, envelope with { Signature = [.. envelope.Signature] });
    }

    [Fact]
    public void Sign_WithFieldsThatBreakTheRules_IsRefusedNamingEachField()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            SigningFixtures.Kenya.Sign("kenya", -1, SigningFixtures.Now, 0, "9 bad type", CanonicalValue.Null));

        foreach (var field in new[] { "origin:", "policy_version:", "sequence:", "payload_type:" })
        {
            Assert.Contains(field, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_AnEnvelopeBuiltByHand_NamesEveryBrokenField()
    {
        var envelope = new SignedEnvelope("XX", 0, SigningFixtures.Now.AddTicks(1), 1, "ok", null!, "short", ImmutableArray.Create(new byte[63]));

        var fields = envelope.Validate().Select(v => v.Field);

        Assert.Equal(["origin", "issued_at", "payload", "key_id", "signature"], fields);
    }

    [Theory]
    [InlineData("alert-batch\n")]
    [InlineData("")]
    [InlineData("-x")]
    [InlineData("a b")]
    public void Validate_APayloadTypeOfTheWrongShape_IsRefused(string payloadType)
    {
        var envelope = SigningFixtures.Summary() with { PayloadType = payloadType };

        Assert.Contains(envelope.Validate(), v => v.Field == "payload_type");
    }

    [Fact]
    public void Validate_TheLongestPayloadType_IsAccepted()
    {
        var envelope = SigningFixtures.Summary() with { PayloadType = "a" + new string('b', 127) };

        Assert.Empty(envelope.Validate());
    }

    private static byte[] Wire(Func<CanonicalMap, IEnumerable<KeyValuePair<string, CanonicalValue>>> edit) =>
        CanonicalValue.Map(edit(SigningFixtures.Summary().ToCanonical())).Encode();

    private static KeyValuePair<string, CanonicalValue> Entry(string key, CanonicalValue value) => new(key, value);

    public static TheoryData<string, byte[]> BadWireForms => new()
    {
        { "Not a canonical encoding: at byte 1", [0x6D, 0x00] },
        { "An envelope is a map, not a list", CanonicalValue.List().Encode() },
        { "missing sequence", Wire(m => m.Where(e => e.Key != "sequence")) },
        { "unknown \"extra\"", Wire(m => m.Append(Entry("extra", 1))) },
        { "sequence must be an integer, not string", Wire(m => m.Select(e => e.Key == "sequence" ? Entry("sequence", "1") : e)) },
        { "signature must be bytes, not string", Wire(m => m.Select(e => e.Key == "signature" ? Entry("signature", "sig") : e)) },
        { "format is \"fedreg.signed-envelope/v2\"", Wire(m => m.Select(e => e.Key == "format" ? Entry("format", "fedreg.signed-envelope/v2") : e)) },
        { "sequence: must be 1 or more", Wire(m => m.Select(e => e.Key == "sequence" ? Entry("sequence", -5) : e)) },
        { "signature: must be 64 bytes", Wire(m => m.Select(e => e.Key == "signature" ? Entry("signature", new byte[65]) : e)) },
    };

    [Theory]
    [MemberData(nameof(BadWireForms))]
    public void TryDecode_AWireFormThatIsNotAnEnvelope_IsRefusedSayingWhy(string reason, byte[] bytes)
    {
        var ok = SignedEnvelope.TryDecode(bytes, out var envelope, out var error);

        Assert.False(ok);
        Assert.Null(envelope);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_NamesOriginSequenceTypePolicyTimeAndKey()
    {
        var text = SigningFixtures.Summary(sequence: 9).ToString();

        Assert.Equal($"KE #9 fedreg.v1.SummaryResponse, policy 3, issued 2025-06-01T12:00:00.000000Z, key {SigningFixtures.Kenya.KeyId}", text);
    }
}
