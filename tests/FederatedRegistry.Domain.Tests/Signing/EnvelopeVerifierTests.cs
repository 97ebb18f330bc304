using FederatedRegistry.Domain.Signing;

namespace FederatedRegistry.Domain.Tests.Signing;

public sealed class EnvelopeVerifierTests
{
    private static readonly DateTimeOffset Now = SigningFixtures.Now;

    [Fact]
    public void Verify_AnEnvelopeSignedByATrustedPeer_IsAccepted()
    {
        var envelope = SigningFixtures.Summary();

        var verdict = SigningFixtures.Verifier().Verify(envelope);

        Assert.True(verdict.IsAccepted, verdict.Message);
        Assert.Null(verdict.Rejection);
        Assert.Same(envelope, verdict.Envelope);
    }

    [Fact]
    public void Verify_TheWireForm_IsAcceptedAndGivesTheEnvelopeBack()
    {
        var envelope = SigningFixtures.Summary();

        var verdict = SigningFixtures.Verifier().Verify(envelope.Encode());

        Assert.True(verdict.IsAccepted, verdict.Message);
        Assert.Equal(envelope, verdict.Envelope);
    }

    [Fact]
    public void Verify_AnEnvelopeSignedWithEitherOfAPeersKeys_IsAccepted()
    {
        var verifier = SigningFixtures.Verifier();

        Assert.True(verifier.Verify(SigningFixtures.Summary(key: SigningFixtures.Kenya)).IsAccepted);
        Assert.True(verifier.Verify(SigningFixtures.Summary(key: SigningFixtures.KenyaNext)).IsAccepted);
    }

