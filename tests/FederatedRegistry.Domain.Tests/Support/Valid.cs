namespace FederatedRegistry.Domain.Tests.Support;

/// <summary>Valid commands and records to start from; each test breaks one thing in them.</summary>
internal static class Valid
{
    /// <summary>The node's clock for validation and lifecycle tests.</summary>
    public static readonly DateTimeOffset Now = new(2025, 6, 2, 9, 30, 0, TimeSpan.Zero);

    public const string Node = "KE";
    public const string ProductId = "acme.example/triage-assist";
    public const string ProviderId = "KE-PRV-acme-health";

    public static string SystemId => Identifiers.SystemId(Node, ProductId);

    public static CreateProvider Provider() =>
        new(Slug: "acme-health", Name: "Acme Health Ltd", Country: "KE",
            ContactEmail: "compliance@acme.example", Website: "https://acme.example/ai");

    public static Assessment Evidence() =>
        new(ConformityEvidence: "Conformity assessment report CR-2025-17 by a notified body.",
            BiasEvaluation: "Recall compared across age bands and sex; largest gap 2.1 points.",
            HumanOversight: "A triage nurse confirms or overrides every ranking.",
            Explainability: "Each ranking lists the three findings that weighed most.",
            DataGovernance: "Training data pseudonymised; retained for five years.");

    public static SystemDetails Details() =>
        new(Name: "Triage Assist",
            Version: "2.1.0",
            IntendedPurpose: "Ranks emergency-room patients by urgency for a nurse to confirm.",
            Category: Category.Health,
            ProposedRiskTier: RiskTier.High,
            Assessment: Evidence(),
            Markets: ["KE", "TZ", "UG"],
            DeploymentStatus: DeploymentStatus.Pilot,
            ContactEmail: "registry@acme.example");

    public static RegisterSystem Register(bool submit = true) => new(ProductId, ProviderId, Details(), submit);

    public static UpdateSystem Update(int expectedVersion = 1, bool submit = false) =>
        new(SystemId, expectedVersion, Details(), submit);

    /// <summary>A decision with what its rules ask for: a tier to register, a reason to refuse or end.</summary>
    public static DecideSystem Decide(Decision decision, int expectedVersion = 0) =>
        new(SystemId,
            decision,
            decision == Decision.Register ? RiskTier.High : null,
            decision is Decision.Reject or Decision.Suspend or Decision.Withdraw ? "Evidence does not cover the paediatric ward." : null,
            expectedVersion);

    /// <summary>A registration in the given status, built directly so that one lifecycle step is tested at a time.</summary>
    public static AiSystem SystemAt(SystemStatus status, int version = 3) =>
        SystemLifecycle.Register(Node, Register(submit: false), Now.AddDays(-10)) with { Status = status, Version = version };

    public static IncidentDetails Occurrence() =>
        new(Title: "Triage model under-ranked chest pain",
            Description: "Three patients with chest pain were ranked as low urgency and waited over an hour.",
            SystemId: SystemId,
            ProductId: ProductId,
            Severity: Severity.Serious,
            HarmTypes: [HarmType.HealthAndSafety],
            SuspectedCause: SuspectedCause.ModelFailure,
            AffectedGroups: ["emergency patients"],
            OccurredAt: Now.AddDays(-3),
            AwareAt: Now.AddDays(-2),
            ReportedAt: Now.AddDays(-1),
            AffectedJurisdictions: ["KE"],
            ResultedInDeath: false,
            Widespread: false,
            Reporter: "Nairobi General Hospital");

    public static ReportIncident Report() => new(Occurrence());

    public static TransitionIncident Transition(IncidentStatus to, int expectedVersion = 0) =>
        new(Identifiers.NewIncidentId(Node), to, "Checked with the hospital.", expectedVersion);

    /// <summary>A recorded incident in the given status, built directly so that one step is tested at a time.</summary>
    public static Incident IncidentAt(IncidentStatus status, int version = 2) =>
        IncidentLifecycle.Report(Identifiers.NewIncidentId(Node), Node, Report(), ReportingRules.EuAiActArticle73, Now)
            with { Status = status, Version = version };

    public static string Repeat(char c, int count) => new(c, count);
}
