namespace FederatedRegistry.Domain.Registrations;

/// <summary>Evidence a provider supplies about a system (EU AI Act Annex VIII, UK ATRS).</summary>
public sealed record Assessment(
    string ConformityEvidence = "",
    string BiasEvaluation = "",
    string HumanOversight = "",
    string Explainability = "",
    string DataGovernance = "")
{
    public static readonly Assessment Empty = new();
}

/// <summary>The provider-supplied description of a system; an update replaces it whole.</summary>
public sealed record SystemDetails(
    string Name,
    string Version,
    string IntendedPurpose,
    Category? Category,
    RiskTier? ProposedRiskTier,
    Assessment Assessment,
    IReadOnlyList<string> Markets,
    DeploymentStatus? DeploymentStatus,
    string ContactEmail);

/// <summary>One product registered in one jurisdiction, at one version.</summary>
public sealed record AiSystem(
    string Id,
    string ProductId,
    string ProviderId,
    string Jurisdiction,
    SystemDetails Details,
    SystemStatus Status,
    RiskTier? DecidedRiskTier,
    string? DecisionReason,
    int Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The decided tier once there is one, else the provider's proposal.</summary>
    public RiskTier? EffectiveRiskTier => DecidedRiskTier ?? Details.ProposedRiskTier;
}

/// <summary>One recorded version: what changed, when, and the registration as it then stood.</summary>
public sealed record SystemVersion(int Version, string Change, DateTimeOffset ChangedAt, AiSystem Snapshot);

/// <summary>A provider's request to register a product.</summary>
public sealed record RegisterSystem(string ProductId, string ProviderId, SystemDetails Details, bool Submit);

/// <summary>A provider's replacement of a registration's details.</summary>
public sealed record UpdateSystem(string Id, int ExpectedVersion, SystemDetails Details, bool Submit);

/// <summary>An authority's decision on a registration.</summary>
public sealed record DecideSystem(string Id, Decision? Decision, RiskTier? DecidedRiskTier, string? Reason, int ExpectedVersion);
