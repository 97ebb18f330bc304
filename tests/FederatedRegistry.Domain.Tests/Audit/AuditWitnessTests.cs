using CsCheck;
using FederatedRegistry.Domain.Audit;
using FederatedRegistry.Domain.Signing;
using FederatedRegistry.Domain.Tests.Signing;

namespace FederatedRegistry.Domain.Tests.Audit;

public sealed class AuditWitnessTests
{
    private const string Peer = "KE";

    private static readonly NodePublicKey Key = AuditChains.Key.PublicKey;

    [Fact]
    public void Judge_AFirstCheckpointProvedFromTheFirstEntry_IsConsistentAndReachesIt()
    {
        var chain = AuditChains.Build(5);
        var answered = AuditChains.Checkpoint(chain, 5);

        var judgement = AuditWitness.Judge(Peer, Key, seen: null, reached: null, answered, chain);

        Assert.Equal(WitnessVerdict.Consistent, judgement.Verdict);
        Assert.Equal(AuditHead.Of(answered), judgement.Reached);
        Assert.Empty(judgement.Findings);
    }

    [Fact]
    public void Judge_ALaterCheckpointWithTheEntriesSinceTheKeptOne_IsConsistent()
    {
        var chain = AuditChains.Build(9);
        var seen = AuditChains.Checkpoint(chain, 4);
        var answered = AuditChains.Checkpoint(chain, 9);

        var judgement = AuditWitness.Judge(Peer, Key, seen, null, answered, Between(chain, 4, 9));

        Assert.Equal(WitnessVerdict.Consistent, judgement.Verdict);
        Assert.Equal(9, judgement.Reached.Size);
    }

    [Fact]
    public void Judge_TheKeptCheckpointAgain_OrAnotherSignatureOfTheSameHead_IsConsistent()
    {
        var chain = AuditChains.Build(4);
        var seen = AuditChains.Checkpoint(chain, 4);
        var resigned = AuditCheckpoint.Sign(AuditChains.Key, Peer, 4, seen.HeadHash, seen.At.AddMinutes(5));

        Assert.Equal(WitnessVerdict.Consistent, AuditWitness.Judge(Peer, Key, seen, null, seen, []).Verdict);
        Assert.Equal(WitnessVerdict.Consistent, AuditWitness.Judge(Peer, Key, seen, null, resigned, []).Verdict);
    }

