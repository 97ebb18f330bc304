using System.Diagnostics;
using FederatedRegistry.Domain.Advisories;
using FederatedRegistry.Federation;
using FederatedRegistry.Grains;
using FederatedRegistry.Storage;
using Google.Protobuf;

namespace FederatedRegistry.Bench;

/// <summary>
/// Figure 5's floor: the audit entries the node records for every advisory it delivers — published, queued and delivered
/// on the sender, received on the receiver (issue 4: every federation send and receive has its entry) — appended and
/// sealed through the node's own audit log on two SQLite files of the node's schema and settings, with nothing else
/// around them: no grain state, no request, no signature. Delivery through the nodes cannot be faster than this.
/// </summary>
internal sealed class AuditTrailAlone
{
    private const string SenderCode = "KE";
    private const string ReceiverCode = "FR";

    // The node's defaults. Its sealer chains what was appended every Audit:SealInterval, so entries appended one at a
    // time are sealed in groups, as here.
    private static readonly AuditOptions Sealing = new();

    private readonly Log _sender;
    private readonly Log _receiver;
    private long _next;
    private long _lastSeal = Stopwatch.GetTimestamp();
    private long _appending;
    private long _sealing;

    private AuditTrailAlone(Log sender, Log receiver) => (_sender, _receiver) = (sender, receiver);

    public static async Task<AuditTrailAlone> CreateAsync(string directory, CancellationToken ct) =>
        new(await Log.CreateAsync(Path.Combine(directory, "bench-audit-sender.db"), ct),
            await Log.CreateAsync(Path.Combine(directory, "bench-audit-receiver.db"), ct));

    /// <summary>Of the time spent appending and sealing so far, the share spent sealing.</summary>
    public double SealShare => _appending + _sealing == 0 ? 0 : (double)_sealing / (_appending + _sealing);

    /// <summary>Starts both shares again, after the unmeasured first calls.</summary>
    public void ResetShares() => (_appending, _sealing) = (0, 0);

    /// <summary>One advisory, as delivered alone: each step's entry appended in a commit of its own.</summary>
    public async Task OneAsync(CancellationToken ct)
    {
        var advisory = NextAdvisories(1)[0];
        await AppendAsync(_sender, [Published(advisory)], ct);
        await AppendAsync(_sender, [Queued(advisory)], ct);
        await AppendAsync(_receiver, [Received(advisory)], ct);
        await AppendAsync(_sender, [Delivered(advisory)], ct);
        if (Stopwatch.GetElapsedTime(_lastSeal) >= Sealing.SealInterval)
        {
            await SealAsync(ct);
        }
    }

    /// <summary>
    /// <paramref name="count"/> advisories published at once, as the node records them: one append per step on the
    /// sender for the whole publish, then per delivery of <paramref name="perDelivery"/> one append on each side; sealed
    /// at the end.
    /// </summary>
    public async Task ManyAsync(int count, int perDelivery, CancellationToken ct)
    {
        var advisories = NextAdvisories(count);
        await AppendAsync(_sender, [.. advisories.Select(Published)], ct);
        await AppendAsync(_sender, [.. advisories.Select(Queued)], ct);
        foreach (var delivery in advisories.Chunk(perDelivery))
        {
            await AppendAsync(_receiver, [.. delivery.Select(Received)], ct);
            await AppendAsync(_sender, [.. delivery.Select(Delivered)], ct);
        }
        await SealAsync(ct);
    }

    /// <summary>Chains every appended entry on both sides, as each node's sealer does.</summary>
    public async Task SealAsync(CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await _sender.Sealer.SealPendingAsync(ct);
        await _receiver.Sealer.SealPendingAsync(ct);
        _lastSeal = Stopwatch.GetTimestamp();
        _sealing += _lastSeal - started;
    }

    private async Task AppendAsync(Log log, IReadOnlyList<AuditRecord> records, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await log.Audit.AppendAsync(records, ct);
        _appending += Stopwatch.GetTimestamp() - started;
    }

    private List<Advisory> NextAdvisories(int count)
    {
        var now = DateTimeOffset.UtcNow;
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var n = Interlocked.Increment(ref _next);
            return new Advisory($"{SenderCode}-ADV-AUDIT{n:D12}", SenderCode, 1, $"Triage models under-prioritise older patients ({n})",
                "Three incidents in six months share one cause: training data with few patients over 75.",
                "Evaluate triage models per age band before deployment.",
                ["Require per-age-band sensitivity in conformity evidence", "Monitor urgency levels by age band after deployment"],
                ["health"], now);
        })];
    }

    // The same source keys, actions, subjects and payloads as the exchange and outbox grains record.
    private static AuditRecord Published(Advisory a) =>
        AuditRecords.Create($"advisory:{a.Id}:published", a.PublishedAt, "authority:bench", "published", "advisory:" + a.Id, AuditRecords.Json(a));

    private static AuditRecord Queued(Advisory a) => Outbox(a, "queued", "authority:bench", withItem: true);

    private static AuditRecord Delivered(Advisory a) => Outbox(a, "delivered", AuditContext.System, withItem: false);

    private static AuditRecord Received(Advisory a) => AuditRecords.Create($"exchange:{SenderCode}:received:{a.Id}", DateTimeOffset.UtcNow,
        AuditContext.Peer(SenderCode), "received:" + SenderCode, "advisory:" + a.Id, AuditRecords.Json(new KeptAdvisory(a, DateTimeOffset.UtcNow)));

    private static AuditRecord Outbox(Advisory a, string step, string actor, bool withItem) => AuditRecords.Create(
        $"outbox:{ReceiverCode}:{step}:{a.Id}:{a.PublishedAt.UtcTicks}", DateTimeOffset.UtcNow, actor, $"{step}:{ReceiverCode}", "advisory:" + a.Id,
        AuditRecords.Json(new
        {
            Peer = ReceiverCode,
            a.Id,
            Kind = "advisory",
            a.PolicyVersion,
            EnqueuedAt = a.PublishedAt,
            Item = withItem ? DeliveryItems.ForAdvisory(a).ToByteArray() : null,
        }));

    /// <summary>One node's audit log, and the node's own sealer over it.</summary>
    private sealed record Log(IAuditLog Audit, AuditSealer Sealer)
    {
        public static async Task<Log> CreateAsync(string path, CancellationToken ct)
        {
            var connection = StorageConnection.ForSqliteFile(path);
            await SchemaMigrator.ApplyAsync(StorageProvider.Embedded, connection, ct);
            var audit = AuditLog.Create(StorageProvider.Embedded, connection);
            return new Log(audit, new AuditSealer(audit, Sealing.SealBatchSize));
        }
    }
}
