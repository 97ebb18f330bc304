using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Providers;
using FederatedRegistry.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FederatedRegistry.Grains;

public sealed class ProviderGrain(
    [PersistentState(StateNames.Provider, StorageNames.Registry)] IPersistentState<ProviderState> state,
    IOptions<NodeOptions> node,
    IAuditLog audit,
    TimeProvider clock,
    ILogger<ProviderGrain> logger) : Grain, IProviderGrain, IIncomingGrainCallFilter
{
    Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context) =>
        UnknownRecords.InvokeThenReleaseIfEmptyAsync(context, () => state.State.Current is null, DeactivateOnIdle);

    /// <summary>A provider's one audited change, its creation, has the source key <c>provider:{id}:created</c>.</summary>
    internal const string AuditKeyPrefix = "provider:";

    internal const string AuditKeySuffix = ":created";

    // A crash between the state write and the append leaves the state without its entry: any activation appends it
    // (idempotent), and the node's start activates the providers whose entry is missing (AuditRecovery).
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Current is not null)
        {
            await TryAppendAsync();
        }
        await base.OnActivateAsync(cancellationToken);
    }

    public async Task<Outcome<Provider>> CreateAsync(CreateProvider command)
    {
        if (state.State.Current is { } existing)
        {
            return DomainError.AlreadyExists($"A provider with the id {existing.Id} already exists.");
        }
        var provider = ProviderRules.Create(node.Value.Code, command, clock.GetUtcNow());
        if (provider.Id != this.GetPrimaryKeyString())
        {
            return DomainError.Invalid("slug", "must match the provider id being created");
        }
        await state.CommitAsync(new ProviderState { Current = provider, Actor = AuditContext.CurrentActor() });
        await TryAppendAsync();
        return provider;
    }

    public Task<Provider?> GetAsync() => Task.FromResult(state.State.Current);

    private async Task TryAppendAsync()
    {
        var provider = state.State.Current!;
        try
        {
            await audit.AppendAsync([AuditRecords.Create(
                AuditKeyPrefix + provider.Id + AuditKeySuffix,
                provider.CreatedAt,
                state.State.Actor ?? AuditContext.System,
                "created",
                "provider:" + provider.Id,
                AuditRecords.Json(provider))]);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            AuditLogMessages.AppendDeferred(logger, e, this.GetGrainId());
        }
    }
}
