using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Providers;

namespace FederatedRegistry.Grains;

/// <summary>One provider organisation on this node, keyed by its id ("KE-PRV-acme-health").</summary>
public interface IProviderGrain : IGrainWithStringKey
{
    /// <summary>Creates the provider; AlreadyExists when the id is taken. The command has passed <see cref="ProviderRules"/>.</summary>
    Task<Outcome<Provider>> CreateAsync(CreateProvider command);

    /// <summary>The provider, or null when none was created under this id.</summary>
    Task<Provider?> GetAsync();
}
