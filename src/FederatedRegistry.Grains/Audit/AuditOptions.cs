namespace FederatedRegistry.Grains;

/// <summary>How the node seals its audit log and signs checkpoints. Bound from "Audit".</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>
    /// The least time between two signed checkpoints; one is written at the first seal after this has passed since the
    /// last, if the chain grew. 0 signs a checkpoint after every seal that added entries.
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the sealer looks for appended entries to chain.</summary>
    public TimeSpan SealInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The most entries sealed in one transaction.</summary>
    public int SealBatchSize { get; set; } = 500;

    /// <summary>How often this node asks each peer for its latest audit checkpoint and verifies it (witnessing).</summary>
    public TimeSpan WitnessInterval { get; set; } = TimeSpan.FromMinutes(1);
}
