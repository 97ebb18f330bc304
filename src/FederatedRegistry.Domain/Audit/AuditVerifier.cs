using System.Collections.Immutable;
using System.Globalization;
using FederatedRegistry.Domain.Signing;

namespace FederatedRegistry.Domain.Audit;

/// <summary>A point of the chain: its size (the sequence number of its last entry) and the hash of that entry.</summary>
/// <param name="Size">0 for the empty log.</param>
/// <param name="Hash">The entry hash of entry <paramref name="Size"/>; <see cref="AuditEntry.GenesisHash"/> for the empty log.</param>
public sealed record AuditHead(long Size, ImmutableArray<byte> Hash)
{
    /// <summary>The empty log: size 0, 32 zero bytes.</summary>
    public static AuditHead Genesis { get; } = new(0, AuditEntry.GenesisHash);

    /// <summary>The head a checkpoint signs.</summary>
    public static AuditHead Of(AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return new AuditHead(checkpoint.Size, checkpoint.HeadHash);
    }
}

/// <summary>What is wrong with a log.</summary>
public enum AuditFault
{
    /// <summary>The entry's fields do not hash to its entry hash: a field was altered.</summary>
    EntryHashMismatch = 1,

    /// <summary>The entry's previous hash is not the hash of the entry before it: an entry was removed, inserted, reordered or rewritten.</summary>
    PreviousHashMismatch = 2,

    /// <summary>The sequence numbers skip: entries are missing.</summary>
    MissingEntries = 3,

    /// <summary>A sequence number repeats or goes backwards.</summary>
    OutOfOrder = 4,

    /// <summary>The entry cannot be checked: a sequence below 1, a hash of the wrong length, or text with no UTF-8 form.</summary>
    Malformed = 5,

    /// <summary>A checkpoint's signature does not verify with the node's key, or it names another key.</summary>
    BadCheckpointSignature = 6,

    /// <summary>The entries up to a checkpoint's size do not lead to the head it signs: the log was rewritten before it.</summary>
    CheckpointHeadMismatch = 7,

    /// <summary>A checkpoint covers more entries than the log has: entries at the end were removed.</summary>
    CheckpointBeyondEntries = 8,

    /// <summary>A payload does not hash to its entry's payload hash: the payload was altered (<see cref="AuditVerifier.VerifyPayloads"/>).</summary>
    PayloadHashMismatch = 9,
}

/// <summary>One thing found wrong, and where.</summary>
/// <param name="Sequence">The first entry it concerns; null when it concerns no entry (a checkpoint's signature).</param>
/// <param name="Fault">What is wrong.</param>
/// <param name="Message">A sentence for people.</param>
public sealed record AuditFinding(long? Sequence, AuditFault Fault, string Message)
{
    public override string ToString() => Message;
}

/// <summary>The outcome of verifying a log (or a part of one) against checkpoints.</summary>
/// <param name="Start">Where the verified part starts: the empty log, or a trusted earlier head.</param>
/// <param name="EntryCount">How many entries were given.</param>
/// <param name="LastSequence">The highest sequence number among them; <c>Start.Size</c> when none.</param>
/// <param name="Checkpoints">The checkpoints whose signature verified, by size.</param>
/// <param name="Findings">Everything wrong, ordered by the entry it concerns (checkpoint signatures first); empty when intact.</param>
public sealed record AuditVerification(
    AuditHead Start,
    long EntryCount,
    long LastSequence,
    IReadOnlyList<AuditCheckpoint> Checkpoints,
    IReadOnlyList<AuditFinding> Findings)
{
    /// <summary>No finding: every entry is where it should be, unaltered, and every checkpoint agrees.</summary>
    public bool IsIntact => Findings.Count == 0;

    /// <summary>The lowest sequence number any finding names: the first bad entry; null when none does.</summary>
    public long? FirstBadSequence => Findings.Where(f => f.Sequence is not null).Select(f => f.Sequence).Min();

    /// <summary>The largest checkpoint whose signature verified, if any.</summary>
    public AuditCheckpoint? LatestCheckpoint => Checkpoints.Count == 0 ? null : Checkpoints[^1];
}

