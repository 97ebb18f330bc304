namespace FederatedRegistry.Domain.Registrations;

/// <summary>
/// The registration lifecycle: draft → submitted → under_review → registered | rejected;
/// registered → suspended | withdrawn; suspended → registered (reinstated) | withdrawn.
/// A provider may revise a rejected or withdrawn registration, which reopens it as a draft.
/// Every change produces the next version. Inputs are assumed to have passed <see cref="SystemRules"/>.
/// </summary>
public static class SystemLifecycle
{
    public static AiSystem Register(string nodeCode, RegisterSystem command, DateTimeOffset now) =>
        new(Identifiers.SystemId(nodeCode, command.ProductId),
            command.ProductId,
            command.ProviderId,
            nodeCode,
            Normalize(command.Details),
            command.Submit ? SystemStatus.Submitted : SystemStatus.Draft,
            DecidedRiskTier: null,
            DecisionReason: null,
            Version: 1,
            CreatedAt: now,
            UpdatedAt: now);

    public static Outcome<(AiSystem System, string Change)> Update(AiSystem current, UpdateSystem command, DateTimeOffset now)
    {
        if (command.ExpectedVersion != current.Version)
        {
            return DomainError.VersionConflict(command.ExpectedVersion, current.Version);
        }
        var status = current.Status is SystemStatus.Rejected or SystemStatus.Withdrawn ? SystemStatus.Draft : current.Status;
        var change = status == current.Status ? "updated" : "reopened";
        if (command.Submit)
        {
            if (status != SystemStatus.Draft)
            {
                return DomainError.IllegalTransition(
                    $"Only a draft can be submitted; {current.Id} is {EnumNames.ToSnake(current.Status)}.");
            }
            status = SystemStatus.Submitted;
            change = "submitted";
        }
        var next = current with
        {
            Details = Normalize(command.Details),
            Status = status,
            Version = current.Version + 1,
            UpdatedAt = now,
        };
        return (next, change);
    }

    public static Outcome<(AiSystem System, string Change)> Decide(AiSystem current, DecideSystem command, DateTimeOffset now)
    {
        if (command.ExpectedVersion != 0 && command.ExpectedVersion != current.Version)
        {
            return DomainError.VersionConflict(command.ExpectedVersion, current.Version);
        }
        var decision = command.Decision!.Value;
        if (Target(current.Status, decision) is not { } target)
        {
            return DomainError.IllegalTransition(
                $"A {EnumNames.ToSnake(current.Status)} registration cannot be given the decision '{EnumNames.ToSnake(decision)}'; " +
                $"allowed now: {Allowed(current.Status)}.");
        }
        var next = current with
        {
            Status = target,
            DecidedRiskTier = command.DecidedRiskTier ?? current.DecidedRiskTier,
            DecisionReason = string.IsNullOrWhiteSpace(command.Reason) ? current.DecisionReason : command.Reason.Trim(),
            Version = current.Version + 1,
            UpdatedAt = now,
        };
        return (next, "decided:" + EnumNames.ToSnake(decision));
    }

    /// <summary>The status a decision leads to from a status, or null when the step is illegal.</summary>
    public static SystemStatus? Target(SystemStatus from, Decision decision) => (from, decision) switch
    {
        (SystemStatus.Submitted, Decision.StartReview) => SystemStatus.UnderReview,
        (SystemStatus.UnderReview, Decision.Register) => SystemStatus.Registered,
        (SystemStatus.UnderReview, Decision.Reject) => SystemStatus.Rejected,
        (SystemStatus.Registered, Decision.Suspend) => SystemStatus.Suspended,
        (SystemStatus.Registered, Decision.Withdraw) => SystemStatus.Withdrawn,
        (SystemStatus.Suspended, Decision.Register) => SystemStatus.Registered,
        (SystemStatus.Suspended, Decision.Withdraw) => SystemStatus.Withdrawn,
        _ => null,
    };

    /// <summary>
    /// The authority has decided the registration: registered or rejected, or since suspended or withdrawn (which
    /// follow a registration). A draft is not decided, and is not waiting for a decision either.
    /// </summary>
    public static bool IsDecided(SystemStatus status) =>
        status is SystemStatus.Registered or SystemStatus.Rejected or SystemStatus.Suspended or SystemStatus.Withdrawn;

    /// <summary>Submitted by the provider and not yet decided: submitted or under review.</summary>
    public static bool IsAwaitingDecision(SystemStatus status) => status is SystemStatus.Submitted or SystemStatus.UnderReview;

    private static string Allowed(SystemStatus from)
    {
        var allowed = Enum.GetValues<Decision>().Where(d => Target(from, d) is not null).Select(EnumNames.ToSnake).ToList();
        return allowed.Count == 0 ? "none" : string.Join(", ", allowed);
    }

    private static SystemDetails Normalize(SystemDetails details) => details with
    {
        Name = details.Name.Trim(),
        Version = details.Version.Trim(),
        IntendedPurpose = details.IntendedPurpose.Trim(),
        Assessment = details.Assessment ?? Assessment.Empty,
        Markets = details.Markets ?? [],
        DeploymentStatus = details.DeploymentStatus ?? DeploymentStatus.Planned,
    };
}
