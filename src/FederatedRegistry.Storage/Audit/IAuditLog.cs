namespace FederatedRegistry.Storage;

/// <summary>
/// The node's audit log in its database: entries appended by the grains with the changes they record, chained
/// (sealed) by a single writer, and the signed checkpoints of the chain. The storage keeps hashes as lower-case hex and
/// computes none: the grains and the domain's <c>AuditEntry</c> do.
/// </summary>
/// <remarks>
/// Appending is a plain insert that takes no lock, and is idempotent by <see cref="AuditRecord.SourceKey"/>. Only the
/// sealer writes the chain columns; readers of the chain (<see cref="ReadEntriesAsync"/>) see sealed entries only.
/// </remarks>
public interface IAuditLog
{
    /// <summary>
    /// Inserts the records as unsealed entries, in the order given; a record whose source key is already in the log is
    /// skipped, so appending a change again (after a crash, or a retry) never records it twice.
    /// </summary>
    Task AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken ct = default);

    /// <summary>Up to <paramref name="limit"/> unsealed entries, oldest insert first: what the sealer chains next.</summary>
    Task<IReadOnlyList<UnsealedAuditRecord>> ReadUnsealedAsync(int limit, CancellationToken ct = default);

    /// <summary>The last sealed entry's sequence number and hash; size 0 and no hash for an empty chain.</summary>
    Task<AuditChainHead> ReadHeadAsync(CancellationToken ct = default);

    /// <summary>
    /// Seals entries in one transaction: each gets its sequence number, previous hash and entry hash.
    /// </summary>
    /// <exception cref="InvalidOperationException">An entry is gone or already sealed (another sealer ran): nothing is sealed.</exception>
    Task SealAsync(IReadOnlyList<AuditSeal> seals, CancellationToken ct = default);

    /// <summary>Sealed entries with sequence numbers from <paramref name="fromSequence"/> on, by sequence, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<SealedAuditEntry>> ReadEntriesAsync(long fromSequence, int limit, CancellationToken ct = default);

    /// <summary>
    /// Every entry, sealed or not, whose source key starts with <paramref name="sourceKeyPrefix"/> (such as
    /// <c>system:KE-SYS-1:v</c>, every version of one registration), in the order appended; found through the source
    /// key's unique index.
    /// </summary>
    Task<IReadOnlyList<AuditRecord>> ReadBySourceKeyPrefixAsync(string sourceKeyPrefix, CancellationToken ct = default);

    /// <summary>How many entries <see cref="ReadBySourceKeyPrefixAsync"/> would give, without reading them.</summary>
    Task<long> CountBySourceKeyPrefixAsync(string sourceKeyPrefix, CancellationToken ct = default);

    /// <summary>Which of <paramref name="sourceKeys"/> the log holds already, sealed or not.</summary>
    Task<IReadOnlySet<string>> FindSourceKeysAsync(IReadOnlyCollection<string> sourceKeys, CancellationToken ct = default);

    /// <summary>How many appended entries wait to be sealed.</summary>
    Task<long> CountUnsealedAsync(CancellationToken ct = default);

    /// <summary>Stores a signed checkpoint; a second checkpoint of the same size is ignored.</summary>
    Task SaveCheckpointAsync(AuditCheckpointRow checkpoint, CancellationToken ct = default);

    /// <summary>The checkpoint of the largest size, or null before the first.</summary>
    Task<AuditCheckpointRow?> ReadLatestCheckpointAsync(CancellationToken ct = default);

    /// <summary>The checkpoint of exactly <paramref name="size"/> entries, or null.</summary>
    Task<AuditCheckpointRow?> ReadCheckpointAsync(long size, CancellationToken ct = default);

    /// <summary>
    /// The keys of the string-keyed grains with state named <paramref name="grainTypeString"/> for which the log holds no
    /// entry with the source key <c>prefix + key + suffix</c>: the changes a crash between a grain's state write and its
    /// append left unrecorded, for grains whose one change has a source key derived from their key.
    /// </summary>
    IAsyncEnumerable<string> FindGrainKeysWithoutEntryAsync(
        string grainTypeString, string sourceKeyPrefix, string sourceKeySuffix, CancellationToken ct = default);
}

/// <summary>A change to record.</summary>
/// <param name="SourceKey">Names the change uniquely and deterministically, e.g. <c>system:KE-SYS-1:v3</c>.</param>
/// <param name="At">When the change happened (stored to the microsecond).</param>
/// <param name="Actor">Who made it.</param>
/// <param name="Action">What happened.</param>
/// <param name="Subject">What it happened to.</param>
/// <param name="Payload">The change as JSON; kept as given.</param>
/// <param name="PayloadHash">The hash of <paramref name="Payload"/>, lower-case hex.</param>
public sealed record AuditRecord(string SourceKey, DateTimeOffset At, string Actor, string Action, string Subject, string Payload, string PayloadHash);

/// <summary>An appended entry not yet in the chain; its <c>Id</c> is the insert id, the order of appending.</summary>
public sealed record UnsealedAuditRecord(long Id, DateTimeOffset At, string Actor, string Action, string Subject, string PayloadHash);

/// <summary>What sealing gives one entry.</summary>
public sealed record AuditSeal(long Id, long Sequence, string PreviousHash, string EntryHash);

/// <summary>An entry of the chain, with its payload and source key.</summary>
public sealed record SealedAuditEntry(
    long Sequence,
    DateTimeOffset At,
    string Actor,
    string Action,
    string Subject,
    string PayloadHash,
    string PreviousHash,
    string EntryHash,
    string SourceKey,
    string Payload);

/// <summary>The end of the chain.</summary>
/// <param name="Size">The last sealed sequence number; 0 when nothing is sealed.</param>
/// <param name="EntryHash">That entry's hash; null when nothing is sealed.</param>
public sealed record AuditChainHead(long Size, string? EntryHash);

/// <summary>A signed checkpoint as stored.</summary>
public sealed record AuditCheckpointRow(long Size, string HeadHash, DateTimeOffset At, string NodeCode, string KeyId, string Signature);
