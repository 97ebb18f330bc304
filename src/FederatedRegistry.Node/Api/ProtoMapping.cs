using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Incidents;
using FederatedRegistry.Domain.Providers;
using FederatedRegistry.Domain.Registrations;
using FederatedRegistry.Storage;
using Google.Protobuf.WellKnownTypes;
using V1 = FederatedRegistry.Contracts.V1;

namespace FederatedRegistry.Node.Api;

/// <summary>
/// Between the contract and the domain. Enum values share their numbers, so a value maps by number and
/// zero ("unspecified") maps to null; numbers the contract does not define pass through unchanged for the
/// domain's rules to refuse, naming the field.
/// </summary>
internal static class ProtoMapping
{
    // ---------- to the domain ----------

    public static CreateProvider ToDomain(V1.CreateProviderRequest r) =>
        new(r.Slug, r.Name, r.Country, r.ContactEmail, NullIfEmpty(r.Website));

    public static RegisterSystem ToDomain(V1.RegisterSystemRequest r) =>
        new(r.ProductId, r.ProviderId, ToDomain(r.Details), r.Submit);

    public static UpdateSystem ToDomain(V1.UpdateSystemRequest r) =>
        new(r.Id, r.ExpectedVersion, ToDomain(r.Details), r.Submit);

    public static DecideSystem ToDomain(V1.DecideSystemRequest r) =>
        new(r.Id, Enum<Decision>((int)r.Decision), Enum<RiskTier>((int)r.DecidedRiskTier), NullIfEmpty(r.Reason), r.ExpectedVersion);

    public static ReportIncident ToDomain(V1.ReportIncidentRequest r) => new(ToDomain(r.Details));

    public static TransitionIncident ToDomain(V1.TransitionIncidentRequest r) =>
        new(r.Id, Enum<IncidentStatus>((int)r.To), NullIfEmpty(r.Note), r.ExpectedVersion);

    public static SystemDetails ToDomain(V1.SystemDetails? d)
    {
        d ??= new V1.SystemDetails();
        var a = d.Assessment ?? new V1.Assessment();
        return new SystemDetails(
            d.Name,
            d.Version,
            d.IntendedPurpose,
            Enum<Category>((int)d.Category),
            Enum<RiskTier>((int)d.ProposedRiskTier),
            new Assessment(a.ConformityEvidence, a.BiasEvaluation, a.HumanOversight, a.Explainability, a.DataGovernance),
            [.. d.Markets],
            Enum<DeploymentStatus>((int)d.DeploymentStatus),
            d.ContactEmail);
    }

    public static IncidentDetails ToDomain(V1.IncidentDetails? d)
    {
        d ??= new V1.IncidentDetails();
        return new IncidentDetails(
            d.Title,
            d.Description,
            NullIfEmpty(d.SystemId),
            NullIfEmpty(d.ProductId),
            Enum<Severity>((int)d.Severity),
            [.. d.HarmTypes.Select(h => (HarmType)(int)h)],
            Enum<SuspectedCause>((int)d.SuspectedCause),
            [.. d.AffectedGroups],
            d.OccurredAt?.ToDateTimeOffset(),
            d.AwareAt?.ToDateTimeOffset(),
            d.ReportedAt?.ToDateTimeOffset(),
            [.. d.AffectedJurisdictions],
            d.ResultedInDeath,
            d.Widespread,
            NullIfEmpty(d.Reporter));
    }

    public static T? Enum<T>(int value) where T : struct, System.Enum =>
        value == 0 ? null : (T)(object)value;

    /// <summary>The snake_case name of a filter value, or null when unset.</summary>
    public static string? FilterName<T>(int value) where T : struct, System.Enum =>
        Enum<T>(value) is { } v ? EnumNames.ToSnake(v) : null;

    // ---------- to the contract ----------

    public static V1.Provider ToProto(Provider p) => new()
    {
        Id = p.Id,
        Name = p.Name,
        Country = p.Country,
        ContactEmail = p.ContactEmail,
        Website = p.Website ?? "",
        CreatedAt = Timestamp.FromDateTimeOffset(p.CreatedAt),
    };

    public static V1.AiSystem ToProto(AiSystem s) => new()
    {
        Id = s.Id,
        ProductId = s.ProductId,
        ProviderId = s.ProviderId,
        Jurisdiction = s.Jurisdiction,
        Details = ToProto(s.Details),
        Status = (V1.SystemStatus)(int)s.Status,
        DecidedRiskTier = (V1.RiskTier)(int)(s.DecidedRiskTier ?? 0),
        DecisionReason = s.DecisionReason ?? "",
        Version = s.Version,
        CreatedAt = Timestamp.FromDateTimeOffset(s.CreatedAt),
        UpdatedAt = Timestamp.FromDateTimeOffset(s.UpdatedAt),
    };

