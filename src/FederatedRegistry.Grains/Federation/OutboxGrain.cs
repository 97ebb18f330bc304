using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Federation;
using FederatedRegistry.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace FederatedRegistry.Grains;

/// <summary>An outbox's durable state: what waits, in order, and the alerts sent so far.</summary>
[GenerateSerializer, Alias("fedreg.OutboxState")]
public sealed record OutboxState
{
    [Id(0)] public IReadOnlyList<OutboxItem> Pending { get; init; } = [];
    [Id(1)] public IReadOnlyList<SentAlert> Sent { get; init; } = [];
    [Id(2)] public long Delivered { get; init; }
    [Id(3)] public DateTimeOffset? LastSuccessAt { get; init; }
    /// <summary>Audit entries stored with the changes (queued, delivered) and not yet known to be in the audit log.</summary>
    [Id(4)] public IReadOnlyList<AuditDraft> Audit { get; init; } = [];
}

/// <remarks>
/// Delivery runs in a timer callback that interleaves with calls, so that queuing never waits for a peer that is
/// away; every change of state goes through one lock, so that the two never write over each other. Items are sent
/// from the head of the queue, one batch at a time, and leave the queue only once the peer's signed receipt is
/// back: the order per origin holds, and a batch whose receipt was lost is sent again (the peer drops what it has).
/// </remarks>
public sealed class OutboxGrain(
    [PersistentState(StateNames.Outbox, StorageNames.Registry)] IPersistentState<OutboxState> state,
    FederationClient client,
    IOptions<DeliveryOptions> options,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    IAuditLog audit,
    ILogger<OutboxGrain> logger) : Grain, IOutboxGrain, IRemindable
{
    private readonly AuditBacklog _audit = new(audit);
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private IGrainTimer? _timer;
    private bool _delivering;
    private bool _reminded;
    private DateTimeOffset? _lastAttemptAt;
    private string? _lastError;

    private string PeerCode => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await _audit.TryStoredAsync(state.State.Audit, logger, this.GetGrainId());
        await base.OnActivateAsync(cancellationToken);
    }

    public async Task EnqueueAsync(IReadOnlyList<OutboxItem> items, IReadOnlyList<SentAlert> alerts)
    {
        var actor = AuditContext.CurrentActor();
        await ChangeAsync(current =>
        {
            var queued = current.Pending.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
            var fresh = items.Where(i => queued.Add(i.Id)).ToList();
            var known = current.Sent.Select(a => a.AlertId).ToHashSet(StringComparer.Ordinal);
            return current with
            {
                Pending = [.. current.Pending, .. fresh],
                Sent = [.. current.Sent, .. alerts.Where(a => known.Add(a.AlertId))],
                Audit = _audit.With(current.Audit, fresh.Select(i => AuditOf(i, actor, "queued", i.EnqueuedAt, withItem: true))),
            };
        });
        await _audit.TryStoredAsync(state.State.Audit, logger, this.GetGrainId());
        await StartDeliveryAsync();
    }

    public Task WakeAsync() => StartDeliveryAsync();

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Pending.Count == 0)
        {
            await this.StopKeepingAsync();
            _reminded = false;
            return;
        }
        await StartDeliveryAsync();
    }

    public Task<OutboxStatus> GetStatusAsync() => Task.FromResult(new OutboxStatus(
        PeerCode, state.State.Pending.Count, state.State.Delivered, state.State.LastSuccessAt, _lastAttemptAt, _lastError));

    public Task<IReadOnlyList<SentAlert>> GetSentAlertsAsync() => Task.FromResult(state.State.Sent);

    public async Task<bool> RecordAcknowledgementAsync(string alertId, DateTimeOffset acknowledgedAt, string note)
    {
        var found = false;
        await ChangeAsync(current =>
        {
            found = current.Sent.Any(a => a.AlertId == alertId);
            return found
                ? current with
                {
                    Sent = [.. current.Sent.Select(a => a.AlertId == alertId && a.AcknowledgedAt is null
                        ? a with { AcknowledgedAt = acknowledgedAt, AcknowledgementNote = note, DeliveredAt = a.DeliveredAt ?? acknowledgedAt }
                        : a)],
                }
                : current;
        });
        return found;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    private async Task StartDeliveryAsync()
    {
        if (state.State.Pending.Count == 0 || _timer is not null)
        {
            return;
        }
        if (!_reminded)
        {
            // Items wait in the database; the reminder brings the outbox back on another silo if this one dies.
            await this.KeepWorkingAsync();
            _reminded = true;
        }
        // Periodic and kept alive while anything waits; Orleans never overlaps two callbacks of one timer.
        _timer = this.RegisterGrainTimer(DeliverAsync, new GrainTimerCreationOptions(TimeSpan.Zero, TimeSpan.FromSeconds(1))
        {
            Interleave = true,
            KeepAlive = true,
        });
    }

    private async Task DeliverAsync(CancellationToken timerToken)
    {
        if (_delivering)
        {
            return;
        }
        _delivering = true;
        // A silo shutting down deactivates the outbox only once this callback returns, so the host's stopping signal,
        // not OnDeactivateAsync, is what ends a wait for a peer that is away.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, timerToken, lifetime.ApplicationStopping);
        try
        {
            if (!client.Directory.TryGet(PeerCode, out var peer))
            {
                _lastError = $"{PeerCode} is not in the peer directory (Federation:Peers); its items wait until it is.";
                return;
            }
            var pipeline = DeliveryRetry.Build(options.Value, (error, delay) =>
            {
                _lastAttemptAt = clock.GetUtcNow();
                _lastError = Describe(error);
                logger.LogInformation("Delivery to {Peer} failed ({Error}); retrying in {Delay}", PeerCode, _lastError, delay);
                return ValueTask.CompletedTask;
            });
            while (state.State.Pending.Count > 0 && !stop.IsCancellationRequested)
            {
                var batch = state.State.Pending.Take(Math.Max(1, options.Value.MaxBatchSize)).ToList();
                var items = batch.Select(i => DeliveryItem.Parser.ParseFrom(i.Item)).ToList();
                var policyVersion = batch.Max(i => i.PolicyVersion);
                // Continuing on the captured context keeps the retries, and the fields they touch, on the grain's scheduler.
                var context = ResilienceContextPool.Shared.Get(continueOnCapturedContext: true, stop.Token);
                try
                {
                    await pipeline.ExecuteAsync(
                        async ctx =>
                        {
                            _lastAttemptAt = clock.GetUtcNow();
                            await client.DeliverAsync(peer, items, policyVersion, options.Value.AttemptTimeout, ctx.CancellationToken);
                        },
                        context);
                }
                finally
                {
                    ResilienceContextPool.Shared.Return(context);
                }
                await DeliveredAsync(batch);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Deactivating: what is left stays queued and is sent by the next activation.
        }
        finally
        {
            _delivering = false;
            if (state.State.Pending.Count == 0 && _timer is not null)
            {
                _timer.Dispose();
                _timer = null;
            }
        }
    }

    private async Task DeliveredAsync(IReadOnlyList<OutboxItem> batch)
    {
        var now = clock.GetUtcNow();
        var ids = batch.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        await ChangeAsync(current => current with
        {
            Pending = [.. current.Pending.Where(i => !ids.Contains(i.Id))],
            Sent = [.. current.Sent.Select(a => ids.Contains(a.AlertId) && a.DeliveredAt is null ? a with { DeliveredAt = now } : a)],
            Delivered = current.Delivered + batch.Count,
            LastSuccessAt = now,
            Audit = _audit.With(current.Audit, batch.Select(i => AuditOf(i, AuditContext.System, "delivered", now, withItem: false))),
        });
        await _audit.TryStoredAsync(state.State.Audit, logger, this.GetGrainId());
        _lastError = null;
        logger.LogInformation("Delivered {Count} item(s) to {Peer}", batch.Count, PeerCode);
    }

    private async Task ChangeAsync(Func<OutboxState, OutboxState> change)
    {
        await _lock.WaitAsync();
        try
        {
            var next = change(state.State);
            if (!ReferenceEquals(next, state.State))
            {
                await state.CommitAsync(next);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    // One entry per item and step; an item queued again after delivery is a new change (its queue time differs).
    private AuditDraft AuditOf(OutboxItem item, string actor, string step, DateTimeOffset at, bool withItem) => AuditDraft.Of(
        $"outbox:{PeerCode}:{step}:{item.Id}:{item.EnqueuedAt.UtcTicks}",
        at,
        actor,
        $"{step}:{PeerCode}",
        item.Kind switch
        {
            OutboxKinds.Acknowledgement => "acknowledgement:" + (item.Id.StartsWith("ack:", StringComparison.Ordinal) ? item.Id[4..] : item.Id),
            _ => $"{item.Kind}:{item.Id}",
        },
        new OutboxAuditPayload(PeerCode, item.Id, item.Kind, item.PolicyVersion, item.EnqueuedAt, withItem ? item.Item : null));

    private static string Describe(Exception error) => error switch
    {
        Grpc.Core.RpcException rpc => $"{rpc.StatusCode}: {rpc.Status.Detail}",
        _ => error.Message,
    };
}

/// <summary>What the audit log keeps of an outbox change: the item as it was queued (the serialized DeliveryItem when queued).</summary>
internal sealed record OutboxAuditPayload(string Peer, string Id, string Kind, int PolicyVersion, DateTimeOffset EnqueuedAt, byte[]? Item);
