using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Incidents;
using FederatedRegistry.Domain.Sharing;
using FederatedRegistry.Federation;
using Google.Protobuf;
using FederatedRegistry.Grains.Indexing;
using FederatedRegistry.Storage;
using Microsoft.Extensions.Options;

namespace FederatedRegistry.Grains;

public sealed class IncidentGrain(
    [PersistentState(StateNames.Incident, StorageNames.Registry)] IPersistentState<IncidentState> state,
    [PersistentState(StateNames.IncidentAlerts, StorageNames.Registry)] IPersistentState<IncidentAlertsState> alerts,
    IOptions<NodeOptions> node,
    IOptions<ReportingOptions> reporting,
    IRegistryIndex index,
    PeerDirectory peers,
    TimeProvider clock) : Grain, IIncidentGrain, IIncomingGrainCallFilter
{
    Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context) =>
        UnknownRecords.InvokeThenReleaseIfEmptyAsync(context, () => state.State.Current is null, DeactivateOnIdle);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (alerts.State.Pending && state.State.Current is { } incident)
        {
            // Evaluated again: the policy may have changed since the crash, and what leaves must follow the current one.
            await QueueAlertsAsync(incident, await AlertsAsync(incident));
        }
        await base.OnActivateAsync(cancellationToken);
    }

    public async Task<Outcome<Incident>> ReportAsync(ReportIncident command)
    {
        if (state.State.Current is { } existing)
        {
            return DomainError.AlreadyExists($"An incident with the id {existing.Id} already exists.");
        }
        var incident = IncidentLifecycle.Report(
            this.GetPrimaryKeyString(), node.Value.Code, command, reporting.Value.ToRules(), clock.GetUtcNow());
        // Alerts are marked pending before the incident is stored and queued after, so that a crash in between only
        // delays them (the next activation queues them). In a state of their own: the incident's state is written
        // once per version, which read-model recovery relies on.
        var triggered = await AlertsAsync(incident);
        if (triggered.Count > 0)
        {
            await alerts.CommitAsync(new IncidentAlertsState { Pending = true });
        }
        await CommitAsync(incident);
        if (triggered.Count > 0)
        {
            await QueueAlertsAsync(incident, triggered);
        }
        return incident;
    }

    public Task<Incident?> GetAsync() => Task.FromResult(state.State.Current);

    public async Task<Outcome<Incident>> TransitionAsync(TransitionIncident command)
    {
        if (state.State.Current is not { } current)
        {
            return DomainError.NotFound($"The incident {this.GetPrimaryKeyString()}");
        }
        var outcome = IncidentLifecycle.Transition(current, command, clock.GetUtcNow());
        if (outcome.Value is { } next)
        {
            await CommitAsync(next);
        }
        return outcome;
    }

    public Task ReindexAsync() => state.State.Current is { } current ? PublishAsync(current) : Task.CompletedTask;

    private async Task<IReadOnlyList<Alert>> AlertsAsync(Incident incident)
    {
        var policy = await GrainFactory.GetGrain<IPolicyGrain>(IPolicyGrain.NodePolicy).GetPolicyAsync();
        return SharingEvaluator.AlertsFor(policy, incident, peers.Peers.Select(p => p.AsCaller));
    }

    /// <summary>Queues <paramref name="triggered"/> (the alerts the node's policy sends for the incident) to each peer's outbox, then marks them queued.</summary>
    private async Task QueueAlertsAsync(Incident incident, IReadOnlyList<Alert> triggered)
    {
        var raisedAt = clock.GetUtcNow();
        foreach (var alert in triggered)
        {
            var item = DeliveryItems.ForAlert(alert, incident.Id, raisedAt);
            await GrainFactory.GetGrain<IOutboxGrain>(alert.Recipient).EnqueueAsync(
                [new OutboxItem(incident.Id, OutboxKinds.Alert, item.ToByteArray(), alert.PolicyVersion, raisedAt)],
                [new SentAlert(incident.Id, alert.Recipient, alert.PolicyVersion, DeliveryItems.ToJson(item.Alert.Incident),
                    incident.Details.ProductId, raisedAt, null, null, null)]);
        }
        await alerts.CommitAsync(new IncidentAlertsState { Pending = false });
    }

    private async Task CommitAsync(Incident incident)
    {
        await state.CommitAsync(new IncidentState
        {
            Current = incident,
            Actors = new Dictionary<int, string>(state.State.Actors) { [incident.Version] = AuditContext.CurrentActor() },
        });
        await PublishAsync(incident);
    }

    // The read model applies a version once, with its audit entry, and only then moves the summary.
    private async Task PublishAsync(Incident incident)
    {
        var actors = state.State.Actors;
        if (await index.UpsertIncidentAsync(ReadModelRows.From(incident), since => AuditSince(incident, actors, since), CancellationToken.None)
            is { Deltas.Count: > 0 } applied)
        {
            await GrainFactory.GetGrain<ISummaryGrain>(0).ApplyAsync(ReadModelRows.ToSummaryDeltas(applied), applied.CountSequence);
        }
    }

    // Every version the read model has not seen gets its entry. An incident's details never change after the report, so
    // version v is the current incident cut at its v-th history event (one event per version).
    private static IReadOnlyList<AuditRecord> AuditSince(Incident incident, IReadOnlyDictionary<int, string> actors, int since)
    {
        var first = incident.History.Count == incident.Version ? since + 1 : incident.Version;
        var records = new List<AuditRecord>();
        for (var version = Math.Max(first, 1); version <= incident.Version; version++)
        {
            var step = incident.History[Math.Min(version, incident.History.Count) - 1];
            var snapshot = version == incident.Version
                ? incident
                : incident with { Status = step.Status, Version = version, History = [.. incident.History.Take(version)], UpdatedAt = step.At };
            records.Add(AuditRecords.Create(
                $"incident:{incident.Id}:v{version}",
                snapshot.UpdatedAt,
                actors.GetValueOrDefault(version, AuditContext.System),
                version == 1 ? "reported" : "transitioned:" + EnumNames.ToSnake(step.Status),
                "incident:" + incident.Id,
                AuditRecords.Json(snapshot)));
        }
        return records;
    }
}
