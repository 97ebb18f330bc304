namespace FederatedRegistry.Domain.Incidents;

/// <summary>What a reporter says happened.</summary>
public sealed record IncidentDetails(
    string Title,
    string Description,
    string? SystemId,
    string? ProductId,
    Severity? Severity,
    IReadOnlyList<HarmType> HarmTypes,
    SuspectedCause? SuspectedCause,
    IReadOnlyList<string> AffectedGroups,
    DateTimeOffset? OccurredAt,
    DateTimeOffset? AwareAt,
    DateTimeOffset? ReportedAt,
    IReadOnlyList<string> AffectedJurisdictions,
    bool ResultedInDeath,
    bool Widespread,
    string? Reporter)
{
    /// <summary>More than one affected jurisdiction.</summary>
    public bool CrossBorder => AffectedJurisdictions.Count > 1;
}

/// <summary>One step of an incident's history.</summary>
public sealed record IncidentEvent(IncidentStatus Status, string? Note, DateTimeOffset At);

/// <summary>A harm or near-harm involving an AI system, as recorded on a node.</summary>
public sealed record Incident(
    string Id,
    string Jurisdiction,
    IncidentDetails Details,
    IncidentStatus Status,
    ReportingDeadline? Deadline,
    int Version,
    IReadOnlyList<IncidentEvent> History,
    DateTimeOffset UpdatedAt)
{
    /// <summary>
    /// Still unresolved (neither mitigated nor closed) after its reporting deadline. Derived from the
    /// stored deadline, so it is right at any moment whether or not a reminder ever fired.
    /// </summary>
    public bool IsOverdue(DateTimeOffset now) => IncidentLifecycle.IsOverdue(Deadline?.DueAt, Status, now);

    /// <summary>Reported after its deadline had passed.</summary>
    public bool ReportedLate => Deadline is { } d && Details.ReportedAt > d.DueAt;
}

/// <summary>A reporter's request to record an incident.</summary>
public sealed record ReportIncident(IncidentDetails Details);

/// <summary>An authority's step along the incident lifecycle.</summary>
public sealed record TransitionIncident(string Id, IncidentStatus? To, string? Note, int ExpectedVersion);
