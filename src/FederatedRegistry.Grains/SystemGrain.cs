using System.Text.Json;
using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Registrations;
using FederatedRegistry.Grains.Indexing;
using FederatedRegistry.Grains.Serialization;
using FederatedRegistry.Storage;
using Microsoft.Extensions.Options;

namespace FederatedRegistry.Grains;

public sealed class SystemGrain(
    [PersistentState(StateNames.System, StorageNames.Registry)] IPersistentState<SystemState> state,
    IOptions<NodeOptions> node,
    IRegistryIndex index,
    IAuditLog audit,
    TimeProvider clock) : Grain, ISystemGrain, IIncomingGrainCallFilter
{
    // The newest version the read model is known to hold, and with it the audit log, where every version is kept with
    // its snapshot: the state need not carry those any more. Zero until this activation's first publish.
    private int _published;

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

    public async Task<IReadOnlyList<SystemVersion>> GetVersionsAsync()
    {
        if (state.State.Current is not { } current)
        {
            return [];
        }
        // The audit log holds every version the read model applied; the state, those it may not have applied yet.
        var logged = await audit.ReadBySourceKeyPrefixAsync(VersionKeyPrefix(current.Id));
        var versions = new SortedDictionary<int, SystemVersion>();
        foreach (var entry in logged)
        {
            var snapshot = JsonSerializer.Deserialize<AiSystem>(entry.Payload, DomainSerialization.JsonOptions)!;
            versions[snapshot.Version] = new SystemVersion(snapshot.Version, entry.Action, snapshot.UpdatedAt, snapshot);
        }
        foreach (var version in state.State.History)
        {
            versions[version.Version] = version;
        }
        return [.. versions.Values];
    }

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
        // Only the versions the read model may still lack stay in the state (usually just this one), so a write costs the
        // same however many versions came before it.
        await state.CommitAsync(new SystemState
        {
            Current = system,
            History = [.. state.State.History.Where(v => v.Version > _published), new SystemVersion(system.Version, change, system.UpdatedAt, system)],
            Actors = new Dictionary<int, string>(state.State.Actors.Where(a => a.Key > _published)) { [system.Version] = AuditContext.CurrentActor() },
        });
        await PublishAsync(system);
    }

    // After the state is durable: the read model applies a version once, with its audit entry, and only then moves the summary.
    private async Task PublishAsync(AiSystem system)
    {
        var stored = state.State;
        var applied = await index.UpsertSystemAsync(ReadModelRows.From(system), since => AuditSince(stored, system.Version, since), CancellationToken.None);
        // Applied now or before (null): either way the read model, and the audit log with it, hold this version.
        _published = system.Version;
        if (applied is { Deltas.Count: > 0 })
        {
            await GrainFactory.GetGrain<ISummaryGrain>(0).ApplyAsync(ReadModelRows.ToSummaryDeltas(applied), applied.CountSequence);
        }
    }

    private static string VersionKeyPrefix(string systemId) => $"system:{systemId}:v";

    // Every version the read model has not seen gets its entry: one whose upsert failed is recorded with the next.
    private static IReadOnlyList<AuditRecord> AuditSince(SystemState stored, int published, int since) =>
    [
        .. stored.History.Where(v => v.Version > since && v.Version <= published).Select(v => AuditRecords.Create(
            VersionKeyPrefix(v.Snapshot.Id) + v.Version,
            v.ChangedAt,
            stored.Actors.GetValueOrDefault(v.Version, AuditContext.System),
            v.Change,
            "system:" + v.Snapshot.Id,
            AuditRecords.Json(v.Snapshot))),
    ];
}
