using FederatedRegistry.Domain.Incidents;
using FederatedRegistry.Domain.Providers;
using FederatedRegistry.Domain.Registrations;

namespace FederatedRegistry.Grains;

// Persisted as JSON (see JsonGrainStorageSerializer): property names are the stored contract, so rename none.

/// <summary>A provider grain's durable state.</summary>
[GenerateSerializer, Alias("fedreg.ProviderState")]
public sealed record ProviderState
{
    [Id(0)] public Provider? Current { get; init; }
}

/// <summary>A registration grain's durable state: the current version and every version before it.</summary>
[GenerateSerializer, Alias("fedreg.SystemState")]
public sealed record SystemState
{
    [Id(0)] public AiSystem? Current { get; init; }
    [Id(1)] public IReadOnlyList<SystemVersion> History { get; init; } = [];
}

/// <summary>An incident grain's durable state; the incident carries its own history.</summary>
[GenerateSerializer, Alias("fedreg.IncidentState")]
public sealed record IncidentState
{
    [Id(0)] public Incident? Current { get; init; }
}

/// <summary>Whether the alerts an incident triggered still have to be put in the peers' outboxes.</summary>
[GenerateSerializer, Alias("fedreg.IncidentAlertsState")]
public sealed record IncidentAlertsState
{
    [Id(0)] public bool Pending { get; init; }
}

/// <summary>The policy grain's durable state: the current sharing policy and every version before it.</summary>
[GenerateSerializer, Alias("fedreg.PolicyState")]
public sealed record PolicyState
{
    [Id(0)] public PolicyVersion? Current { get; init; }
    [Id(1)] public IReadOnlyList<PolicyVersion> History { get; init; } = [];
}
