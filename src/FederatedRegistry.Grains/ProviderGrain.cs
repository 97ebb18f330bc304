using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Providers;
using Microsoft.Extensions.Options;

namespace FederatedRegistry.Grains;

public sealed class ProviderGrain(
    [PersistentState(StateNames.Provider, StorageNames.Registry)] IPersistentState<ProviderState> state,
    IOptions<NodeOptions> node,
    TimeProvider clock) : Grain, IProviderGrain
{
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
        await state.CommitAsync(new ProviderState { Current = provider });
        return provider;
    }

    public Task<Provider?> GetAsync() => Task.FromResult(state.State.Current);
}
