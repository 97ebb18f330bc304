using System.Collections.Immutable;
using FederatedRegistry.Domain.Audit;
using FederatedRegistry.Domain.Signing;
using FederatedRegistry.Domain.Tests.Signing;

namespace FederatedRegistry.Domain.Tests.Audit;

public sealed class AuditVerifierTests
{
    private static readonly NodePublicKey Key = AuditChains.Key.PublicKey;

    [Fact]
    public void Verify_AnIntactChainWithItsCheckpoint_IsIntactAndReportsTheCheckpoint()
    {
        var chain = AuditChains.Build(5);
        var checkpoint = AuditChains.Checkpoint(chain, 5);

        var result = AuditVerifier.Verify(chain, [checkpoint], Key);

        Assert.True(result.IsIntact);
        Assert.Null(result.FirstBadSequence);
        Assert.Equal((5L, 5L), (result.EntryCount, result.LastSequence));
        Assert.Same(checkpoint, result.LatestCheckpoint);
    }

    [Fact]
    public void Verify_TheEmptyLogWithoutCheckpoints_IsIntact()
    {
        var result = AuditVerifier.Verify([], [], Key);

        Assert.True(result.IsIntact);
        Assert.Equal(0, result.LastSequence);
    }

    [Fact]
    public void Verify_AnAlteredActor_IsAnEntryHashMismatchAtThatEntry()
    {
        var chain = AuditChains.Build(5).ToList();
        chain[2] = chain[2] with { Actor = "authority:mallory" };

        var result = AuditVerifier.Verify(chain, [], Key);

        var finding = Assert.Single(result.Findings);
        Assert.Equal((3L, AuditFault.EntryHashMismatch), (finding.Sequence!.Value, finding.Fault));
        Assert.Contains("Entry 3 was altered", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ARemovedEntry_IsAGapNamingIt()
    {
        var chain = AuditChains.Build(6).Where(e => e.Sequence != 4).ToList();

        var result = AuditVerifier.Verify(chain, [], Key);

        var finding = Assert.Single(result.Findings);
        Assert.Equal((4L, AuditFault.MissingEntries), (finding.Sequence!.Value, finding.Fault));
        Assert.Equal("Entry 4 is missing: the log goes from 3 to 5.", finding.Message);
    }

    [Fact]
    public void Verify_TheLastEntriesRemoved_AreFoundByTheCheckpoint()
    {
        var chain = AuditChains.Build(6);
        var checkpoint = AuditChains.Checkpoint(chain, 6);

        var result = AuditVerifier.Verify(chain.Take(4), [checkpoint], Key);

        var finding = Assert.Single(result.Findings);
        Assert.Equal((5L, AuditFault.CheckpointBeyondEntries), (finding.Sequence!.Value, finding.Fault));
        Assert.Contains("entries 5 to 6 are missing", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_AnInsertedEntry_BreaksTheLinkOfTheNextOne()
    {
        var chain = AuditChains.Build(4).ToList();
        // Entry 3 replaced by a well-formed entry that names entry 2 but says something else: entry 4 no longer follows it.
        chain[2] = AuditEntry.Seal(3, chain[2].At, "authority:mallory", "decided:register", "system:KE-SYS-X", chain[2].PayloadHash, chain[1].EntryHash);

        var result = AuditVerifier.Verify(chain, [], Key);

        var finding = Assert.Single(result.Findings);
        Assert.Equal((4L, AuditFault.PreviousHashMismatch), (finding.Sequence!.Value, finding.Fault));
    }

    [Fact]
    public void Verify_EntriesOutOfOrder_NameTheFirstPositionThatIsWrong()
    {
        var chain = AuditChains.Build(5).ToList();
        (chain[1], chain[3]) = (chain[3], chain[1]);

        var result = AuditVerifier.Verify(chain, [], Key);

        Assert.Equal(2, result.FirstBadSequence);
        Assert.Contains(result.Findings, f => f.Fault == AuditFault.OutOfOrder);
    }

    [Fact]
    public void Verify_AFirstEntryThatDoesNotStartFromGenesis_IsAPreviousHashMismatch()
    {
        var chain = AuditChains.Build(2, previous: ImmutableArray.Create(Enumerable.Repeat((byte)7, 32).ToArray()));

        var result = AuditVerifier.Verify(chain, [], Key);

        Assert.Equal((1L, AuditFault.PreviousHashMismatch), (result.FirstBadSequence!.Value, Assert.Single(result.Findings).Fault));
    }

    [Fact]
    public void Verify_AMalformedEntry_IsReportedAsSuch()
    {
        var chain = AuditChains.Build(3).ToList();
        chain[1] = chain[1] with { PayloadHash = [1, 2, 3] };

        var result = AuditVerifier.Verify(chain, [], Key);

        Assert.Equal(2, result.FirstBadSequence);
        Assert.Equal(AuditFault.Malformed, result.Findings[0].Fault);
        Assert.Contains("payload_hash is 3 bytes", result.Findings[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ACheckpointSignedByAnotherKey_IsRefusedAndNamesNoEntry()
    {
        var chain = AuditChains.Build(3);

        var result = AuditVerifier.Verify(chain, [AuditChains.Checkpoint(chain, 3, SigningFixtures.Mallory)], Key);

        var finding = Assert.Single(result.Findings);
        Assert.Equal(AuditFault.BadCheckpointSignature, finding.Fault);
        Assert.Null(finding.Sequence);
        Assert.Null(result.LatestCheckpoint);
        Assert.False(result.IsIntact);
    }

    [Fact]
    public void Verify_ACheckpointWithAlteredSize_DoesNotVerify()
    {
        var chain = AuditChains.Build(3);
        var checkpoint = AuditChains.Checkpoint(chain, 3) with { Size = 2 };

        var result = AuditVerifier.Verify(chain, [checkpoint], Key);

        Assert.Equal(AuditFault.BadCheckpointSignature, Assert.Single(result.Findings).Fault);
    }

    [Fact]
    public void Verify_AChainRewrittenWithFreshHashes_IsFoundByTheCheckpointSignedBefore()
    {
        var chain = AuditChains.Build(8);
        var checkpoints = new[] { AuditChains.Checkpoint(chain, 3), AuditChains.Checkpoint(chain, 8) };
        var rewritten = chain.Take(5).Concat(AuditChains.Build(3, startSequence: 6, previous: chain[4].EntryHash)
            .Select((e, i) => i == 0 ? AuditEntry.Seal(6, e.At, "authority:mallory", e.Action, e.Subject, e.PayloadHash, e.PreviousHash) : e)).ToList();
        rewritten = Rechain(rewritten);

        var result = AuditVerifier.Verify(rewritten, checkpoints, Key);

        var finding = Assert.Single(result.Findings);
        Assert.Equal((4L, AuditFault.CheckpointHeadMismatch), (finding.Sequence!.Value, finding.Fault));
        Assert.Contains("an entry from 4 to 8 was rewritten", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_FromATrustedHead_ChecksOnlyTheEntriesAfterIt()
    {
        var chain = AuditChains.Build(6);
        var start = new AuditHead(3, chain[2].EntryHash);

        var result = AuditVerifier.Verify(chain.Skip(3), [AuditChains.Checkpoint(chain, 3), AuditChains.Checkpoint(chain, 6)], Key, start);

        Assert.True(result.IsIntact, string.Join(" ", result.Findings));
        Assert.Equal(6, result.LastSequence);
    }

    [Fact]
    public void VerifyConsistency_ALogThatExtendsTheEarlierOne_IsConsistent()
    {
        var chain = AuditChains.Build(7);

        var result = AuditVerifier.VerifyConsistency(AuditChains.Checkpoint(chain, 3), AuditChains.Checkpoint(chain, 7), [.. chain.Skip(3)], Key);

        Assert.True(result.IsIntact, string.Join(" ", result.Findings));
    }

    [Fact]
    public void VerifyConsistency_ALaterCheckpointOfARewrittenLog_IsNotConsistentWithTheEarlierOne()
    {
        var chain = AuditChains.Build(7);
        var earlier = AuditChains.Checkpoint(chain, 3);
        var rewritten = Rechain([.. chain.Take(2), chain[2] with { Subject = "system:KE-SYS-other" }, .. chain.Skip(3)]);

        var result = AuditVerifier.VerifyConsistency(earlier, AuditChains.Checkpoint(rewritten, 7), [.. rewritten.Skip(3)], Key);

        Assert.Equal((4L, AuditFault.PreviousHashMismatch), (result.FirstBadSequence!.Value, result.Findings[0].Fault));
    }

    [Fact]
    public void VerifyConsistency_AProofWithAnEntryMissing_NamesIt()
    {
        var chain = AuditChains.Build(7);

        var result = AuditVerifier.VerifyConsistency(AuditChains.Checkpoint(chain, 2), AuditChains.Checkpoint(chain, 7), [.. chain.Skip(2).Where(e => e.Sequence != 5)], Key);

        Assert.Equal(5, result.FirstBadSequence);
    }

    [Fact]
    public void VerifyConsistency_AnEarlierCheckpointThatIsLarger_IsRefused()
    {
        var chain = AuditChains.Build(7);

        var result = AuditVerifier.VerifyConsistency(AuditChains.Checkpoint(chain, 7), AuditChains.Checkpoint(chain, 3), [], Key);

        Assert.False(result.IsIntact);
        Assert.Contains(result.Findings, f => f.Message.Contains("the log shrank", StringComparison.Ordinal));
    }

    [Fact]
    public void VerifyPayloads_NamesEveryEntryWhosePayloadNoLongerMatchesItsHash()
    {
        var chain = AuditChains.Build(4);
        var payloads = chain.Select(e => (e, $"{{\"n\":{e.Sequence}}}")).ToList();
        payloads[2] = (chain[2], "{\"n\":99}");

        var findings = AuditVerifier.VerifyPayloads(payloads);

        var finding = Assert.Single(findings);
        Assert.Equal((3L, AuditFault.PayloadHashMismatch), (finding.Sequence!.Value, finding.Fault));
        var merged = AuditVerifier.Verify(chain, [], Key).With(findings);
        Assert.Equal(3, merged.FirstBadSequence);
    }

    private static List<AuditEntry> Rechain(IReadOnlyList<AuditEntry> entries)
    {
        var result = new List<AuditEntry>();
        var previous = AuditEntry.GenesisHash;
        foreach (var e in entries)
        {
            var sealedEntry = AuditEntry.Seal(e.Sequence, e.At, e.Actor, e.Action, e.Subject, e.PayloadHash, previous);
            result.Add(sealedEntry);
            previous = sealedEntry.EntryHash;
        }
        return result;
    }
}
