namespace FederatedRegistry.Domain.Registrations;

/// <summary>Field rules for registrations: everything that can be checked without the stored record.</summary>
public static class SystemRules
{
    public const int MaxTextLength = 10_000;

    public static IReadOnlyList<FieldViolation> Validate(RegisterSystem command)
    {
        var rules = new FieldRules();
        if (rules.Required("product_id", command.ProductId, 200))
        {
            rules.Matches("product_id", command.ProductId, Identifiers.ProductIdShape, Identifiers.ProductIdDescription);
        }
        if (rules.Required("provider_id", command.ProviderId, 60) && !Identifiers.IsProviderId(command.ProviderId))
        {
            rules.Add("provider_id", "must be a provider id such as KE-PRV-acme-health");
        }
        ValidateDetails(rules, command.Details, command.Submit);
        return rules.Violations;
    }

    public static IReadOnlyList<FieldViolation> Validate(UpdateSystem command)
    {
        var rules = new FieldRules();
        ValidateId(rules, command.Id);
        if (command.ExpectedVersion < 1)
        {
            rules.Add("expected_version", "is required: the version you last read (1 or more)");
        }
        ValidateDetails(rules, command.Details, command.Submit);
        return rules.Violations;
    }

    public static IReadOnlyList<FieldViolation> Validate(DecideSystem command)
    {
        var rules = new FieldRules();
        ValidateId(rules, command.Id);
        rules.RequiredEnum("decision", command.Decision);
        rules.DefinedEnum("decided_risk_tier", command.DecidedRiskTier);
        if (command.Decision == Decision.Register && command.DecidedRiskTier is null)
        {
            rules.Add("decided_risk_tier", "is required to register a system");
        }
        if (command.Decision is Decision.Reject or Decision.Suspend or Decision.Withdraw)
        {
            rules.Required("reason", command.Reason, 2000, multiLine: true);
        }
        else
        {
            rules.Optional("reason", command.Reason, 2000, multiLine: true);
        }
        if (command.ExpectedVersion < 0)
        {
            rules.Add("expected_version", "must be 0 (any) or a version number");
        }
        return rules.Violations;
    }

    public static void ValidateId(FieldRules rules, string? id)
    {
        if (rules.Required("id", id, 60) && !Identifiers.IsSystemId(id))
        {
            rules.Add("id", "must be a registration id such as KE-SYS-0123456789ABCDEFGHJK");
        }
    }

    private static void ValidateDetails(FieldRules rules, SystemDetails? details, bool submit)
    {
        if (details is null)
        {
            rules.Add("details", "is required");
            return;
        }
        rules.Required("details.name", details.Name, 200);
        rules.Required("details.version", details.Version, 50);
        rules.Required("details.intended_purpose", details.IntendedPurpose, 4000, minLength: 10, multiLine: true);
        rules.RequiredEnum("details.category", details.Category);
        rules.DefinedEnum("details.proposed_risk_tier", details.ProposedRiskTier);
        if (submit && details.ProposedRiskTier is null)
        {
            rules.Add("details.proposed_risk_tier", "is required to submit a registration for review");
        }
        rules.DefinedEnum("details.deployment_status", details.DeploymentStatus);
        rules.Countries("details.markets", details.Markets ?? [], atLeastOne: false);
        rules.Email("details.contact_email", details.ContactEmail, required: true);

        var assessment = details.Assessment ?? Assessment.Empty;
        rules.Optional("details.assessment.conformity_evidence", assessment.ConformityEvidence, MaxTextLength, multiLine: true);
        rules.Optional("details.assessment.bias_evaluation", assessment.BiasEvaluation, MaxTextLength, multiLine: true);
        rules.Optional("details.assessment.human_oversight", assessment.HumanOversight, MaxTextLength, multiLine: true);
        rules.Optional("details.assessment.explainability", assessment.Explainability, MaxTextLength, multiLine: true);
        rules.Optional("details.assessment.data_governance", assessment.DataGovernance, MaxTextLength, multiLine: true);
        if (submit && details.ProposedRiskTier is RiskTier.High or RiskTier.Unacceptable)
        {
            // A high-risk submission without evidence cannot be reviewed; say so now rather than at review.
            if (string.IsNullOrWhiteSpace(assessment.ConformityEvidence))
            {
                rules.Add("details.assessment.conformity_evidence", "is required to submit a high-risk system");
            }
            if (string.IsNullOrWhiteSpace(assessment.HumanOversight))
            {
                rules.Add("details.assessment.human_oversight", "is required to submit a high-risk system");
            }
        }
    }
}
