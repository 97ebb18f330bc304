namespace FederatedRegistry.Grains;

/// <summary>
/// The single writer of the node's audit chain (key <see cref="Node"/>): every <see cref="AuditOptions.SealInterval"/>
/// it chains the entries appended since (in the order they were appended), and it signs a checkpoint of the chain's head
/// with the node key when the chain grew and <see cref="AuditOptions.CheckpointInterval"/> has passed since the last.
/// </summary>
public interface IAuditChainGrain : IGrainWithIntegerKey
{
    /// <summary>The key of the node's chain.</summary>
    const long Node = 0;

    /// <summary>Starts the sealer (the node wakes it at start); it keeps itself alive afterwards.</summary>
    Task WakeAsync();

    /// <summary>Seals everything appended so far and writes a checkpoint if one is due; returns how the chain stands.</summary>
    Task<AuditChainStatus> SealNowAsync();

    /// <summary>How the chain stands, as of the last seal.</summary>
    Task<AuditChainStatus> GetStatusAsync();
}

/// <summary>How the audit chain stands.</summary>
/// <param name="Size">Sealed entries: the last sequence number.</param>
/// <param name="CheckpointSize">The size of the latest signed checkpoint; 0 before the first.</param>
/// <param name="CheckpointAt">When the latest checkpoint was signed.</param>
/// <param name="LastError">Why the last seal failed; null after a success.</param>
[GenerateSerializer, Immutable, Alias("fedreg.AuditChainStatus")]
public sealed record AuditChainStatus(
    [property: Id(0)] long Size,
    [property: Id(1)] long CheckpointSize,
    [property: Id(2)] DateTimeOffset? CheckpointAt,
    [property: Id(3)] string? LastError);
