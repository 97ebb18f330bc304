namespace FederatedRegistry.Domain;

// Numeric values match the proto enums (fedreg.v1) so the edge maps them by value;
// zero ("unspecified") has no domain meaning and is represented by null.

/// <summary>Risk tier after the EU AI Act's levels.</summary>
public enum RiskTier
{
    Unacceptable = 1,
    High = 2,
    Limited = 3,
    Minimal = 4,
}

/// <summary>Area in which an AI system is used.</summary>
public enum Category
{
    Biometrics = 1,
    CriticalInfrastructure = 2,
    Education = 3,
    Employment = 4,
    EssentialServices = 5,
    LawEnforcement = 6,
    MigrationAndBorder = 7,
    JusticeAndDemocracy = 8,
    Health = 9,
    Finance = 10,
    MediaAndInformation = 11,
    GeneralPurpose = 12,
    Other = 13,
}

/// <summary>Where a registration stands in its lifecycle.</summary>
public enum SystemStatus
{
    Draft = 1,
    Submitted = 2,
    UnderReview = 3,
    Registered = 4,
    Rejected = 5,
    Suspended = 6,
    Withdrawn = 7,
}

/// <summary>Whether the product is in use in the jurisdiction.</summary>
public enum DeploymentStatus
{
    Planned = 1,
    Pilot = 2,
    InUse = 3,
    Retired = 4,
}

/// <summary>An authority's action on a registration.</summary>
public enum Decision
{
    StartReview = 1,
    Register = 2,
    Reject = 3,
    Suspend = 4,
    Withdraw = 5,
}

/// <summary>How grave an incident is.</summary>
public enum Severity
{
    Critical = 1,
    Serious = 2,
    Moderate = 3,
    Minor = 4,
}

/// <summary>Kind of harm an incident caused or nearly caused.</summary>
public enum HarmType
{
    HealthAndSafety = 1,
    FundamentalRights = 2,
    DiscriminationAndBias = 3,
    PrivacyAndData = 4,
    DisinformationAndManipulation = 5,
    Economic = 6,
    Environment = 7,
    CriticalInfrastructure = 8,
}

/// <summary>What the reporter suspects went wrong.</summary>
public enum SuspectedCause
{
    ModelFailure = 1,
    Misuse = 2,
    GovernanceOrOversightFailure = 3,
    Misrepresentation = 4,
}

/// <summary>Where an incident stands in its lifecycle.</summary>
public enum IncidentStatus
{
    Reported = 1,
    Triaged = 2,
    Investigating = 3,
    Mitigated = 4,
    Closed = 5,
}
