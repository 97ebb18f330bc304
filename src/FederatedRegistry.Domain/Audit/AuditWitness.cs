using System.Globalization;
using FederatedRegistry.Domain.Signing;

namespace FederatedRegistry.Domain.Audit;

/// <summary>What a witness makes of a peer's answer to "your latest checkpoint, and the proof from the one I kept".</summary>
public enum WitnessVerdict
{
    /// <summary>
    /// The answered checkpoint is the one kept, or extends it: the entries after the kept head chain to the head it signs.
    /// Also the answer of a peer that has signed nothing yet, to a witness that kept nothing.
    /// </summary>
    Consistent = 1,

    /// <summary>The proof is sound as far as it goes but ends before the checkpoint's size: ask again from <see cref="WitnessJudgement.Reached"/>.</summary>
    Partial = 2,

    /// <summary>The peer signed a history that does not extend the one it signed before: the two checkpoints (and the proof) are evidence.</summary>
    Inconsistent = 3,

    /// <summary>
    /// The answer proves nothing either way: its checkpoint is not signed with the peer's key or names another node, or it
    /// carries no proof. An error to report, not evidence against the peer.
    /// </summary>
    Unusable = 4,
}

/// <summary>A witness's judgement of one answer.</summary>
/// <param name="Verdict">What the answer shows.</param>
/// <param name="Reached">How far the peer's log is verified now: the answered checkpoint's head when consistent, the last proved entry when partial, otherwise where it was.</param>
/// <param name="Findings">Why the answer is inconsistent or unusable; empty otherwise.</param>
public sealed record WitnessJudgement(WitnessVerdict Verdict, AuditHead Reached, IReadOnlyList<AuditFinding> Findings)
{
    /// <summary>The findings as one text for people; empty when there are none.</summary>
    public string Reason => string.Join(" ", Findings.Select(f => f.Message));
}

