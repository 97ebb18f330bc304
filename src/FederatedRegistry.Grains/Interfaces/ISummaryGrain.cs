namespace FederatedRegistry.Grains;

/// <summary>One count of the node's summary: records of a dataset with a value in a dimension.</summary>
[GenerateSerializer, Immutable, Alias("fedreg.SummaryCount")]
public sealed record SummaryCount(
    [property: Id(0)] string Dataset,
    [property: Id(1)] string Dimension,
    [property: Id(2)] string Value,
    [property: Id(3)] long Count);

/// <summary>The node's counts at one moment.</summary>
[GenerateSerializer, Immutable, Alias("fedreg.SummarySnapshot")]
public sealed record SummarySnapshot(
    [property: Id(0)] IReadOnlyList<SummaryCount> Cells,
    [property: Id(1)] long TotalSystems,
    [property: Id(2)] long TotalIncidents,
    [property: Id(3)] DateTimeOffset AsOf);

/// <summary>
/// The node's summary counts (systems by status, risk tier, category; incidents by status, severity,
/// harm type, month), held in memory and moved by the deltas that registrations and incidents report
/// after each durable change, so that reading the summary never scans the registry.
/// </summary>
public interface ISummaryGrain : IGrainWithIntegerKey
{
    /// <summary>The current counts.</summary>
    Task<SummarySnapshot> GetAsync();

    /// <summary>
    /// Applies count changes that the read model has already made durable, numbered by the read model's count
    /// sequence; changes the summary already loaded with its counts are ignored.
    /// </summary>
    Task ApplyAsync(IReadOnlyList<SummaryCount> deltas, long countSequence);
}