    public static V1.SystemDetails ToProto(SystemDetails d) => new()
    {
        Name = d.Name,
        Version = d.Version,
        IntendedPurpose = d.IntendedPurpose,
        Category = (V1.Category)(int)(d.Category ?? 0),
        ProposedRiskTier = (V1.RiskTier)(int)(d.ProposedRiskTier ?? 0),
        Assessment = new V1.Assessment
        {
            ConformityEvidence = d.Assessment.ConformityEvidence,
            BiasEvaluation = d.Assessment.BiasEvaluation,
            HumanOversight = d.Assessment.HumanOversight,
            Explainability = d.Assessment.Explainability,
            DataGovernance = d.Assessment.DataGovernance,
        },
        Markets = { d.Markets },
        DeploymentStatus = (V1.DeploymentStatus)(int)(d.DeploymentStatus ?? 0),
        ContactEmail = d.ContactEmail,
    };

    public static V1.SystemVersion ToProto(SystemVersion v) => new()
    {
        Version = v.Version,
        Change = v.Change,
        ChangedAt = Timestamp.FromDateTimeOffset(v.ChangedAt),
        Snapshot = ToProto(v.Snapshot),
    };

    public static V1.Incident ToProto(Incident i, DateTimeOffset now) => new()
    {
        Id = i.Id,
        Jurisdiction = i.Jurisdiction,
        Details = ToProto(i.Details),
        Status = (V1.IncidentStatus)(int)i.Status,
        ReportingDeadline = i.Deadline is { } d ? Timestamp.FromDateTimeOffset(d.DueAt) : null,
        DeadlineRule = i.Deadline?.Rule ?? "",
        Overdue = i.IsOverdue(now),
        ReportedLate = i.ReportedLate,
        CrossBorder = i.Details.CrossBorder,
        Version = i.Version,
        History =
        {
            i.History.Select(e => new V1.IncidentEvent
            {
                Status = (V1.IncidentStatus)(int)e.Status,
                Note = e.Note ?? "",
                At = Timestamp.FromDateTimeOffset(e.At),
            }),
        },
        UpdatedAt = Timestamp.FromDateTimeOffset(i.UpdatedAt),
    };

    public static V1.IncidentDetails ToProto(IncidentDetails d) => new()
    {
        Title = d.Title,
        Description = d.Description,
        SystemId = d.SystemId ?? "",
        ProductId = d.ProductId ?? "",
        Severity = (V1.Severity)(int)(d.Severity ?? 0),
        HarmTypes = { d.HarmTypes.Select(h => (V1.HarmType)(int)h) },
        SuspectedCause = (V1.SuspectedCause)(int)(d.SuspectedCause ?? 0),
        AffectedGroups = { d.AffectedGroups },
        OccurredAt = Stamp(d.OccurredAt),
        AwareAt = Stamp(d.AwareAt),
        ReportedAt = Stamp(d.ReportedAt),
        AffectedJurisdictions = { d.AffectedJurisdictions },
        ResultedInDeath = d.ResultedInDeath,
        Widespread = d.Widespread,
        Reporter = d.Reporter ?? "",
    };

    public static V1.SystemListItem ToProto(SystemRow r) => new()
    {
        Id = r.Id,
        ProductId = r.ProductId,
        ProviderId = r.ProviderId,
        Name = r.Name,
        Version = r.Version,
        Category = (V1.Category)Number<Category>(r.Category),
        Status = (V1.SystemStatus)Number<SystemStatus>(r.Status),
        ProposedRiskTier = (V1.RiskTier)Number<RiskTier>(r.ProposedRiskTier),
        DecidedRiskTier = (V1.RiskTier)Number<RiskTier>(r.DecidedRiskTier),
        StateVersion = r.StateVersion,
        UpdatedAt = Timestamp.FromDateTimeOffset(r.UpdatedAt),
    };

    public static V1.IncidentListItem ToProto(IncidentRow r, DateTimeOffset now)
    {
        var status = EnumNames.Parse<IncidentStatus>(r.Status);
        return new V1.IncidentListItem
        {
            Id = r.Id,
            Title = r.Title,
            SystemId = r.SystemId ?? "",
            ProductId = r.ProductId ?? "",
            Severity = (V1.Severity)Number<Severity>(r.Severity),
            HarmTypes = { r.HarmTypes.Select(h => (V1.HarmType)Number<HarmType>(h)) },
            Status = (V1.IncidentStatus)Number<IncidentStatus>(r.Status),
            OccurredAt = Timestamp.FromDateTimeOffset(r.OccurredAt),
            ReportingDeadline = Stamp(r.ReportingDeadline),
            Overdue = status is { } s && IncidentLifecycle.IsOverdue(r.ReportingDeadline, s, now),
            AffectedJurisdictions = { r.AffectedJurisdictions },
        };
    }

    private static int Number<T>(string? name) where T : struct, System.Enum =>
        name is not null && EnumNames.Parse<T>(name) is { } v ? Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture) : 0;

    private static Timestamp? Stamp(DateTimeOffset? t) => t is { } v ? Timestamp.FromDateTimeOffset(v) : null;

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
