using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Incidents;

namespace FederatedRegistry.Grains;

/// <summary>
/// One incident, keyed by its id ("KE-INC-…"). Its reporting deadline is fixed when it is reported, so
/// whether it is overdue follows from stored data at any moment. Commands reaching it have passed
/// <see cref="IncidentRules"/>.
/// </summary>
public interface IIncidentGrain : IGrainWithStringKey
{
    /// <summary>Records the incident under this grain's id; AlreadyExists when the id is taken.</summary>
    Task<Outcome<Incident>> ReportAsync(ReportIncident command);

    /// <summary>The incident, or null when none was reported under this id.</summary>
    Task<Incident?> GetAsync();

    /// <summary>Moves the incident along its lifecycle.</summary>
    Task<Outcome<Incident>> TransitionAsync(TransitionIncident command);

    /// <summary>Writes the current state to the read model again (recovery after a crash between the two writes).</summary>
    Task ReindexAsync();
}
