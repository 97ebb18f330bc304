using CsCheck;

namespace FederatedRegistry.Domain.Tests.Properties;

/// <summary>
/// For random valid commands the field rules find nothing; for a random valid command with one field broken,
/// every violation names exactly that field.
/// </summary>
public sealed class ValidationProperties
{
    private const long Iterations = 2_000;

    /// <summary>One way to break one field of a valid command, and what the answer must then say.</summary>
    private sealed record Breaker<T>(string Field, string Words, Func<T, T> Break);

    private static void OnlyTheBrokenFieldIsNamed<T>(Gen<T> valid, Breaker<T>[] breakers, Func<T, IReadOnlyList<FieldViolation>> validate) =>
        Gen.Select(valid, Gen.Int[0, breakers.Length - 1]).Sample(
            (command, i) =>
            {
                var breaker = breakers[i];

                var violations = validate(breaker.Break(command));

                Assert.NotEmpty(violations);
                Assert.All(violations, v => Assert.Equal(breaker.Field, v.Field));
                Assert.Contains(violations, v => v.Rule.Contains(breaker.Words, StringComparison.Ordinal));
            },
            iter: Iterations,
            print: t => $"breaking {breakers[t.Item2].Field} ({breakers[t.Item2].Words}) in {t.Item1}");

    private static string Longer(string value, int max) => value + Valid.Repeat('x', max + 1 - value.Length);

    private static string WithControlCharacter(string value) => value[..^1] + "\u0001";

    [Fact]
    public void ProviderRules_ForAnyValidProvider_FindNothing() =>
        Generators.Provider.Sample(command => Assert.Empty(ProviderRules.Validate(command)), iter: Iterations);

    [Fact]
    public void ProviderRules_ForAProviderWithOneBrokenField_NameOnlyThatField() =>
        OnlyTheBrokenFieldIsNamed(Generators.Provider,
        [
            new("slug", "is required", c => c with { Slug = "" }),
            new("slug", "at most 40 characters", c => c with { Slug = Longer(c.Slug, 40) }),
            new("slug", "lower-case letters", c => c with { Slug = c.Slug[..^1] + "_" }),
            new("name", "is required", c => c with { Name = " " }),
            new("name", "at most 200 characters", c => c with { Name = Longer(c.Name, 200) }),
            new("name", "control characters", c => c with { Name = WithControlCharacter(c.Name) }),
            new("country", "is required", c => c with { Country = "" }),
            new("country", "ISO 3166-1 alpha-2", c => c with { Country = c.Country.ToLowerInvariant() }),
            new("country", "ISO 3166-1 alpha-2", c => c with { Country = "XX" }),
            new("contact_email", "is required", c => c with { ContactEmail = "" }),
            new("contact_email", "e-mail address", c => c with { ContactEmail = c.ContactEmail.Replace('@', '.') }),
            new("website", "absolute http or https URL", c => c with { Website = "ftp://acme.example/ai" }),
        ],
        ProviderRules.Validate);

    [Fact]
    public void SystemRules_ForAnyValidRegistration_FindNothing() =>
        Generators.Register.Sample(command => Assert.Empty(SystemRules.Validate(command)), iter: Iterations);

    [Fact]
    public void SystemRules_ForAnyValidUpdate_FindNothing() =>
        Generators.Update.Sample(command => Assert.Empty(SystemRules.Validate(command)), iter: Iterations);

    [Fact]
    public void SystemRules_ForAnyValidDecision_FindNothing() =>
        Generators.Decide.Sample(command => Assert.Empty(SystemRules.Validate(command)), iter: Iterations);

    private static Func<RegisterSystem, RegisterSystem> InDetails(Func<SystemDetails, SystemDetails> change) =>
        c => c with { Details = change(c.Details) };

    private static Func<RegisterSystem, RegisterSystem> HighRiskSubmissionWith(Func<Assessment, Assessment> change) =>
        c =>
        {
            var details = Generators.Submittable(c.Details with { ProposedRiskTier = RiskTier.High });
            return c with { Submit = true, Details = details with { Assessment = change(details.Assessment) } };
        };

