using System.Text.Json;
using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Advisories;
using FederatedRegistry.Domain.Sharing;
using FederatedRegistry.Domain.Signing;
using FederatedRegistry.Federation;
using FederatedRegistry.Grains.Serialization;
using FederatedRegistry.Storage;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FederatedRegistry.Grains;

/// <summary>What this node holds from one origin.</summary>
[GenerateSerializer, Alias("fedreg.ExchangeState")]
public sealed record ExchangeState
{
    /// <summary>The replay guard of the origin's deliveries, saved with what they stored.</summary>
    [Id(0)] public ReplayGuardState? Guard { get; init; }
    [Id(1)] public IReadOnlyList<ReceivedAlert> Alerts { get; init; } = [];
    /// <summary>
    /// Advisories whose audit entry, which holds each whole, is not yet known to be in the audit log, and those published
    /// here and not yet queued: the log is where advisories are kept and listed from. States written before kept every
    /// advisory here; they are dropped with the next change.
    /// </summary>
    [Id(2)] public IReadOnlyList<KeptAdvisory> Advisories { get; init; } = [];
    /// <summary>Advisories published here and not yet queued to every peer (a crash between the two steps).</summary>
    [Id(3)] public IReadOnlyList<string> Undispatched { get; init; } = [];
    /// <summary>Audit entries stored with the changes (received, acknowledged, published) and not yet known to be in the audit log.</summary>
    [Id(4)] public IReadOnlyList<AuditDraft> Audit { get; init; } = [];
}

