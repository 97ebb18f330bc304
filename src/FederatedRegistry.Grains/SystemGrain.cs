using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Registrations;
using FederatedRegistry.Grains.Indexing;
using FederatedRegistry.Storage;
using Microsoft.Extensions.Options;

namespace FederatedRegistry.Grains;

public sealed class SystemGrain(
    [PersistentState(StateNames.System, StorageNames.Registry)] IPersistentState<SystemState> state,
    IOptions<NodeOptions> node,
    IRegistryIndex index,
    TimeProvider clock) : Grain, ISystemGrain, IIncomingGrainCallFilter
{
    Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context) =>
        UnknownRecords.InvokeThenReleaseIfEmptyAsync(context, () => state.State.Current is null, DeactivateOnIdle);

    public async Task<Outcome<AiSystem>> RegisterAsync(RegisterSystem command)
    {
        if (state.State.Current is { } existing)
        {
            return DomainError.AlreadyExists(
                $"The product {existing.ProductId} is already registered on this node as {existing.Id}; update that registration instead.");
        }
        var system = SystemLifecycle.Register(node.Value.Code, command, clock.GetUtcNow());
        if (system.Id != this.GetPrimaryKeyString())
        {
            return DomainError.Invalid("product_id", "must be the product this registration id was derived from");
        }
        await CommitAsync(system, command.Submit ? "registered:submitted" : "registered:draft");
        return system;
    }

    public Task<AiSystem?> GetAsync() => Task.FromResult(state.State.Current);

    public Task<Outcome<AiSystem>> UpdateAsync(UpdateSystem command) =>
        ChangeAsync(current => SystemLifecycle.Update(current, command, clock.GetUtcNow()));

    public Task<Outcome<AiSystem>> DecideAsync(DecideSystem command) =>
        ChangeAsync(current => SystemLifecycle.Decide(current, command, clock.GetUtcNow()));

    public Task<IReadOnlyList<SystemVersion>> GetVersionsAsync() => Task.FromResult(state.State.History);

    public Task ReindexAsync() => state.State.Current is { } current ? PublishAsync(current) : Task.CompletedTask;

    private async Task<Outcome<AiSystem>> ChangeAsync(Func<AiSystem, Outcome<(AiSystem System, string Change)>> change)
    {
        if (state.State.Current is not { } current)
        {
            return DomainError.NotFound($"The registration {this.GetPrimaryKeyString()}");
        }
        var outcome = change(current);
        if (outcome.Error is { } error)
        {
            return error;
        }
        var (next, description) = outcome.Value;
        await CommitAsync(next, description);
        return next;
    }

    private async Task CommitAsync(AiSystem system, string change)
    {
        await state.CommitAsync(new SystemState
        {
            Current = system,
            History = [.. state.State.History, new SystemVersion(system.Version, change, system.UpdatedAt, system)],
            Actors = new Dictionary<int, string>(state.State.Actors) { [system.Version] = AuditContext.CurrentActor() },
        });
        await PublishAsync(system);
    }

    // After the state is durable: the read model applies a version once, with its audit entry, and only then moves the summary.
    private async Task PublishAsync(AiSystem system)
    {
        var stored = state.State;
        if (await index.UpsertSystemAsync(ReadModelRows.From(system), since => AuditSince(stored, system.Version, since), CancellationToken.None)
            is { Deltas.Count: > 0 } applied)
        {
            await GrainFactory.GetGrain<ISummaryGrain>(0).ApplyAsync(ReadModelRows.ToSummaryDeltas(applied), applied.CountSequence);
        }
    }

    // Every version the read model has not seen gets its entry: one whose upsert failed is recorded with the next.
    private static IReadOnlyList<AuditRecord> AuditSince(SystemState stored, int published, int since) =>
    [
        .. stored.History.Where(v => v.Version > since && v.Version <= published).Select(v => AuditRecords.Create(
            $"system:{v.Snapshot.Id}:v{v.Version}",
            v.ChangedAt,
            stored.Actors.GetValueOrDefault(v.Version, AuditContext.System),
            v.Change,
            "system:" + v.Snapshot.Id,
            AuditRecords.Json(v.Snapshot))),
    ];
}
