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
    /// <summary>Who created it, for its audit entry (derived from this state, so a crash before the append loses nothing).</summary>
    [Id(1)] public string? Actor { get; init; }
}

/// <summary>
/// A registration grain's durable state: the current version, and the versions the read model may not hold yet
/// (usually only the current one). Every version the read model applied is kept, with its snapshot, in the audit log;
/// states written before that held every version here, and keep them until their next change.
/// </summary>
[GenerateSerializer, Alias("fedreg.SystemState")]
public sealed record SystemState
{
    [Id(0)] public AiSystem? Current { get; init; }
    [Id(1)] public IReadOnlyList<SystemVersion> History { get; init; } = [];
    /// <summary>Who made each version, by version number, for the audit entries written with the read model.</summary>
    [Id(2)] public IReadOnlyDictionary<int, string> Actors { get; init; } = new Dictionary<int, string>();
}

/// <summary>An incident grain's durable state; the incident carries its own history.</summary>
[GenerateSerializer, Alias("fedreg.IncidentState")]
public sealed record IncidentState
{
    [Id(0)] public Incident? Current { get; init; }
    /// <summary>Who made each version, by version number, for the audit entries written with the read model.</summary>
    [Id(1)] public IReadOnlyDictionary<int, string> Actors { get; init; } = new Dictionary<int, string>();
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
    /// <summary>Audit entries stored with the changes and not yet known to be in the audit log.</summary>
    [Id(2)] public IReadOnlyList<AuditDraft> Audit { get; init; } = [];
}
