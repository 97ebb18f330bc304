using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Incidents;
using FederatedRegistry.Grains;
using FederatedRegistry.Node.Hosting;

namespace FederatedRegistry.Node.Api;

/// <summary>
/// Retries that create nothing twice. Providers and registrations have natural keys (the slug, the product id), so a
/// retried create lands on the same record and answers ALREADY_EXISTS naming it. Incidents have none: a report that
/// carries a request_id gets an id derived from the key (<see cref="Identifiers.IncidentIdForRequest"/>), and a retry
/// answers the incident the first attempt created, whether or not its answer was lost.
/// </summary>
internal sealed partial class RegistryApi
{
    private async Task<Incident> ReportOnceAsync(ApiCaller caller, string requestId, ReportIncident command)
    {
        // Keys are the reporter's own: one organisation cannot meet, or block, another's.
        var scope = caller.IsProvider ? $"provider:{caller.ProviderId}" : caller.Role ?? "anonymous";
        var grain = grains.GetGrain<IIncidentGrain>(Identifiers.IncidentIdForRequest(Code, scope, requestId));
        var outcome = await grain.ReportAsync(command);
        if (outcome.Error is { Kind: ErrorKind.AlreadyExists } && await grain.GetAsync() is { } existing)
        {
            return IncidentLifecycle.IsSameReport(existing, command)
                ? existing
                : throw RpcErrors.From(DomainError.AlreadyExists(
                    $"The request_id {requestId} was already used for the incident {existing.Id} with other details; a new report needs a new request_id.",
                    [new FieldViolation("request_id", $"was already used for {existing.Id} with other details; use a new request_id for a new report")]));
        }
        var incident = Unwrap(outcome);
        metrics.IncidentReported(incident.Details.Severity);
        return incident;
    }
}
