namespace FederatedRegistry.Domain.Incidents;

/// <summary>
/// The incident lifecycle: reported → triaged → investigating → mitigated → closed, one step at a time;
/// an open incident may also be closed at once (a duplicate, or unfounded). Inputs are assumed to have
/// passed <see cref="IncidentRules"/>.
/// </summary>
public static class IncidentLifecycle
{
    public static Incident Report(string id, string nodeCode, ReportIncident command, ReportingRules rules, DateTimeOffset now)
    {
        var details = Normalize(command.Details) with
        {
            // A reporter's clock may run a little ahead (see IncidentRules.ClockSkew): never report before awareness.
            ReportedAt = command.Details.ReportedAt ?? Max(now, command.Details.AwareAt ?? now),
        };
        return new Incident(id, nodeCode, details, IncidentStatus.Reported, rules.DeadlineFor(details), Version: 1,
            History: [new IncidentEvent(IncidentStatus.Reported, null, now)], UpdatedAt: now);
    }

    /// <summary>
    /// Whether <paramref name="command"/> reports what <paramref name="existing"/> recorded: the same details once
    /// normalised as <see cref="Report"/> stores them. A report that left reported_at to the node matches whatever time
    /// the node filled in. How a retry with the same idempotency key is told from a different report under that key.
    /// </summary>
    public static bool IsSameReport(Incident existing, ReportIncident command)
    {
        var a = existing.Details;
        var b = Normalize(command.Details);
        return a.Title == b.Title && a.Description == b.Description && a.SystemId == b.SystemId && a.ProductId == b.ProductId &&
            a.Severity == b.Severity && a.HarmTypes.SequenceEqual(b.HarmTypes) && a.SuspectedCause == b.SuspectedCause &&
            a.AffectedGroups.SequenceEqual(b.AffectedGroups) && a.OccurredAt == b.OccurredAt && a.AwareAt == b.AwareAt &&
            (b.ReportedAt is null || a.ReportedAt == b.ReportedAt) &&
            a.AffectedJurisdictions.SequenceEqual(b.AffectedJurisdictions) && a.ResultedInDeath == b.ResultedInDeath &&
            a.Widespread == b.Widespread && a.Reporter == b.Reporter;
    }

    private static IncidentDetails Normalize(IncidentDetails details) => details with
    {
        Title = details.Title.Trim(),
        SystemId = NullIfEmpty(details.SystemId),
        ProductId = NullIfEmpty(details.ProductId),
        Reporter = NullIfEmpty(details.Reporter),
    };

    public static Outcome<Incident> Transition(Incident current, TransitionIncident command, DateTimeOffset now)
    {
        if (command.ExpectedVersion != 0 && command.ExpectedVersion != current.Version)
        {
            return DomainError.VersionConflict(command.ExpectedVersion, current.Version);
        }
        var to = command.To!.Value;
        if (!IsAllowed(current.Status, to))
        {
            return DomainError.IllegalTransition(
                $"An incident that is {EnumNames.ToSnake(current.Status)} cannot move to {EnumNames.ToSnake(to)}; " +
                $"allowed now: {Allowed(current.Status)}.");
        }
        return current with
        {
            Status = to,
            Version = current.Version + 1,
            History = [.. current.History, new IncidentEvent(to, string.IsNullOrWhiteSpace(command.Note) ? null : command.Note.Trim(), now)],
            UpdatedAt = now,
        };
    }

    /// <summary>Unresolved (neither mitigated nor closed) after a reporting deadline; never without one.</summary>
    public static bool IsOverdue(DateTimeOffset? dueAt, IncidentStatus status, DateTimeOffset now) =>
        dueAt is { } due && now > due && IsOpen(status);

    public static bool IsOpen(IncidentStatus status) => status is not (IncidentStatus.Mitigated or IncidentStatus.Closed);

    public static bool IsAllowed(IncidentStatus from, IncidentStatus to) =>
        (int)to == (int)from + 1 || (to == IncidentStatus.Closed && from != IncidentStatus.Closed);

    private static string Allowed(IncidentStatus from)
    {
        var allowed = Enum.GetValues<IncidentStatus>().Where(to => IsAllowed(from, to)).Select(EnumNames.ToSnake).ToList();
        return allowed.Count == 0 ? "none" : string.Join(", ", allowed);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