    [Fact]
    public void SystemRules_ForARegistrationWithOneBrokenField_NameOnlyThatField() =>
        OnlyTheBrokenFieldIsNamed(Generators.Register,
        [
            new("product_id", "is required", c => c with { ProductId = "" }),
            new("product_id", "at most 200 characters", c => c with { ProductId = Longer(c.ProductId, 200) }),
            new("product_id", "lower-case domain name", c => c with { ProductId = c.ProductId.ToUpperInvariant() }),
            new("product_id", "lower-case domain name", c => c with { ProductId = c.ProductId.Replace('/', '.') }),
            new("provider_id", "is required", c => c with { ProviderId = "" }),
            new("provider_id", "must be a provider id", c => c with { ProviderId = c.ProviderId.ToLowerInvariant() }),
            new("details", "is required", c => c with { Details = null! }),
            new("details.name", "is required", InDetails(d => d with { Name = "" })),
            new("details.name", "at most 200 characters", InDetails(d => d with { Name = Longer(d.Name, 200) })),
            new("details.name", "control characters", InDetails(d => d with { Name = WithControlCharacter(d.Name) })),
            new("details.version", "is required", InDetails(d => d with { Version = "\t" })),
            new("details.version", "at most 50 characters", InDetails(d => d with { Version = Longer(d.Version, 50) })),
            new("details.intended_purpose", "at least 10 characters", InDetails(d => d with { IntendedPurpose = "Too short" })),
            new("details.intended_purpose", "at most 4000 characters", InDetails(d => d with { IntendedPurpose = Longer(d.IntendedPurpose, 4000) })),
            new("details.category", "is required", InDetails(d => d with { Category = null })),
            new("details.category", "must be one of", InDetails(d => d with { Category = (Category)99 })),
            new("details.proposed_risk_tier", "must be one of", InDetails(d => d with { ProposedRiskTier = (RiskTier)99 })),
            new("details.proposed_risk_tier", "is required to submit", c => c with { Submit = true, Details = c.Details with { ProposedRiskTier = null } }),
            new("details.deployment_status", "must be one of", InDetails(d => d with { DeploymentStatus = (DeploymentStatus)99 })),
            new("details.markets", "must not repeat a value", InDetails(d => d with { Markets = ["KE", "KE"] })),
            new("details.markets[0]", "ISO 3166-1 alpha-2", InDetails(d => d with { Markets = ["ke"] })),
            new("details.contact_email", "is required", InDetails(d => d with { ContactEmail = "" })),
            new("details.contact_email", "e-mail address", InDetails(d => d with { ContactEmail = d.ContactEmail.Replace("@", "", StringComparison.Ordinal) })),
            new("details.assessment.conformity_evidence", "at most 10000", InDetails(d => d with { Assessment = d.Assessment with { ConformityEvidence = Longer("", 10_000) } })),
            new("details.assessment.bias_evaluation", "at most 10000", InDetails(d => d with { Assessment = d.Assessment with { BiasEvaluation = Longer("", 10_000) } })),
            new("details.assessment.human_oversight", "at most 10000", InDetails(d => d with { Assessment = d.Assessment with { HumanOversight = Longer("", 10_000) } })),
            new("details.assessment.explainability", "at most 10000", InDetails(d => d with { Assessment = d.Assessment with { Explainability = Longer("", 10_000) } })),
            new("details.assessment.data_governance", "at most 10000", InDetails(d => d with { Assessment = d.Assessment with { DataGovernance = Longer("", 10_000) } })),
            new("details.assessment.conformity_evidence", "required to submit a high-risk system", HighRiskSubmissionWith(a => a with { ConformityEvidence = "" })),
            new("details.assessment.human_oversight", "required to submit a high-risk system", HighRiskSubmissionWith(a => a with { HumanOversight = " " })),
        ],
        SystemRules.Validate);

    [Fact]
    public void SystemRules_ForAnUpdateWithOneBrokenField_NameOnlyThatField() =>
        OnlyTheBrokenFieldIsNamed(Generators.Update,
        [
            new("id", "is required", c => c with { Id = "" }),
            new("id", "must be a registration id", c => c with { Id = c.Id.ToLowerInvariant() }),
            new("expected_version", "is required", c => c with { ExpectedVersion = 0 }),
            new("details", "is required", c => c with { Details = null! }),
            new("details.category", "must be one of", c => c with { Details = c.Details with { Category = (Category)0 } }),
        ],
        SystemRules.Validate);

    [Fact]
    public void SystemRules_ForADecisionWithOneBrokenField_NameOnlyThatField() =>
        OnlyTheBrokenFieldIsNamed(Generators.Decide,
        [
            new("id", "is required", c => c with { Id = "" }),
            new("id", "must be a registration id", c => c with { Id = c.Id.Replace("-SYS-", "-PRV-", StringComparison.Ordinal) }),
            new("decision", "is required", c => c with { Decision = null }),
            new("decision", "must be one of", c => c with { Decision = (Decision)99 }),
            new("decided_risk_tier", "must be one of", c => c with { DecidedRiskTier = (RiskTier)99 }),
            new("decided_risk_tier", "is required to register", c => c with { Decision = Decision.Register, DecidedRiskTier = null }),
            new("reason", "is required", c => c with { Decision = Decision.Reject, Reason = null }),
            new("reason", "at most 2000 characters", c => c with { Reason = Longer(c.Reason ?? "", 2000) }),
            new("expected_version", "must be 0 (any)", c => c with { ExpectedVersion = -1 }),
        ],
        SystemRules.Validate);