/// <summary>
/// The rules by which a node witnesses a peer's audit log: it keeps the last checkpoint of the peer it verified, and
/// believes a new one only when it is signed with the peer's key and the peer proves, with the entries in between, that
/// its log at the new size extends its log at the kept one. A smaller checkpoint, another head for a size already seen,
/// or a proof that does not chain is caught; since every checkpoint is signed by the peer, the kept one and the new
/// one together show that the peer rewrote its history.
/// </summary>
/// <remarks>
/// A long proof comes in pages: <see cref="Judge"/> answers <see cref="WitnessVerdict.Partial"/> with the head reached,
/// and the next page is judged from there. The entries a page proves are chained from the kept checkpoint, so they are as
/// trustworthy as it is; only a checkpoint is ever kept.
/// </remarks>
public static class AuditWitness
{
    /// <summary>Judges a peer's answer.</summary>
    /// <param name="peerCode">The peer's node code: the checkpoint must be its own.</param>
    /// <param name="key">The peer's public key, from this node's peer directory.</param>
    /// <param name="seen">The last checkpoint of the peer this node kept, or null for none.</param>
    /// <param name="reached">
    /// How far the peer's log is verified in this round (a previous page's <see cref="WitnessJudgement.Reached"/>); the head
    /// of <paramref name="seen"/> (or the empty log) when null. Its size is what the proof must start after.
    /// </param>
    /// <param name="answered">The checkpoint the peer answered, or null when it says it has signed none.</param>
    /// <param name="proof">The entries the peer gave after <paramref name="reached"/>.</param>
    public static WitnessJudgement Judge(
        string peerCode, NodePublicKey key, AuditCheckpoint? seen, AuditHead? reached, AuditCheckpoint? answered, IReadOnlyList<AuditEntry> proof)
    {
        ArgumentException.ThrowIfNullOrEmpty(peerCode);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(proof);
        var start = seen is null ? AuditHead.Genesis : AuditHead.Of(seen);
        reached ??= start;
        if (reached.Size < start.Size)
        {
            throw new ArgumentException($"The head reached ({reached.Size}) is before the kept checkpoint ({start.Size}).", nameof(reached));
        }

        if (answered is null)
        {
            return seen is null
                ? new(WitnessVerdict.Consistent, reached, [])
                : Inconsistent(reached, new AuditFinding(null, AuditFault.CheckpointBeyondEntries,
                    $"{peerCode} answers that it has signed no checkpoint, but it signed one of size {seen.Size} on {Time(seen.At)}: its checkpoints were removed."));
        }
        if (!string.Equals(answered.NodeCode, peerCode, StringComparison.Ordinal))
        {
            return Unusable(reached, AuditFault.BadCheckpointSignature, $"The checkpoint {peerCode} answered is {answered.NodeCode}'s, not its own.");
        }
        if (!answered.IsSignedBy(key))
        {
            return Unusable(reached, AuditFault.BadCheckpointSignature, answered.KeyId == key.KeyId
                ? $"The checkpoint of size {answered.Size} that {peerCode} answered does not verify with its key {key.KeyId}."
                : $"The checkpoint of size {answered.Size} that {peerCode} answered names key {answered.KeyId}, not its key {key.KeyId}.");
        }

        if (seen is not null)
        {
            if (answered.Size < seen.Size)
            {
                return Inconsistent(reached, new AuditFinding(answered.Size + 1, AuditFault.CheckpointHeadMismatch,
                    $"{peerCode} signed a checkpoint of size {answered.Size} on {Time(answered.At)}, after one of size {seen.Size} on {Time(seen.At)}: its log shrank."));
            }
            if (answered.Size == seen.Size)
            {
                return AuditEntry.SameHash(answered.HeadHash, seen.HeadHash)
                    ? new(WitnessVerdict.Consistent, reached, [])
                    : Inconsistent(reached, new AuditFinding(seen.Size, AuditFault.CheckpointHeadMismatch,
                        $"{peerCode} signed two different heads for size {seen.Size}: {AuditEntry.Hex(seen.HeadHash)} on {Time(seen.At)} " +
                        $"and {AuditEntry.Hex(answered.HeadHash)} on {Time(answered.At)}: it rewrote its log."));
            }
        }

        if (answered.Size < reached.Size)
        {
            // Its latest checkpoint went back while a proof was paged: judged afresh from the kept checkpoint next time.
            return Unusable(reached, AuditFault.OutOfOrder,
                $"The checkpoint of size {answered.Size} that {peerCode} answered is older than the entries it proved a moment ago (up to {reached.Size}).");
        }
        if (answered.Size == reached.Size)
        {
            return AuditEntry.SameHash(answered.HeadHash, reached.Hash)
                ? new(WitnessVerdict.Consistent, reached, [])
                : Inconsistent(reached, new AuditFinding(reached.Size, AuditFault.CheckpointHeadMismatch,
                    $"The entries {peerCode} proved after its checkpoint of size {start.Size} lead to another head at {reached.Size} than the one it signed on {Time(answered.At)}: it rewrote its log."));
        }
        if (proof.Count == 0)
        {
            return Unusable(reached, AuditFault.CheckpointBeyondEntries,
                $"{peerCode} answered a checkpoint of size {answered.Size} without the entries after {reached.Size} that prove it extends the log already verified.");
        }
        if (proof.FirstOrDefault(e => e.Sequence > answered.Size) is { } beyond)
        {
            return Unusable(reached, AuditFault.OutOfOrder,
                $"{peerCode}'s proof holds entry {beyond.Sequence}, beyond its checkpoint's size {answered.Size}.");
        }

        var last = proof.MaxBy(e => e.Sequence)!;
        var complete = last.Sequence == answered.Size;
        var verification = AuditVerifier.Verify(proof, complete ? [answered] : [], key, reached);
        if (!verification.IsIntact)
        {
            var context = seen is null
                ? $"{peerCode}'s log from its first entry does not lead to the checkpoint of size {answered.Size} it signed on {Time(answered.At)}:"
                : $"{peerCode}'s log at its checkpoint of size {answered.Size} (signed on {Time(answered.At)}) does not extend its checkpoint of size {seen.Size} (signed on {Time(seen.At)}):";
            return new(WitnessVerdict.Inconsistent, reached,
                [new AuditFinding(verification.FirstBadSequence, AuditFault.CheckpointHeadMismatch, context), .. verification.Findings]);
        }
        return complete
            ? new(WitnessVerdict.Consistent, AuditHead.Of(answered), [])
            : new(WitnessVerdict.Partial, new AuditHead(last.Sequence, last.EntryHash), []);
    }

    private static WitnessJudgement Inconsistent(AuditHead reached, AuditFinding finding) => new(WitnessVerdict.Inconsistent, reached, [finding]);

    private static WitnessJudgement Unusable(AuditHead reached, AuditFault fault, string message) =>
        new(WitnessVerdict.Unusable, reached, [new AuditFinding(null, fault, message)]);

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
