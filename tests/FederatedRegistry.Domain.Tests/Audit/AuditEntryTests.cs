using System.Collections.Immutable;
using FederatedRegistry.Domain.Audit;
using FederatedRegistry.Domain.Signing;
using FederatedRegistry.Domain.Tests.Signing;

namespace FederatedRegistry.Domain.Tests.Audit;

public sealed class AuditEntryTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Seal_HashesTheCanonicalMapOfEveryOtherField()
    {
        var payloadHash = AuditEntry.HashPayload("{\"id\":\"KE-SYS-1\"}");

        var entry = AuditEntry.Seal(1, At, "authority:alice", "registered:submitted", "system:KE-SYS-1", payloadHash, AuditEntry.GenesisHash);

        var expected = CanonicalEncoding.Sha256(CanonicalValue.Map(
            ("format", "fedreg.audit-entry/v1"),
            ("sequence", 1L),
            ("at", At),
            ("actor", "authority:alice"),
            ("action", "registered:submitted"),
            ("subject", "system:KE-SYS-1"),
            ("payload_hash", CanonicalValue.Bytes(payloadHash.AsSpan())),
            ("previous_hash", CanonicalValue.Bytes(new byte[32]))));
        Assert.Equal(expected, entry.EntryHash.ToArray());
    }

    /// <summary>
    /// The bytes of one entry's hash are fixed (computed independently from the encoding's specification in Signing/README.md):
    /// a change of the encoding would orphan every stored chain.
    /// </summary>
    [Fact]
    public void Seal_AKnownEntry_HasAKnownHash()
    {
        var entry = AuditEntry.Seal(7, At, "peer:FR", "received:FR", "alert:FR-INC-1", AuditEntry.HashPayload("{}"), AuditEntry.GenesisHash);

        Assert.Equal("27ec61ca8d222171e62a68bce4839b00f40d4d5ae63379d8cd273294adb3a4fe", AuditEntry.Hex(entry.EntryHash));
    }

    [Fact]
    public void Seal_RoundsTheTimeDownToTheMicrosecond()
    {
        var entry = AuditEntry.Seal(1, At.AddTicks(17), "system", "created", "provider:KE-PRV-a", AuditEntry.HashPayload(""), AuditEntry.GenesisHash);

        Assert.Equal(At.AddTicks(10), entry.At);
    }

    [Fact]
    public void GenesisHash_IsThirtyTwoZeroBytes() =>
        Assert.Equal(new byte[32], AuditEntry.GenesisHash.ToArray());

    [Fact]
    public void HashPayload_IsTheSha256OfTheUtf8Text() =>
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", AuditEntry.Hex(AuditEntry.HashPayload("")));

    [Theory]
    [InlineData(0L, "sequence 0 is below 1")]
    [InlineData(-3L, "sequence -3 is below 1")]
    public void Seal_ASequenceBelowOne_IsRefused(long sequence, string problem)
    {
        var e = Assert.Throws<ArgumentException>(() =>
            AuditEntry.Seal(sequence, At, "system", "created", "policy", AuditEntry.HashPayload(""), AuditEntry.GenesisHash));

        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Seal_AShortHash_IsRefusedNamingIt()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            AuditEntry.Seal(1, At, "system", "created", "policy", [1, 2], AuditEntry.GenesisHash));

        Assert.Contains("payload_hash is 2 bytes, not 32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Seal_TextWithAnUnpairedSurrogate_IsRefused() =>
        Assert.Throws<ArgumentException>(() =>
            AuditEntry.Seal(1, At, "authority:\uD800", "created", "policy", AuditEntry.HashPayload(""), AuditEntry.GenesisHash));

    [Theory]
    [InlineData("authority:alice", "authority:alice")]
    [InlineData("a\0b", "a\uFFFDb")]
    [InlineData("\U0001F600", "\U0001F600")]
    public void CleanText_KeepsWellFormedTextAndReplacesWhatCannotBeHashedOrStored(string text, string expected) =>
        Assert.Equal(expected, AuditEntry.CleanText(text));

    [Fact]
    public void CleanText_AnUnpairedSurrogate_BecomesTheReplacementCharacter() =>
        Assert.Equal("x\uFFFDy", AuditEntry.CleanText("x" + (char)0xD800 + "y"));

    [Fact]
    public void Hex_RoundTrips()
    {
        var hash = AuditEntry.HashPayload("abc");

        Assert.True(AuditEntry.SameHash(hash, AuditEntry.FromHex(AuditEntry.Hex(hash))));
    }
}

public sealed class AuditCheckpointTests
{
    private static readonly ImmutableArray<byte> Head = AuditEntry.HashPayload("head");
    private static readonly DateTimeOffset At = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Sign_ProducesACheckpointTheNodesPublicKeyVerifies()
    {
        var checkpoint = AuditCheckpoint.Sign(SigningFixtures.Kenya, "KE", 42, Head, At);

        Assert.True(checkpoint.IsSignedBy(SigningFixtures.Kenya.PublicKey));
        Assert.Equal(SigningFixtures.Kenya.KeyId, checkpoint.KeyId);
        Assert.Equal(64, checkpoint.Signature.Length);
    }

    [Fact]
    public void IsSignedBy_AnotherKey_IsFalse() =>
        Assert.False(AuditCheckpoint.Sign(SigningFixtures.Kenya, "KE", 42, Head, At).IsSignedBy(SigningFixtures.France.PublicKey));

    [Fact]
    public void IsSignedBy_AnyAlteredField_IsFalse()
    {
        var checkpoint = AuditCheckpoint.Sign(SigningFixtures.Kenya, "KE", 42, Head, At);
        AuditCheckpoint[] altered =
        [
            checkpoint with { NodeCode = "FR" },
            checkpoint with { Size = 41 },
            checkpoint with { HeadHash = AuditEntry.HashPayload("other") },
            checkpoint with { At = At.AddSeconds(1) },
            checkpoint with { KeyId = SigningFixtures.France.KeyId },
            checkpoint with { Signature = [.. checkpoint.Signature.Select((b, i) => i == 10 ? (byte)(b ^ 1) : b)] },
        ];

        Assert.All(altered, a => Assert.False(a.IsSignedBy(SigningFixtures.Kenya.PublicKey)));
    }

    [Fact]
    public void SigningInput_IsTheCanonicalMapOfEveryFieldButTheSignature()
    {
        var checkpoint = AuditCheckpoint.Sign(SigningFixtures.Kenya, "KE", 3, Head, At);

        var decoded = Assert.IsType<CanonicalMap>(CanonicalEncoding.Decode(checkpoint.SigningInput()));

        Assert.Equal(["at", "format", "head_hash", "key_id", "node_code", "size"], decoded.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Sign_AnEmptyLog_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => AuditCheckpoint.Sign(SigningFixtures.Kenya, "KE", 0, Head, At));
}
