using System.Diagnostics.Metrics;
using FederatedRegistry.Domain;
using FederatedRegistry.Federation;
using FederatedRegistry.Grains;
using FederatedRegistry.Storage;
using Microsoft.Extensions.Options;

namespace FederatedRegistry.Node.Hosting;

/// <summary>
/// The node's own instruments on the <see cref="FederationMetrics.MeterName"/> meter: registrations and incident reports
/// as the API accepts them, and two gauges that <see cref="GaugeRefreshService"/> keeps current. Created through the
/// host's <see cref="IMeterFactory"/>, so that each node in a process reports its own.
/// </summary>
public sealed class NodeMetrics
{
    private readonly Counter<long> _registrations;
    private readonly Counter<long> _incidentsReported;

    // -1 until the first refresh: an unknown count is left out rather than reported as 0.
    private long _overdueIncidents = -1;
    private volatile IReadOnlyList<(string Peer, long Depth)> _outboxDepths = [];

    public NodeMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(FederationMetrics.MeterName);
        _registrations = meter.CreateCounter<long>("fedreg.registrations", "{registration}",
            "Registrations accepted by this node: operation register (submitted or drafted) or decide, by the status reached.");
        _incidentsReported = meter.CreateCounter<long>("fedreg.incidents.reported", "{incident}",
            "Incidents reported to this node, by severity; a repeated report with the same request_id is not counted again.");
        meter.CreateObservableGauge("fedreg.incidents.overdue", ObserveOverdue, "{incident}",
            "Incidents still open after their reporting deadline, as of the last refresh (Telemetry:RefreshInterval).");
        meter.CreateObservableGauge("fedreg.outbox.depth", ObserveOutboxes, "{item}",
            "Items waiting in this node's outbox to each peer, as of the last refresh (Telemetry:RefreshInterval).");
    }

    /// <summary>A registration submitted or drafted (<paramref name="operation"/> <c>register</c>) or decided (<c>decide</c>).</summary>
    public void Registration(string operation, SystemStatus status) =>
        _registrations.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("status", EnumNames.ToSnake(status)));

    /// <summary>A new incident report.</summary>
    public void IncidentReported(Severity? severity) =>
        _incidentsReported.Add(1, new KeyValuePair<string, object?>("severity", severity is { } s ? EnumNames.ToSnake(s) : RegistryIndex.Unspecified));

    internal void SetOverdueIncidents(long count) => Volatile.Write(ref _overdueIncidents, count);

    internal void SetOutboxDepths(IReadOnlyList<(string Peer, long Depth)> depths) => _outboxDepths = depths;

    private IEnumerable<Measurement<long>> ObserveOverdue()
    {
        var count = Volatile.Read(ref _overdueIncidents);
        return count < 0 ? [] : [new Measurement<long>(count)];
    }

    private IEnumerable<Measurement<long>> ObserveOutboxes() =>
        _outboxDepths.Select(o => new Measurement<long>(o.Depth, new KeyValuePair<string, object?>("peer", o.Peer)));
}

/// <summary>How the node's telemetry behaves. Bound from "Telemetry".</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>
    /// How often the overdue-incident count and the outbox depths are read again for their gauges (15 s by default).
    /// A gauge is read synchronously while metrics are collected, so it reports the last refresh, never a live query.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// Reads the overdue incidents from the read model (one COUNT) and each peer's outbox depth from its outbox grain (what
/// <c>GET /v1/federation/peers</c> shows), every <see cref="TelemetryOptions.RefreshInterval"/>, for the gauges.
/// </summary>
internal sealed partial class GaugeRefreshService(
    NodeMetrics metrics,
    IRegistryIndex index,
    PeerDirectory peers,
    IGrainFactory grains,
    TimeProvider clock,
    IOptions<TelemetryOptions> options,
    ILogger<GaugeRefreshService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval, clock);
        try
        {
            do
            {
                await RefreshAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RefreshAsync(CancellationToken ct)
    {
        try
        {
            metrics.SetOverdueIncidents(await index.CountOverdueIncidentsAsync(clock.GetUtcNow(), ct));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRefreshFailed(logger, e, "fedreg.incidents.overdue");
        }
        try
        {
            var statuses = await Task.WhenAll(peers.Peers.Select(p => grains.GetGrain<IOutboxGrain>(p.Code).GetStatusAsync()));
            metrics.SetOutboxDepths([.. peers.Peers.Zip(statuses, (peer, status) => (peer.Code, (long)status.Depth))]);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRefreshFailed(logger, e, "fedreg.outbox.depth");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh the gauge {Instrument}; it keeps its last value until the next refresh")]
    private static partial void LogRefreshFailed(ILogger logger, Exception error, string instrument);
}

internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options) =>
        options.RefreshInterval < TimeSpan.FromMilliseconds(100) || options.RefreshInterval > TimeSpan.FromHours(1)
            ? ValidateOptionsResult.Fail($"Telemetry:RefreshInterval {options.RefreshInterval} must be between 00:00:00.1 and 01:00:00: how often the gauges read the store and the outboxes.")
            : ValidateOptionsResult.Success;
}