    [Fact]
    public void Judge_NoCheckpointYet_FromAPeerNeverSeen_IsConsistent_ButFromOneSeenBefore_IsInconsistent()
    {
        var seen = AuditChains.Checkpoint(AuditChains.Build(3), 3);

        Assert.Equal(WitnessVerdict.Consistent, AuditWitness.Judge(Peer, Key, null, null, null, []).Verdict);
        var judgement = AuditWitness.Judge(Peer, Key, seen, null, null, []);
        Assert.Equal(WitnessVerdict.Inconsistent, judgement.Verdict);
        Assert.Contains("signed no checkpoint, but it signed one of size 3", judgement.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_ASmallerCheckpointThanTheKeptOne_IsInconsistent_TheLogShrank()
    {
        var chain = AuditChains.Build(8);
        var seen = AuditChains.Checkpoint(chain, 8);
        var answered = AuditChains.Checkpoint(chain, 5);

        var judgement = AuditWitness.Judge(Peer, Key, seen, null, answered, []);

        Assert.Equal(WitnessVerdict.Inconsistent, judgement.Verdict);
        var finding = Assert.Single(judgement.Findings);
        Assert.Equal(AuditFault.CheckpointHeadMismatch, finding.Fault);
        Assert.Contains("checkpoint of size 5", finding.Message, StringComparison.Ordinal);
        Assert.Contains("after one of size 8", finding.Message, StringComparison.Ordinal);
        Assert.EndsWith("its log shrank.", finding.Message, StringComparison.Ordinal);
        Assert.Equal(AuditHead.Of(seen), judgement.Reached);
    }

    [Fact]
    public void Judge_AnotherHeadForTheKeptSize_IsInconsistent()
    {
        var seen = AuditChains.Checkpoint(AuditChains.Build(6), 6);
        var rewritten = Rewrite(AuditChains.Build(6), at: 2);
        var answered = AuditChains.Checkpoint(rewritten, 6);

        var judgement = AuditWitness.Judge(Peer, Key, seen, null, answered, []);

        Assert.Equal(WitnessVerdict.Inconsistent, judgement.Verdict);
        Assert.Contains("two different heads for size 6", judgement.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_AnEntryBeforeTheKeptCheckpointRewrittenAndEveryHashRecomputedAndResigned_IsInconsistent()
    {
        // What a dishonest operator with the node's key can do: alter entry 3, recompute the chain from there, sign anew.
        var honest = AuditChains.Build(10);
        var seen = AuditChains.Checkpoint(honest, 6);
        var rewritten = Rewrite(honest, at: 3);
        var answered = AuditChains.Checkpoint(rewritten, 10);

        var judgement = AuditWitness.Judge(Peer, Key, seen, null, answered, Between(rewritten, 6, 10));

        Assert.Equal(WitnessVerdict.Inconsistent, judgement.Verdict);
        Assert.Contains("does not extend its checkpoint of size 6", judgement.Reason, StringComparison.Ordinal);
        Assert.Contains(judgement.Findings, f => f.Fault == AuditFault.PreviousHashMismatch && f.Sequence == 7);
    }

    [Fact]
    public void Judge_AProofThatSkipsAnEntry_IsInconsistent()
    {
        var chain = AuditChains.Build(8);
        var seen = AuditChains.Checkpoint(chain, 3);
        var answered = AuditChains.Checkpoint(chain, 8);

        var judgement = AuditWitness.Judge(Peer, Key, seen, null, answered, [.. Between(chain, 3, 8).Where(e => e.Sequence != 5)]);

        Assert.Equal(WitnessVerdict.Inconsistent, judgement.Verdict);
        Assert.Contains(judgement.Findings, f => f.Fault == AuditFault.MissingEntries && f.Sequence == 5);
    }

    [Fact]
    public void Judge_AProofInPages_IsPartialUntilItReachesTheCheckpoint()
    {
        var chain = AuditChains.Build(12);
        var seen = AuditChains.Checkpoint(chain, 2);
        var answered = AuditChains.Checkpoint(chain, 12);

        var first = AuditWitness.Judge(Peer, Key, seen, null, answered, Between(chain, 2, 6));
        var second = AuditWitness.Judge(Peer, Key, seen, first.Reached, answered, Between(chain, 6, 10));
        var last = AuditWitness.Judge(Peer, Key, seen, second.Reached, answered, Between(chain, 10, 12));

        Assert.Equal((WitnessVerdict.Partial, 6L), (first.Verdict, first.Reached.Size));
        Assert.True(AuditEntry.SameHash(chain[5].EntryHash, first.Reached.Hash));
        Assert.Equal((WitnessVerdict.Partial, 10L), (second.Verdict, second.Reached.Size));
        Assert.Equal((WitnessVerdict.Consistent, 12L), (last.Verdict, last.Reached.Size));
    }

    [Fact]
    public void Judge_APageThatDoesNotFollowTheLastOne_IsInconsistent()
    {
        var chain = AuditChains.Build(10);
        var seen = AuditChains.Checkpoint(chain, 2);
        var rewritten = Rewrite(chain, at: 5);
        var answered = AuditChains.Checkpoint(rewritten, 10);

        var first = AuditWitness.Judge(Peer, Key, seen, null, answered, Between(chain, 2, 5));
        var second = AuditWitness.Judge(Peer, Key, seen, first.Reached, answered, Between(rewritten, 5, 10));

        Assert.Equal(WitnessVerdict.Partial, first.Verdict);
        Assert.Equal(WitnessVerdict.Inconsistent, second.Verdict);
    }

    [Fact]
    public void Judge_ACheckpointNotSignedWithThePeersKey_IsUnusable_NotEvidence()
    {
        var chain = AuditChains.Build(5);
        var forged = AuditChains.Checkpoint(chain, 5, SigningFixtures.Mallory);
        var tampered = AuditChains.Checkpoint(chain, 5) with { Size = 4 };

        var byOtherKey = AuditWitness.Judge(Peer, Key, null, null, forged, chain);
        var altered = AuditWitness.Judge(Peer, Key, null, null, tampered, [.. chain.Take(4)]);

        Assert.Equal(WitnessVerdict.Unusable, byOtherKey.Verdict);
        Assert.Contains($"names key {SigningFixtures.Mallory.KeyId}", byOtherKey.Reason, StringComparison.Ordinal);
        Assert.Equal(WitnessVerdict.Unusable, altered.Verdict);
        Assert.Contains("does not verify with its key", altered.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_AnotherNodesCheckpoint_IsUnusable()
    {
        var chain = AuditChains.Build(3);

        var judgement = AuditWitness.Judge("FR", Key, null, null, AuditChains.Checkpoint(chain, 3), chain);

        Assert.Equal(WitnessVerdict.Unusable, judgement.Verdict);
        Assert.Contains("is KE's, not its own", judgement.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_ALargerCheckpointWithoutProof_OrWithEntriesBeyondIt_IsUnusable()
    {
        var chain = AuditChains.Build(7);
        var seen = AuditChains.Checkpoint(chain, 3);
        var answered = AuditChains.Checkpoint(chain, 5);

        Assert.Equal(WitnessVerdict.Unusable, AuditWitness.Judge(Peer, Key, seen, null, answered, []).Verdict);
        Assert.Equal(WitnessVerdict.Unusable, AuditWitness.Judge(Peer, Key, seen, null, answered, Between(chain, 3, 7)).Verdict);
    }

    [Fact]
    public void Judge_AnyHonestLogBetweenAnyTwoSizes_IsConsistent() =>
        AuditChains.Chain.SelectMany(chain => Gen.Int[0, chain.Count].SelectMany(from => Gen.Int[Math.Max(from, 1), chain.Count].Select(to => (chain, from, to))))
            .Sample((chain, from, to) =>
            {
                var seen = from == 0 ? null : AuditChains.Checkpoint(chain, from);

                var judgement = AuditWitness.Judge(Peer, Key, seen, null, AuditChains.Checkpoint(chain, to), Between(chain, from, to));

                Assert.True(judgement.Verdict == WitnessVerdict.Consistent, judgement.Reason);
                Assert.Equal(to, judgement.Reached.Size);
            }, iter: 1_000);

    [Fact]
    public void Judge_AnyRewriteOfAnEntryUpToTheKeptCheckpoint_RecomputedAndResigned_IsNeverConsistent() =>
        AuditChains.Change.List[2, 30].Select(changes => AuditChains.Build(changes))
            .SelectMany(chain => Gen.Int[1, chain.Count].SelectMany(kept =>
                Gen.Select(Gen.Int[1, kept], Gen.Int[1, chain.Count], (at, to) => (chain, kept, at, to))))
            .Sample((chain, kept, at, to) =>
            {
                var seen = AuditChains.Checkpoint(chain, kept);
                var rewritten = Rewrite(chain, at);
                var answered = AuditChains.Checkpoint(rewritten, to);

                var judgement = AuditWitness.Judge(Peer, Key, seen, null, answered, Between(rewritten, Math.Min(kept, to), to));

                Assert.Equal(WitnessVerdict.Inconsistent, judgement.Verdict);
                Assert.NotEmpty(judgement.Findings);
            }, iter: 1_000);

    private static IReadOnlyList<AuditEntry> Between(IReadOnlyList<AuditEntry> chain, long after, long upTo) =>
        [.. chain.Where(e => e.Sequence > after && e.Sequence <= upTo)];

    /// <summary>The chain with entry <paramref name="at"/>'s actor altered and every hash from there recomputed, as a dishonest operator would.</summary>
    private static IReadOnlyList<AuditEntry> Rewrite(IReadOnlyList<AuditEntry> chain, long at)
    {
        var rewritten = new List<AuditEntry>(chain.Count);
        var previous = AuditEntry.GenesisHash;
        foreach (var entry in chain)
        {
            var actor = entry.Sequence == at ? entry.Actor + " (rewritten)" : entry.Actor;
            var sealedEntry = AuditEntry.Seal(entry.Sequence, entry.At, actor, entry.Action, entry.Subject, entry.PayloadHash, previous);
            rewritten.Add(sealedEntry);
            previous = sealedEntry.EntryHash;
        }
        return rewritten;
    }
}
