using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Registrations;
using FederatedRegistry.Domain.Sharing;
using FederatedRegistry.Node.Hosting;
using FederatedRegistry.Storage;
using V1 = FederatedRegistry.Contracts.V1;

namespace FederatedRegistry.Node.Api;

/// <summary>
/// The public transparency register, what anyone may read without a token: registered systems' public fields, never
/// drafts or decisions in progress, never systems in the categories the EU database keeps in its secure section
/// (law enforcement, migration and border control).
/// </summary>
internal static class PublicRegister
{
    private static readonly string Registered = EnumNames.ToSnake(SystemStatus.Registered);

    public static bool Shows(AiSystem system) =>
        system.Status == SystemStatus.Registered &&
        !(system.Details.Category is { } category && SharingCatalogue.RestrictedCategories.Contains(EnumNames.ToSnake(category)));

    /// <summary>The registration without what only the authority and the provider see: the assessment evidence and the decision's reasons.</summary>
    public static V1.AiSystem View(V1.AiSystem system)
    {
        var view = system.Clone();
        if (view.Details is { } details)
        {
            details.Assessment = null;
        }
        view.DecisionReason = "";
        return view;
    }

    /// <summary>
    /// The query as <paramref name="caller"/> may run it: whole for the authority, and for a provider asking for its own
    /// registrations; for anyone else <see cref="Restrict"/>ed to the public register.
    /// </summary>
    public static SystemQuery? For(ApiCaller caller, SystemQuery query) =>
        caller.IsAuthority || (caller.IsProvider && query.ProviderId == caller.ProviderId) ? query : Restrict(query);

    /// <summary>The query narrowed to the public register; null when what it asks for is outside it (nothing to list).</summary>
    public static SystemQuery? Restrict(SystemQuery query)
    {
        if ((query.Status is not null && query.Status != Registered) ||
            (query.Category is not null && SharingCatalogue.RestrictedCategories.Contains(query.Category)))
        {
            return null;
        }
        return query with { Status = Registered, ExcludeCategories = [.. SharingCatalogue.RestrictedCategories] };
    }
}
