namespace FederatedRegistry.Grains;

/// <summary>
/// This node's witness of one peer's audit log, keyed by the peer's code. Every <see cref="AuditOptions.WitnessInterval"/>
/// it asks the peer for its latest signed checkpoint with the proof from the last one it kept, verifies both
/// (<c>AuditWitness.Judge</c>), and keeps the new checkpoint; an answer that contradicts the kept checkpoint is recorded
/// as evidence, once, and the kept checkpoint stays.
/// </summary>
public interface IAuditWitnessGrain : IGrainWithStringKey
{
    /// <summary>Starts the witness (the node wakes one per peer at start); it keeps itself alive afterwards.</summary>
    Task WakeAsync();

    /// <summary>What the witness has seen of the peer, and how its last check went.</summary>
    Task<AuditWitnessStatus> GetStatusAsync();
}

/// <summary>What a witness concludes about a peer's log.</summary>
public enum WitnessState
{
    /// <summary>No checkpoint of the peer verified yet, and nothing against it.</summary>
    NeverSeen = 0,

    /// <summary>Every checkpoint of the peer verified so far extends the ones before.</summary>
    Consistent = 1,

    /// <summary>The peer was caught signing a history that does not extend one it signed before: see the evidence.</summary>
    Inconsistent = 2,
}

/// <summary>A peer's signed checkpoint, as it signed it (hashes and signature in lower-case hex).</summary>
[GenerateSerializer, Immutable, Alias("fedreg.PeerCheckpoint")]
public sealed record PeerCheckpoint(
    [property: Id(0)] string NodeCode,
    [property: Id(1)] long Size,
    [property: Id(2)] string HeadHash,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string KeyId,
    [property: Id(5)] string Signature);

/// <summary>Evidence that a peer rewrote its history.</summary>
/// <param name="DetectedAt">When this node found it.</param>
/// <param name="Seen">The peer's checkpoint this node had kept; null when none.</param>
/// <param name="Answered">The checkpoint the peer answered; null when it answered none.</param>
/// <param name="Findings">What is wrong, one sentence each.</param>
/// <param name="AnswerEnvelope">The peer's signed answer (its envelope, base64), which holds the proof as the peer gave it.</param>
[GenerateSerializer, Immutable, Alias("fedreg.WitnessEvidence")]
public sealed record WitnessEvidence(
    [property: Id(0)] DateTimeOffset DetectedAt,
    [property: Id(1)] PeerCheckpoint? Seen,
    [property: Id(2)] PeerCheckpoint? Answered,
    [property: Id(3)] IReadOnlyList<string> Findings,
    [property: Id(4)] string AnswerEnvelope);

/// <summary>How a witness stands.</summary>
/// <param name="Peer">The peer's code.</param>
/// <param name="State">Consistent, inconsistent (with <paramref name="Evidence"/>) or never seen.</param>
/// <param name="LastSeen">The peer's latest checkpoint verified and kept; null when none.</param>
/// <param name="LastSeenAt">When that checkpoint was verified.</param>
/// <param name="CheckedAt">When a check last came to a verdict (consistent or not); null before the first since the node started.</param>
/// <param name="LastAttemptAt">When the witness last asked the peer.</param>
/// <param name="LastError">Why the last check came to no verdict, or what the last inconsistent answer showed; null after a consistent one.</param>
/// <param name="Evidence">The evidence recorded against the peer, newest first (the latest few).</param>
[GenerateSerializer, Immutable, Alias("fedreg.AuditWitnessStatus")]
public sealed record AuditWitnessStatus(
    [property: Id(0)] string Peer,
    [property: Id(1)] WitnessState State,
    [property: Id(2)] PeerCheckpoint? LastSeen,
    [property: Id(3)] DateTimeOffset? LastSeenAt,
    [property: Id(4)] DateTimeOffset? CheckedAt,
    [property: Id(5)] DateTimeOffset? LastAttemptAt,
    [property: Id(6)] string? LastError,
    [property: Id(7)] IReadOnlyList<WitnessEvidence> Evidence);
