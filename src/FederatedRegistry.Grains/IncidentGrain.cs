using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Incidents;
using FederatedRegistry.Grains.Indexing;
using FederatedRegistry.Storage;
using Microsoft.Extensions.Options;

namespace FederatedRegistry.Grains;

public sealed class IncidentGrain(
    [PersistentState(StateNames.Incident, StorageNames.Registry)] IPersistentState<IncidentState> state,
    IOptions<NodeOptions> node,
    IOptions<ReportingOptions> reporting,
    IRegistryIndex index,
    TimeProvider clock) : Grain, IIncidentGrain
{
    public async Task<Outcome<Incident>> ReportAsync(ReportIncident command)
    {
        if (state.State.Current is { } existing)
        {
            return DomainError.AlreadyExists($"An incident with the id {existing.Id} already exists.");
        }
        var incident = IncidentLifecycle.Report(
            this.GetPrimaryKeyString(), node.Value.Code, command, reporting.Value.ToRules(), clock.GetUtcNow());
        await CommitAsync(incident);
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

    private async Task CommitAsync(Incident incident)
    {
        await state.CommitAsync(new IncidentState { Current = incident });
        await PublishAsync(incident);
    }

    private async Task PublishAsync(Incident incident)
    {
        if (await index.UpsertIncidentAsync(ReadModelRows.From(incident), CancellationToken.None) is { Deltas.Count: > 0 } applied)
        {
            await GrainFactory.GetGrain<ISummaryGrain>(0).ApplyAsync(ReadModelRows.ToSummaryDeltas(applied), applied.CountSequence);
        }
    }
}
