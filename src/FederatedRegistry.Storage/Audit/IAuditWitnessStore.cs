namespace FederatedRegistry.Storage;

/// <summary>
/// What this node has witnessed of its peers' audit logs: the checkpoints of each peer it verified, and the evidence of
/// each peer it caught rewriting its history. Checkpoints and evidence are only ever added, never changed or removed.
/// </summary>
public interface IAuditWitnessStore
{
    /// <summary>Keeps a verified checkpoint of <paramref name="peer"/>; one of a size already kept for the peer is ignored.</summary>
    Task SaveCheckpointAsync(string peer, AuditCheckpointRow checkpoint, DateTimeOffset witnessedAt, CancellationToken ct = default);

    /// <summary>The peer's kept checkpoint of the largest size, or null when none was kept.</summary>
    Task<WitnessedCheckpointRow?> ReadLatestCheckpointAsync(string peer, CancellationToken ct = default);

    /// <summary>
    /// Records evidence that <paramref name="evidence"/>'s peer rewrote its history. Evidence against a kept checkpoint
    /// (or against none) is recorded once: a later record against the same one is ignored, so the first stays as it was.
    /// </summary>
    /// <returns>True when recorded; false when evidence against the same kept checkpoint was recorded before.</returns>
    Task<bool> RecordEvidenceAsync(WitnessEvidenceRow evidence, CancellationToken ct = default);

    /// <summary>The evidence recorded against <paramref name="peer"/>, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<WitnessEvidenceRow>> ReadEvidenceAsync(string peer, int limit, CancellationToken ct = default);
}

/// <summary>A peer's checkpoint as kept, and when it was verified.</summary>
public sealed record WitnessedCheckpointRow(string Peer, AuditCheckpointRow Checkpoint, DateTimeOffset WitnessedAt);

/// <summary>Evidence that a peer signed a history that does not extend one it signed before.</summary>
/// <param name="Peer">The peer.</param>
/// <param name="DetectedAt">When this node found it.</param>
/// <param name="Seen">The peer's checkpoint this node had kept; null when it had kept none.</param>
/// <param name="Answered">The checkpoint the peer answered; null when it answered none.</param>
/// <param name="Findings">What is wrong, one sentence per line.</param>
/// <param name="AnswerEnvelope">The peer's signed answer (its envelope, base64): the checkpoint and the proof as the peer signed them.</param>
/// <param name="Id">Assigned when recorded; 0 before.</param>
public sealed record WitnessEvidenceRow(
    string Peer,
    DateTimeOffset DetectedAt,
    AuditCheckpointRow? Seen,
    AuditCheckpointRow? Answered,
    string Findings,
    string AnswerEnvelope,
    long Id = 0);