    [Fact]
    public void IncidentRules_ForAnyValidReport_FindNothing() =>
        Generators.Occurrence.Sample(details => Assert.Empty(IncidentRules.Validate(new ReportIncident(details), Generators.Now)), iter: Iterations);

    [Fact]
    public void IncidentRules_ForAnyValidTransition_FindNothing() =>
        Generators.Transition.Sample(command => Assert.Empty(IncidentRules.Validate(command)), iter: Iterations);

    [Fact]
    public void IncidentRules_ForAReportWithOneBrokenField_NameOnlyThatField() =>
        OnlyTheBrokenFieldIsNamed(Generators.Occurrence,
        [
            new("details", "is required", _ => null!),
            new("details.title", "is required", d => d with { Title = "" }),
            new("details.title", "at most 200 characters", d => d with { Title = Longer(d.Title, 200) }),
            new("details.title", "control characters", d => d with { Title = WithControlCharacter(d.Title) }),
            new("details.description", "is required", d => d with { Description = "  " }),
            new("details.description", "at most 10000 characters", d => d with { Description = Longer(d.Description, 10_000) }),
            new("details.reporter", "at most 200 characters", d => d with { Reporter = Longer(d.Reporter ?? "", 200) }),
            new("details.system_id", "or details.product_id is required", d => d with { SystemId = null, ProductId = null }),
            new("details.system_id", "must be a registration id", d => d with { SystemId = "KE-SYS-123" }),
            new("details.product_id", "lower-case domain name", d => d with { ProductId = "Triage Assist" }),
            new("details.severity", "is required", d => d with { Severity = null }),
            new("details.severity", "must be one of", d => d with { Severity = (Severity)99 }),
            new("details.suspected_cause", "must be one of", d => d with { SuspectedCause = (SuspectedCause)99 }),
            new("details.harm_types", "at least one harm type", d => d with { HarmTypes = [] }),
            new("details.harm_types", "must not repeat a value", d => d with { HarmTypes = [d.HarmTypes[0], .. d.HarmTypes] }),
            new("details.harm_types[0]", "must be one of", d => d with { HarmTypes = [(HarmType)99] }),
            new("details.affected_groups", "at most 50 entries", d => d with { AffectedGroups = [.. Enumerable.Repeat("patients", 51)] }),
            new("details.affected_groups[0]", "is required", d => d with { AffectedGroups = [""] }),
            new("details.affected_jurisdictions", "at least one country", d => d with { AffectedJurisdictions = [] }),
            new("details.affected_jurisdictions", "must not repeat a value", d => d with { AffectedJurisdictions = [d.AffectedJurisdictions[0], .. d.AffectedJurisdictions] }),
            new("details.affected_jurisdictions[0]", "ISO 3166-1 alpha-2", d => d with { AffectedJurisdictions = ["XX"] }),
            new("details.occurred_at", "is required", d => d with { OccurredAt = null }),
            new("details.aware_at", "is required", d => d with { AwareAt = null }),
            new("details.aware_at", "must not be before details.occurred_at", d => d with { OccurredAt = d.AwareAt!.Value.AddSeconds(1) }),
            new("details.aware_at", "must not be in the future", d => d with { AwareAt = Generators.Now.AddHours(1), ReportedAt = null }),
            new("details.reported_at", "must not be before details.aware_at", d => d with { ReportedAt = d.AwareAt!.Value.AddSeconds(-1) }),
            new("details.reported_at", "must not be in the future", d => d with { ReportedAt = Generators.Now.AddHours(1) }),
        ],
        d => IncidentRules.Validate(new ReportIncident(d), Generators.Now));

    [Fact]
    public void IncidentRules_ForATransitionWithOneBrokenField_NameOnlyThatField() =>
        OnlyTheBrokenFieldIsNamed(Generators.Transition,
        [
            new("id", "is required", c => c with { Id = "" }),
            new("id", "must be an incident id", c => c with { Id = c.Id.Replace("-INC-", "-SYS-", StringComparison.Ordinal) }),
            new("to", "is required", c => c with { To = null }),
            new("to", "must be one of", c => c with { To = (IncidentStatus)99 }),
            new("note", "at most 2000 characters", c => c with { Note = Longer(c.Note ?? "", 2000) }),
            new("expected_version", "must be 0 (any)", c => c with { ExpectedVersion = -1 }),
        ],
        IncidentRules.Validate);
}
