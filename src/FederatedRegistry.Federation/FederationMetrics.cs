using System.Diagnostics.Metrics;

namespace FederatedRegistry.Federation;

/// <summary>
/// How calls to peers fare: <c>fedreg.federation.call.duration</c>, in seconds, by peer, method and outcome. On the
/// node's meter, created through the host's <see cref="IMeterFactory"/> so that each node in a process (the demo,
/// the tests) reports only its own calls.
/// </summary>
public sealed class FederationMetrics
{
    /// <summary>The name of the node's meter, which every FederatedRegistry instrument belongs to.</summary>
    public const string MeterName = "FederatedRegistry";

    /// <summary>The outcome of a call that was answered.</summary>
    public const string Ok = "ok";

    // The default boundaries (0 to 10,000) suit milliseconds; these are OpenTelemetry's for durations in seconds.
    private static readonly IReadOnlyList<double> DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    private readonly Histogram<double> _callDuration;

    public FederationMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _callDuration = meters.Create(MeterName).CreateHistogram(
            "fedreg.federation.call.duration",
            unit: "s",
            description: "Duration of calls from this node to peers' federation services, by peer, method and outcome.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
    }

    /// <summary>Records one call to <paramref name="peer"/>: <paramref name="outcome"/> is <see cref="Ok"/> or a <see cref="PeerFailure.Reason"/>.</summary>
    public void RecordCall(string peer, string method, string outcome, TimeSpan duration) =>
        _callDuration.Record(duration.TotalSeconds,
            new KeyValuePair<string, object?>("peer", peer),
            new KeyValuePair<string, object?>("method", method),
            new KeyValuePair<string, object?>("outcome", outcome));
}
