using System.Collections.Immutable;
using CsCheck;
using FederatedRegistry.Domain.Audit;

namespace FederatedRegistry.Domain.Tests.Audit;

/// <summary>For any chain, any single alteration, removal or reordering is found, at the entry where it happened.</summary>
public sealed class AuditChainProperties
{
    private const long Iterations = 2_000;

    /// <summary>A chain with a checkpoint at its end, and a position in it.</summary>
    private static readonly Gen<(IReadOnlyList<AuditEntry> Chain, int Index)> ChainAndIndex =
        AuditChains.Chain.SelectMany(chain => Gen.Int[0, chain.Count - 1].Select(i => (chain, i)));

    private static readonly Gen<(IReadOnlyList<AuditEntry> Chain, int First, int Second)> ChainAndTwoIndexes =
        AuditChains.Change.List[2, 40].Select(changes => AuditChains.Build(changes))
            .SelectMany(chain => Gen.Select(Gen.Int[0, chain.Count - 2], Gen.Int[1, chain.Count - 1], (a, b) => (chain, a, b)))
            .Where(t => t.a < t.b)
            .Select(t => (t.chain, t.a, t.b));

    [Fact]
    public void Verify_AnyUntouchedChain_IsIntact() =>
        AuditChains.Chain.Sample(chain =>
        {
            var result = AuditVerifier.Verify(chain, [AuditChains.Checkpoint(chain, chain.Count)], AuditChains.Key.PublicKey);

            Assert.True(result.IsIntact, string.Join(" ", result.Findings));
            Assert.Equal(chain.Count, result.LastSequence);
        }, iter: Iterations);

    [Fact]
    public void Verify_AnyOneFieldOfAnyEntryAltered_NamesThatEntry() =>
        Gen.Select(ChainAndIndex, Gen.Int[0, 6], Gen.Byte[1, 255], (c, field, flip) => (c.Chain, c.Index, field, flip)).Sample((chain, index, field, flip) =>
        {
            var entry = chain[index];
            var altered = field switch
            {
                0 => entry with { Actor = entry.Actor + "x" },
                1 => entry with { Action = "x" + entry.Action },
                2 => entry with { Subject = entry.Subject + "/" },
                3 => entry with { At = entry.At.AddSeconds(flip) },
                4 => entry with { PayloadHash = Flip(entry.PayloadHash, flip) },
                5 => entry with { PreviousHash = Flip(entry.PreviousHash, flip) },
                _ => entry with { EntryHash = Flip(entry.EntryHash, flip) },
            };
            var tampered = chain.Select((e, i) => i == index ? altered : e).ToList();

            var result = AuditVerifier.Verify(tampered, [AuditChains.Checkpoint(chain, chain.Count)], AuditChains.Key.PublicKey);

            Assert.False(result.IsIntact);
            Assert.Equal(entry.Sequence, result.FirstBadSequence);
        }, iter: Iterations);

    [Fact]
    public void Verify_AnyEntryRemoved_NamesThatSequence() =>
        ChainAndIndex.Sample((chain, index) =>
        {
            var tampered = chain.Where((_, i) => i != index).ToList();

            var result = AuditVerifier.Verify(tampered, [AuditChains.Checkpoint(chain, chain.Count)], AuditChains.Key.PublicKey);

            Assert.False(result.IsIntact);
            Assert.Equal(chain[index].Sequence, result.FirstBadSequence);
        }, iter: Iterations);

    /// <summary>What a database returns after two rows' sequence numbers were swapped: read by sequence, so contents trade places.</summary>
    [Fact]
    public void Verify_AnyTwoEntriesSequenceNumbersSwapped_NamesTheFirst() =>
        ChainAndTwoIndexes.Sample((chain, first, second) =>
        {
            var tampered = chain.ToList();
            tampered[first] = chain[second] with { Sequence = chain[first].Sequence };
            tampered[second] = chain[first] with { Sequence = chain[second].Sequence };

            var result = AuditVerifier.Verify(tampered, [AuditChains.Checkpoint(chain, chain.Count)], AuditChains.Key.PublicKey);

            Assert.Equal(chain[first].Sequence, result.FirstBadSequence);
        }, iter: Iterations);

    [Fact]
    public void Verify_AnyTwoEntriesReordered_NamesTheFirst() =>
        ChainAndTwoIndexes.Sample((chain, first, second) =>
        {
            var tampered = chain.ToList();
            (tampered[first], tampered[second]) = (tampered[second], tampered[first]);

            var result = AuditVerifier.Verify(tampered, [AuditChains.Checkpoint(chain, chain.Count)], AuditChains.Key.PublicKey);

            Assert.Equal(chain[first].Sequence, result.FirstBadSequence);
        }, iter: Iterations);

    /// <summary>
    /// A rewrite that recomputes every hash after the altered entry leaves a chain that hangs together: the checkpoints
    /// signed before the rewrite find it, right after the last one that still agrees.
    /// </summary>
    [Fact]
    public void Verify_AnyRewriteWithRecomputedHashes_IsFoundRightAfterTheLastCheckpointThatAgrees() =>
        Gen.Select(ChainAndIndex, Gen.Int[0, int.MaxValue].Array[0, 6], (c, picks) => (c.Chain, c.Index, picks)).Sample((chain, index, picks) =>
        {
            var sizes = picks.Select(p => 1 + p % chain.Count).Append(chain.Count).Distinct().ToList();
            var checkpoints = sizes.Select(s => AuditChains.Checkpoint(chain, s)).ToList();
            var rewritten = chain.Take(index).Concat(Rechain(chain.Skip(index).ToList(), index == 0 ? AuditEntry.GenesisHash : chain[index - 1].EntryHash)).ToList();

            var result = AuditVerifier.Verify(rewritten, checkpoints, AuditChains.Key.PublicKey);

            var lastAgreeing = sizes.Where(s => s < chain[index].Sequence).DefaultIfEmpty(0).Max();
            Assert.Equal(lastAgreeing + 1, result.FirstBadSequence);
            Assert.Contains(result.Findings, f => f.Fault == AuditFault.CheckpointHeadMismatch);
        }, iter: 500);

    [Fact]
    public void VerifyConsistency_AnyTwoCheckpointsOfOneChain_Agree() =>
        Gen.Select(ChainAndIndex, Gen.Int[0, int.MaxValue], (c, p) => (c.Chain, c.Index, p)).Sample((chain, index, p) =>
        {
            var fromSize = index;
            var toSize = fromSize + 1 + p % (chain.Count - fromSize);
            var from = fromSize == 0 ? null : AuditChains.Checkpoint(chain, fromSize);
            var to = AuditChains.Checkpoint(chain, toSize);

            var result = AuditVerifier.VerifyConsistency(from, to, [.. chain.Skip(fromSize).Take(toSize - fromSize)], AuditChains.Key.PublicKey);

            Assert.True(result.IsIntact, string.Join(" ", result.Findings));
        }, iter: Iterations);

    private static ImmutableArray<byte> Flip(ImmutableArray<byte> hash, byte flip)
    {
        var bytes = hash.ToArray();
        bytes[flip % bytes.Length] ^= flip;
        return [.. bytes];
    }

    private static IEnumerable<AuditEntry> Rechain(IReadOnlyList<AuditEntry> entries, ImmutableArray<byte> previous)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            var sealedEntry = AuditEntry.Seal(e.Sequence, e.At, i == 0 ? "mallory§" : e.Actor, e.Action, e.Subject, e.PayloadHash, previous);
            previous = sealedEntry.EntryHash;
            yield return sealedEntry;
        }
    }
}