/// <summary>
/// Verifies an audit log with nothing but the node's public key: the entries must form one unbroken chain (each
/// hashes to its entry hash, each names the one before it, sequence numbers without gaps), and every signed checkpoint
/// must be the head of that chain at its size.
/// </summary>
/// <remarks>
/// An entry whose field was altered fails its own hash. A removed entry leaves a gap (or, at the end, a checkpoint larger
/// than the log). Two entries whose sequence numbers were swapped each fail their hash and their link. Entries
/// rewritten with freshly computed hashes form a chain of their own, which the first checkpoint signed before the
/// rewrite refuses. The payload is out of scope: an entry carries its payload's hash, which its entry hash covers.
/// </remarks>
public static class AuditVerifier
{
    /// <summary>Verifies <paramref name="entries"/> (in the order read, expected by sequence) from <paramref name="start"/> on.</summary>
    /// <param name="entries">The entries from <c>start.Size + 1</c> on.</param>
    /// <param name="checkpoints">Checkpoints the node signed, in any order; those below <paramref name="start"/> are ignored.</param>
    /// <param name="key">The node's public key.</param>
    /// <param name="start">A head already trusted (an earlier checkpoint); the empty log when null.</param>
    public static AuditVerification Verify(
        IEnumerable<AuditEntry> entries, IEnumerable<AuditCheckpoint> checkpoints, NodePublicKey key, AuditHead? start = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(checkpoints);
        ArgumentNullException.ThrowIfNull(key);
        start ??= AuditHead.Genesis;
        var findings = new List<AuditFinding>();

        var signed = new List<AuditCheckpoint>();
        foreach (var checkpoint in checkpoints.OrderBy(c => c.Size))
        {
            if (checkpoint.IsSignedBy(key))
            {
                signed.Add(checkpoint);
            }
            else
            {
                findings.Add(new AuditFinding(null, AuditFault.BadCheckpointSignature, checkpoint.KeyId == key.KeyId
                    ? $"The checkpoint of size {checkpoint.Size} dated {Time(checkpoint.At)} does not verify with the node's key {key.KeyId}: it was altered or not signed by the node."
                    : $"The checkpoint of size {checkpoint.Size} dated {Time(checkpoint.At)} names key {checkpoint.KeyId}, not the node's key {key.KeyId}."));
            }
        }

        // Only the heads at checkpoint sizes are kept, so a long log needs no memory per entry.
        var wanted = signed.Select(c => c.Size).Where(s => s > start.Size).ToHashSet();
        var heads = new Dictionary<long, ImmutableArray<byte>> { [start.Size] = start.Hash };
        var expected = start.Size + 1;
        var previous = start.Hash;
        var count = 0L;
        foreach (var entry in entries)
        {
            count++;
            if (entry.Problem() is { } problem)
            {
                findings.Add(new AuditFinding(entry.Sequence, AuditFault.Malformed, $"Entry {entry.Sequence} is malformed: {problem}."));
                if (entry.Sequence >= expected)
                {
                    expected = entry.Sequence + 1;
                    previous = entry.EntryHash;
                }
                continue;
            }
            if (entry.Sequence < expected)
            {
                findings.Add(new AuditFinding(entry.Sequence, AuditFault.OutOfOrder,
                    $"Entry {entry.Sequence} appears after entry {expected - 1}: entries are repeated or out of order."));
                continue;
            }
            if (entry.Sequence > expected)
            {
                findings.Add(new AuditFinding(expected, AuditFault.MissingEntries, entry.Sequence == expected + 1
                    ? $"Entry {expected} is missing: the log goes from {expected - 1} to {entry.Sequence}."
                    : $"Entries {expected} to {entry.Sequence - 1} are missing: the log goes from {expected - 1} to {entry.Sequence}."));
            }
            else if (!AuditEntry.SameHash(entry.PreviousHash, previous))
            {
                findings.Add(new AuditFinding(entry.Sequence, AuditFault.PreviousHashMismatch, entry.Sequence == 1
                    ? "Entry 1 does not start the log: its previous hash is not the genesis hash (32 zero bytes)."
                    : $"Entry {entry.Sequence} does not follow entry {entry.Sequence - 1}: its previous hash is not that entry's hash " +
                      "(an entry was removed, inserted or reordered here, or the one before was rewritten)."));
            }
            if (!AuditEntry.SameHash(entry.ComputeHash(), entry.EntryHash))
            {
                findings.Add(new AuditFinding(entry.Sequence, AuditFault.EntryHashMismatch,
                    $"Entry {entry.Sequence} was altered: its fields (actor '{entry.Actor}', action '{entry.Action}', subject '{entry.Subject}') do not hash to its entry hash."));
            }
            previous = entry.EntryHash;
            expected = entry.Sequence + 1;
            if (wanted.Contains(entry.Sequence))
            {
                heads[entry.Sequence] = entry.EntryHash;
            }
        }
        var last = expected - 1;

        var agreed = start.Size;
        foreach (var checkpoint in signed.Where(c => c.Size >= start.Size))
        {
            if (checkpoint.Size > last)
            {
                findings.Add(new AuditFinding(last + 1, AuditFault.CheckpointBeyondEntries,
                    $"The checkpoint dated {Time(checkpoint.At)} covers {checkpoint.Size} entries, but the log ends at {last}: " +
                    (checkpoint.Size == last + 1 ? $"entry {last + 1} is missing." : $"entries {last + 1} to {checkpoint.Size} are missing.")));
                break;
            }
            if (!heads.TryGetValue(checkpoint.Size, out var head))
            {
                continue; // Its entry is missing: already reported as a gap.
            }
            if (AuditEntry.SameHash(head, checkpoint.HeadHash))
            {
                agreed = Math.Max(agreed, checkpoint.Size);
            }
            else
            {
                // An entry found bad since the last agreeing checkpoint explains the mismatch and is where it starts; without
                // one, the entries were rewritten with fresh hashes somewhere after that checkpoint.
                var first = findings.Where(f => f.Sequence > agreed && f.Sequence <= checkpoint.Size).Select(f => f.Sequence).Min() ?? agreed + 1;
                findings.Add(new AuditFinding(first, AuditFault.CheckpointHeadMismatch, checkpoint.Size == start.Size
                    ? $"The checkpoint of size {checkpoint.Size} dated {Time(checkpoint.At)} signs another head than the one the verification started from."
                    : $"The entries up to {checkpoint.Size} do not lead to the head the node signed on {Time(checkpoint.At)}: " +
                      $"an entry from {agreed + 1} to {checkpoint.Size} was rewritten."));
            }
        }

        return new AuditVerification(start, count, last, signed,
            [.. findings.OrderBy(f => f.Sequence ?? long.MinValue)]);
    }