    [Fact]
    public void Verify_BytesThatAreNotAnEnvelope_AreRejectedAsMalformed()
    {
        var verdict = SigningFixtures.Verifier().Verify([0x6D, 0x00, 0x00]);

        Assert.Equal(EnvelopeRejection.Malformed, verdict.Rejection);
        Assert.Null(verdict.Envelope);
        Assert.StartsWith("The envelope is malformed: Not a canonical encoding", verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_AnEnvelopeBreakingAFieldRule_IsRejectedAsMalformedNamingTheField()
    {
        var envelope = SigningFixtures.Summary() with { Sequence = 0 };

        var verdict = SigningFixtures.Verifier().Verify(envelope);

        Assert.Equal(EnvelopeRejection.Malformed, verdict.Rejection);
        Assert.Contains("sequence: must be 1 or more", verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_AnEnvelopeFromANodeNotInTheDirectory_IsRejectedAsUnknownOrigin()
    {
        var envelope = SigningFixtures.Summary(key: SigningFixtures.Mallory, origin: "BR");

        var verdict = SigningFixtures.Verifier().Verify(envelope);

        Assert.Equal(EnvelopeRejection.UnknownOrigin, verdict.Rejection);
        Assert.Equal("The origin BR is not in this node's peer directory.", verdict.Message);
    }

    [Fact]
    public void Verify_AnEnvelopeSignedWithAKeyNotTrustedForItsOrigin_IsRejectedAsUnknownKey()
    {
        var byMallory = SigningFixtures.Summary(key: SigningFixtures.Mallory, origin: "KE");
        var byFrance = SigningFixtures.Summary(key: SigningFixtures.France, origin: "KE");

        var verifier = SigningFixtures.Verifier();

        Assert.Equal(EnvelopeRejection.UnknownKey, verifier.Verify(byMallory).Rejection);
        var verdict = verifier.Verify(byFrance);
        Assert.Equal(EnvelopeRejection.UnknownKey, verdict.Rejection);
        Assert.Equal($"Key {SigningFixtures.France.KeyId} is not a key this node trusts for KE.", verdict.Message);
    }

    [Fact]
    public void Verify_AnEnvelopeWhoseFieldWasChangedAfterSigning_IsRejectedAsBadSignature()
    {
        var envelope = SigningFixtures.Summary() with { PolicyVersion = 4 };

        var verdict = SigningFixtures.Verifier().Verify(envelope);

        Assert.Equal(EnvelopeRejection.BadSignature, verdict.Rejection);
        Assert.Contains("does not verify with KE's key", verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_AnotherKeysSignatureClaimingATrustedKeyId_IsRejectedAsBadSignature()
    {
        var claimed = SigningFixtures.Summary() with { Signature = [.. new byte[64]] };
        var forged = claimed with { Signature = [.. SigningFixtures.Mallory.SignData(claimed.SigningInput())] };

        var verdict = SigningFixtures.Verifier().Verify(forged);

        Assert.Equal(EnvelopeRejection.BadSignature, verdict.Rejection);
    }

    [Fact]
    public void Verify_AnEnvelopeSignedByTheOtherKeyOfTheSamePeer_ButNamingTheFirst_IsRejectedAsBadSignature()
    {
        var envelope = SigningFixtures.Summary(key: SigningFixtures.KenyaNext) with { KeyId = SigningFixtures.Kenya.KeyId };

        Assert.Equal(EnvelopeRejection.BadSignature, SigningFixtures.Verifier().Verify(envelope).Rejection);
    }

    [Fact]
    public void Verify_AnEnvelopeExactlyMaxAgeOld_IsAccepted_AndOneMicrosecondOlderIsRejectedAsExpired()
    {
        var clock = new ManualClock(Now);
        var verifier = SigningFixtures.Verifier(clock, new EnvelopeVerifierOptions { MaxAge = TimeSpan.FromMinutes(10) });
        var envelope = SigningFixtures.Summary(issuedAt: Now);

        clock.Now = Now.AddMinutes(10);
        var atTheLimit = verifier.Verify(envelope);
        clock.Now = Now.AddMinutes(10).AddTicks(10);
        var past = verifier.Verify(envelope);

        Assert.True(atTheLimit.IsAccepted, atTheLimit.Message);
        Assert.Equal(EnvelopeRejection.Expired, past.Rejection);
        Assert.Equal("The envelope was issued at 2025-06-01T12:00:00.0000000Z, more than 00:10:00 before now (2025-06-01T12:10:00.0000010Z).", past.Message);
    }

    [Fact]
    public void Verify_AnEnvelopeExactlyMaxClockSkewAhead_IsAccepted_AndOneMicrosecondMoreIsRejectedAsIssuedInFuture()
    {
        var verifier = SigningFixtures.Verifier(new ManualClock(Now), new EnvelopeVerifierOptions { MaxClockSkew = TimeSpan.FromSeconds(30) });

        var atTheLimit = verifier.Verify(SigningFixtures.Summary(issuedAt: Now.AddSeconds(30)));
        var ahead = verifier.Verify(SigningFixtures.Summary(issuedAt: Now.AddSeconds(30).AddTicks(10)));

        Assert.True(atTheLimit.IsAccepted, atTheLimit.Message);
        Assert.Equal(EnvelopeRejection.IssuedInFuture, ahead.Rejection);
        Assert.Contains("more than 00:00:30 after now", ahead.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ByDefault_AcceptsFiveMinutesOldAndOneMinuteAhead()
    {
        var verifier = SigningFixtures.Verifier();

        Assert.True(verifier.Verify(SigningFixtures.Summary(issuedAt: Now.AddMinutes(-5))).IsAccepted);
        Assert.True(verifier.Verify(SigningFixtures.Summary(issuedAt: Now.AddMinutes(1))).IsAccepted);
        Assert.Equal(EnvelopeRejection.Expired, verifier.Verify(SigningFixtures.Summary(issuedAt: Now.AddMinutes(-6))).Rejection);
        Assert.Equal(EnvelopeRejection.IssuedInFuture, verifier.Verify(SigningFixtures.Summary(issuedAt: Now.AddMinutes(2))).Rejection);
    }

    [Fact]
    public void VerifyAndAccept_TheSameEnvelopeTwice_RejectsTheSecondAsReplayed()
    {
        var guard = new ReplayGuard("KE");
        var envelope = SigningFixtures.Summary(sequence: 5);
        var verifier = SigningFixtures.Verifier();

        var first = verifier.VerifyAndAccept(envelope, guard);
        var second = verifier.VerifyAndAccept(envelope, guard);

        Assert.True(first.IsAccepted, first.Message);
        Assert.Equal(EnvelopeRejection.Replayed, second.Rejection);
        Assert.Equal("Sequence number 5 from KE was accepted before: this is a replay.", second.Message);
    }

    [Fact]
    public void VerifyAndAccept_ANewEnvelopeReusingASequenceNumber_IsRejectedAsReplayed()
    {
        var guard = new ReplayGuard("KE");
        var verifier = SigningFixtures.Verifier();
        verifier.VerifyAndAccept(SigningFixtures.Summary(sequence: 5), guard);

        var verdict = verifier.VerifyAndAccept(SigningFixtures.Summary(sequence: 5, issuedAt: Now.AddSeconds(1)), guard);

        Assert.Equal(EnvelopeRejection.Replayed, verdict.Rejection);
    }

    [Fact]
    public void VerifyAndAccept_ASequenceNumberBelowTheWindow_IsRejectedAsSequenceTooOld()
    {
        var guard = new ReplayGuard("KE", window: 100);
        var verifier = SigningFixtures.Verifier();
        verifier.VerifyAndAccept(SigningFixtures.Summary(sequence: 1_000), guard);

        var verdict = verifier.VerifyAndAccept(SigningFixtures.Summary(sequence: 900), guard);

        Assert.Equal(EnvelopeRejection.SequenceTooOld, verdict.Rejection);
        Assert.Equal("Sequence number 900 from KE is below the replay window (highest accepted 1000, window 100), so it cannot be told apart from a replay.", verdict.Message);
        Assert.True(verifier.VerifyAndAccept(SigningFixtures.Summary(sequence: 901), guard).IsAccepted);
    }

    /// <summary>Otherwise anyone could use up a peer's sequence numbers with forged or stale envelopes.</summary>
    [Fact]
    public void VerifyAndAccept_ARejectedEnvelope_DoesNotUseUpItsSequenceNumber()
    {
        var guard = new ReplayGuard("KE");
        var verifier = SigningFixtures.Verifier();
        var genuine = SigningFixtures.Summary(sequence: 8);

        var forged = verifier.VerifyAndAccept(genuine with { PolicyVersion = 99 }, guard);
        var stale = verifier.VerifyAndAccept(SigningFixtures.Summary(sequence: 8, issuedAt: Now.AddHours(-1)), guard);
        var accepted = verifier.VerifyAndAccept(genuine, guard);

        Assert.Equal(EnvelopeRejection.BadSignature, forged.Rejection);
        Assert.Equal(EnvelopeRejection.Expired, stale.Rejection);
        Assert.True(accepted.IsAccepted, accepted.Message);
    }

    [Fact]
    public void VerifyAndAccept_WithAnotherOriginsGuard_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            SigningFixtures.Verifier().VerifyAndAccept(SigningFixtures.Summary(), new ReplayGuard("FR")));

        Assert.Contains("tracks FR, but the envelope is from KE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyAndAccept_TheWireForm_AsksForTheGuardOfTheAuthenticatedOriginOnly()
    {
        var guards = new Dictionary<string, ReplayGuard> { ["KE"] = new("KE") };
        var asked = new List<string>();
        ReplayGuard GuardFor(string origin)
        {
            asked.Add(origin);
            return guards[origin];
        }
        var verifier = SigningFixtures.Verifier();
        var envelope = SigningFixtures.Summary(sequence: 3);

        var forged = verifier.VerifyAndAccept((envelope with { Sequence = 4 }).Encode(), GuardFor);
        var first = verifier.VerifyAndAccept(envelope.Encode(), GuardFor);
        var replay = verifier.VerifyAndAccept(envelope.Encode(), GuardFor);

        Assert.Equal(EnvelopeRejection.BadSignature, forged.Rejection);
        Assert.True(first.IsAccepted, first.Message);
        Assert.Equal(EnvelopeRejection.Replayed, replay.Rejection);
        Assert.Equal(["KE", "KE"], asked);
    }

    [Fact]
    public void Verifier_WithANegativeWindow_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            SigningFixtures.Verifier(options: new EnvelopeVerifierOptions { MaxAge = TimeSpan.FromSeconds(-1) }));

    [Fact]
    public void TrustedKeyDirectory_ListingOneKeyForTwoPeers_IsRefused()
    {
        var key = SigningFixtures.Kenya.PublicKey;

        var error = Assert.Throws<ArgumentException>(() => new TrustedKeyDirectory([("KE", key), ("FR", key)]));

        Assert.Contains($"Key {key.KeyId} is listed for both KE and FR", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrustedKeyDirectory_WithACodeThatIsNotANodeCode_IsRefused() =>
        Assert.Throws<ArgumentException>(() =>
            new TrustedKeyDirectory(new Dictionary<string, NodePublicKey> { ["kenya"] = SigningFixtures.Kenya.PublicKey }));

    [Fact]
    public void TrustedKeyDirectory_ListsEachPeersKeysOnce()
    {
        var directory = new TrustedKeyDirectory([("KE", SigningFixtures.Kenya.PublicKey), ("KE", SigningFixtures.Kenya.PublicKey), ("KE", SigningFixtures.KenyaNext.PublicKey)]);

        Assert.True(directory.TryGetKeys("KE", out var keys));
        Assert.Equal([SigningFixtures.Kenya.PublicKey, SigningFixtures.KenyaNext.PublicKey], keys);
        Assert.False(directory.TryGetKeys("FR", out _));
    }
}