public sealed class ExchangeGrain(
    [PersistentState(StateNames.Exchange, StorageNames.Registry)] IPersistentState<ExchangeState> state,
    IOptions<NodeOptions> node,
    PeerDirectory peers,
    IAuditLog audit,
    TimeProvider clock,
    ILogger<ExchangeGrain> logger) : Grain, IExchangeGrain
{
    private readonly AuditBacklog _audit = new(audit);

    private string Origin => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await _audit.TryStoredAsync(state.State.Audit, logger, this.GetGrainId());
        if (state.State.Undispatched.Count > 0)
        {
            await DispatchAsync([.. state.State.Advisories.Where(a => state.State.Undispatched.Contains(a.Advisory.Id)).Select(a => a.Advisory)]);
        }
        await base.OnActivateAsync(cancellationToken);
    }

    public async Task<Outcome<DeliveryResult>> ReceiveAsync(long sequence, IReadOnlyList<InboundItem> items)
    {
        var guard = state.State.Guard is { } saved ? ReplayGuard.Restore(saved) : new ReplayGuard(Origin);
        var decision = guard.TryAccept(sequence);
        if (decision != ReplayDecision.Accepted)
        {
            return DomainError.Invalid("envelope.sequence", decision == ReplayDecision.Replayed
                ? $"{sequence} from {Origin} was accepted before: a replayed delivery is refused"
                : $"{sequence} from {Origin} is too far behind its latest delivery to tell it from a replay");
        }
        var now = clock.GetUtcNow();
        var alertIds = state.State.Alerts.Select(a => a.AlertId).ToHashSet(StringComparer.Ordinal);
        var offered = items.Where(i => i.Advisory is not null).Select(i => i.Advisory!.Id).ToList();
        var logged = offered.Count == 0 ? new HashSet<string>() : await audit.FindSourceKeysAsync([.. offered.Select(AdvisoryKey)]);
        var advisoryIds = state.State.Advisories.Select(a => a.Advisory.Id)
            .Concat(offered.Where(id => logged.Contains(AdvisoryKey(id))))
            .ToHashSet(StringComparer.Ordinal);
        var alerts = new List<ReceivedAlert>();
        var advisories = new List<KeptAdvisory>();
        var acknowledgements = new List<InboundAcknowledgement>();
        var accepted = new List<string>();
        var duplicates = new List<string>();
        foreach (var item in items)
        {
            var fresh = item switch
            {
                { Alert: { } alert } when alertIds.Add(alert.AlertId) => Add(alerts, alert with { Origin = Origin, ReceivedAt = now }),
                { Advisory: { } advisory } when advisoryIds.Add(advisory.Id) => Add(advisories, new KeptAdvisory(advisory, now)),
                // Recorded on the sent alert, where a repeat changes nothing.
                { Acknowledgement: { } ack } => Add(acknowledgements, ack),
                _ => false,
            };
            (fresh ? accepted : duplicates).Add(item.Id);
        }
        // Received from the origin: the peer acts, whoever relayed the call.
        var actor = AuditContext.Peer(Origin);
        IEnumerable<AuditDraft> received =
        [
            .. alerts.Select(a => AuditDraft.Of($"exchange:{Origin}:received:{a.AlertId}", now, actor, "received:" + Origin, "alert:" + a.AlertId, a)),
            .. advisories.Select(a => AuditDraft.Of(AdvisoryKey(a.Advisory.Id), now, actor, "received:" + Origin, "advisory:" + a.Advisory.Id, a)),
            .. acknowledgements.Select(a => AuditDraft.Of($"exchange:{Origin}:received:ack:{a.AlertId}", now, actor, "received:" + Origin, "acknowledgement:" + a.AlertId, a)),
        ];
        await state.CommitAsync(state.State with
        {
            Guard = guard.Snapshot(),
            Alerts = [.. state.State.Alerts, .. alerts],
            Advisories = [.. UnloggedAdvisories(), .. advisories],
            Audit = _audit.With(state.State.Audit, received),
        });
        await _audit.TryStoredAsync(state.State.Audit, logger, this.GetGrainId());
        foreach (var ack in acknowledgements)
        {
            await GrainFactory.GetGrain<IOutboxGrain>(Origin).RecordAcknowledgementAsync(ack.AlertId, ack.AcknowledgedAt, ack.Note);
        }
        return new DeliveryResult(accepted, duplicates);
    }

    public Task<IReadOnlyList<ReceivedAlert>> GetAlertsAsync() => Task.FromResult(state.State.Alerts);

    public async Task<Outcome<ReceivedAlert>> AcknowledgeAsync(string alertId, string note)
    {
        if (state.State.Alerts.FirstOrDefault(a => a.AlertId == alertId) is not { } alert)
        {
            return DomainError.NotFound($"The alert {alertId}");
        }
        if (alert.AcknowledgedAt is not null)
        {
            return alert;
        }
        var acknowledged = alert with { AcknowledgedAt = clock.GetUtcNow(), AcknowledgementNote = note };
        var policy = await GrainFactory.GetGrain<IPolicyGrain>(IPolicyGrain.NodePolicy).GetAsync();
        // Queued before the mark is stored: a crash in between makes a retry send it again, which the origin ignores.
        var item = DeliveryItems.ForAcknowledgement(alertId, acknowledged.AcknowledgedAt!.Value, note);
        await GrainFactory.GetGrain<IOutboxGrain>(Origin).EnqueueAsync(
            [new OutboxItem("ack:" + alertId, OutboxKinds.Acknowledgement, item.ToByteArray(), policy.Version, clock.GetUtcNow())], []);
        var entry = AuditDraft.Of($"exchange:{Origin}:acknowledged:{alertId}", acknowledged.AcknowledgedAt.Value, AuditContext.CurrentActor(),
            "acknowledged", "alert:" + alertId, acknowledged);
        await state.CommitAsync(state.State with
        {
            Alerts = [.. state.State.Alerts.Select(a => a.AlertId == alertId ? acknowledged : a)],
            Audit = _audit.With(state.State.Audit, entry),
        });
        await _audit.TryStoredAsync(state.State.Audit, logger, this.GetGrainId());
        return acknowledged;
    }

    public async Task<IReadOnlyList<KeptAdvisory>> GetAdvisoriesAsync()
    {
        var own = Origin == node.Value.Code;
        var kept = new List<KeptAdvisory>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // In the order appended: published, or received, order.
        foreach (var entry in await audit.ReadBySourceKeyPrefixAsync(AdvisoryKeyPrefix))
        {
            if (own && !entry.SourceKey.EndsWith(PublishedSuffix, StringComparison.Ordinal))
            {
                continue;
            }
            var advisory = own
                ? new KeptAdvisory(JsonSerializer.Deserialize<Advisory>(entry.Payload, DomainSerialization.JsonOptions)!, null)
                : JsonSerializer.Deserialize<KeptAdvisory>(entry.Payload, DomainSerialization.JsonOptions)!;
            if (seen.Add(advisory.Advisory.Id))
            {
                kept.Add(advisory);
            }
        }
        kept.AddRange(state.State.Advisories.Where(a => seen.Add(a.Advisory.Id)));
        return kept;
    }

    public async Task<int> CountAdvisoriesAsync()
    {
        var logged = await audit.CountBySourceKeyPrefixAsync(AdvisoryKeyPrefix);
        // The state's advisories not yet in the log; the others are counted there already.
        var keys = state.State.Advisories.Select(a => AdvisoryKey(a.Advisory.Id)).ToList();
        var inLog = keys.Count == 0 ? new HashSet<string>() : await audit.FindSourceKeysAsync(keys);
        return (int)logged + keys.Count(k => !inLog.Contains(k));
    }

    public async Task<Advisory> PublishAsync(PublishAdvisory command) => (await PublishManyAsync([command]))[0];

    public async Task<IReadOnlyList<Advisory>> PublishManyAsync(IReadOnlyList<PublishAdvisory> commands)
    {
        if (Origin != node.Value.Code)
        {
            throw new InvalidOperationException($"Advisories are published through this node's own exchange ({node.Value.Code}), not {Origin}'s.");
        }
        var policy = await GrainFactory.GetGrain<IPolicyGrain>(IPolicyGrain.NodePolicy).GetAsync();
        var now = clock.GetUtcNow();
        var actor = AuditContext.CurrentActor();
        var advisories = commands.Select(command => new Advisory(
            Identifiers.NewAdvisoryId(Origin), Origin, policy.Version, command.Title, command.Summary, command.LessonsLearned ?? "",
            [.. command.Mitigations ?? []], [.. command.Categories.Select(c => EnumNames.ToSnake(c))], now)).ToList();
        var entries = advisories.Select(advisory => AuditDraft.Of(AdvisoryKey(advisory.Id), advisory.PublishedAt, actor, "published",
            "advisory:" + advisory.Id, advisory));
        // One write for the whole batch: every advisory is kept, or none.
        await state.CommitAsync(state.State with
        {
            Advisories = [.. UnloggedAdvisories(), .. advisories.Select(a => new KeptAdvisory(a, null))],
            Undispatched = [.. state.State.Undispatched, .. advisories.Select(a => a.Id)],
            Audit = _audit.With(state.State.Audit, entries),
        });
        await _audit.TryStoredAsync(state.State.Audit, logger, this.GetGrainId());
        await DispatchAsync(advisories);
        return advisories;
    }

    private async Task DispatchAsync(IReadOnlyList<Advisory> advisories)
    {
        var current = await GrainFactory.GetGrain<IPolicyGrain>(IPolicyGrain.NodePolicy).GetPolicyAsync();
        foreach (var peer in peers.Peers.Where(p => SharingEvaluator.MayReceiveAdvisories(current, p.AsCaller)))
        {
            var items = advisories
                .Select(a => new OutboxItem(a.Id, OutboxKinds.Advisory, DeliveryItems.ForAdvisory(a).ToByteArray(), current.Version, clock.GetUtcNow()))
                .ToList();
            await GrainFactory.GetGrain<IOutboxGrain>(peer.Code).EnqueueAsync(items, []);
        }
        var done = advisories.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        await state.CommitAsync(state.State with
        {
            Undispatched = [.. state.State.Undispatched.Where(id => !done.Contains(id))],
            Audit = _audit.With(state.State.Audit),
        });
    }

    private const string PublishedSuffix = ":published";

    // Where the log keeps this grain's advisories. Under the published prefix there is no other entry: an advisory id gets
    // only its ":published" one here.
    private string AdvisoryKeyPrefix => Origin == node.Value.Code ? $"advisory:{Origin}-ADV-" : $"exchange:{Origin}:received:{Origin}-ADV-";

    /// <summary>The source key of the audit entry that records an advisory published here, or received from this grain's origin.</summary>
    private string AdvisoryKey(string advisoryId) =>
        Origin == node.Value.Code ? $"advisory:{advisoryId}{PublishedSuffix}" : $"exchange:{Origin}:received:{advisoryId}";

    // What the state must still carry: an advisory whose entry may not be in the log (its draft is stored and not known
    // appended; a draft leaves the state only once appended), or one published here and not yet queued to the peers.
    private IEnumerable<KeptAdvisory> UnloggedAdvisories()
    {
        var drafts = state.State.Audit.Select(d => d.SourceKey).ToHashSet(StringComparer.Ordinal);
        return state.State.Advisories.Where(a =>
        {
            var key = AdvisoryKey(a.Advisory.Id);
            return state.State.Undispatched.Contains(a.Advisory.Id) || (drafts.Contains(key) && !_audit.IsAppended(key));
        });
    }

    private static bool Add<T>(List<T> list, T item)
    {
        list.Add(item);
        return true;
    }
}