    /// <summary>
    /// Checks a consistency proof: that the entries after checkpoint <paramref name="from"/> up to checkpoint
    /// <paramref name="to"/> chain from the head <paramref name="from"/> signs to the head <paramref name="to"/> signs, so
    /// that the log at <paramref name="to"/> extends the log at <paramref name="from"/> without rewriting it.
    /// </summary>
    /// <param name="from">The earlier checkpoint (one kept from before), or null for the empty log.</param>
    /// <param name="to">The later checkpoint.</param>
    /// <param name="entries">Entries <c>from.Size + 1</c> to <c>to.Size</c>.</param>
    /// <param name="key">The node's public key.</param>
    public static AuditVerification VerifyConsistency(AuditCheckpoint? from, AuditCheckpoint to, IReadOnlyList<AuditEntry> entries, NodePublicKey key)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(key);
        var start = from is null ? AuditHead.Genesis : AuditHead.Of(from);
        var extra = new List<AuditFinding>();
        if (from is not null && !from.IsSignedBy(key))
        {
            extra.Add(new AuditFinding(null, AuditFault.BadCheckpointSignature,
                $"The earlier checkpoint of size {from.Size} dated {Time(from.At)} does not verify with the node's key {key.KeyId}."));
        }
        if (to.Size < start.Size)
        {
            extra.Add(new AuditFinding(null, AuditFault.CheckpointHeadMismatch,
                $"The later checkpoint (size {to.Size}) is smaller than the earlier one (size {start.Size}): the log shrank."));
        }
        var beyond = entries.Where(e => e.Sequence > to.Size).Select(e => e.Sequence).DefaultIfEmpty().Min();
        if (beyond > 0)
        {
            extra.Add(new AuditFinding(beyond, AuditFault.OutOfOrder, $"Entry {beyond} lies beyond the later checkpoint's size {to.Size}."));
        }
        var result = Verify(entries, [to], key, start);
        return extra.Count == 0 ? result : result with { Findings = [.. result.Findings.Concat(extra).OrderBy(f => f.Sequence ?? long.MinValue)] };
    }

    /// <summary>
    /// Checks payloads against the payload hashes their entries carry (which <see cref="Verify"/> covers): for whoever
    /// may read the payloads, such as the node's authority. Returns a finding per payload that does not match.
    /// </summary>
    public static IReadOnlyList<AuditFinding> VerifyPayloads(IEnumerable<(AuditEntry Entry, string Payload)> payloads)
    {
        ArgumentNullException.ThrowIfNull(payloads);
        return
        [
            .. payloads
                .Where(p => !AuditEntry.SameHash(AuditEntry.HashPayload(p.Payload), p.Entry.PayloadHash))
                .Select(p => new AuditFinding(p.Entry.Sequence, AuditFault.PayloadHashMismatch,
                    $"The payload of entry {p.Entry.Sequence} was altered: it does not hash to the entry's payload hash.")),
        ];
    }

    /// <summary>The verification with more findings (from <see cref="VerifyPayloads"/>), kept in order.</summary>
    public static AuditVerification With(this AuditVerification verification, IEnumerable<AuditFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(verification);
        return verification with { Findings = [.. verification.Findings.Concat(findings).OrderBy(f => f.Sequence ?? long.MinValue)] };
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
