using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Registrations;

namespace FederatedRegistry.Grains;

/// <summary>
/// One AI system registration, keyed by its id ("KE-SYS-…", derived from the product id). After each durable change
/// it updates the read model and the node's summary; every version is kept, with the audit entry that records it.
/// Commands reaching it have passed <see cref="SystemRules"/>.
/// </summary>
public interface ISystemGrain : IGrainWithStringKey
{
    /// <summary>Registers the product; AlreadyExists when this product is already registered here.</summary>
    Task<Outcome<AiSystem>> RegisterAsync(RegisterSystem command);

    /// <summary>The current version, or null when nothing is registered under this id.</summary>
    Task<AiSystem?> GetAsync();

    /// <summary>Replaces the details; VersionConflict when the expected version is stale.</summary>
    Task<Outcome<AiSystem>> UpdateAsync(UpdateSystem command);

    /// <summary>Applies an authority's decision; IllegalTransition when the lifecycle forbids it.</summary>
    Task<Outcome<AiSystem>> DecideAsync(DecideSystem command);

    /// <summary>Every version, oldest first; empty when nothing is registered.</summary>
    Task<IReadOnlyList<SystemVersion>> GetVersionsAsync();

    /// <summary>Writes the current state to the read model again (recovery after a crash between the two writes).</summary>
    Task ReindexAsync();
}
