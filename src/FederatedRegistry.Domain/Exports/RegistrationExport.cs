using FederatedRegistry.Domain.Providers;
using FederatedRegistry.Domain.Registrations;

namespace FederatedRegistry.Domain.Exports;

/// <summary>
/// What one registration row is made from: the registration, its provider, and whether the caller sees the public
/// register's view (no assessment evidence, no decision reason, no provider contact) rather than the whole record.
/// </summary>
public sealed record RegistrationExportSource(AiSystem System, Provider? Provider, bool PublicView);

/// <summary>
/// The registration export: one row per registration, in the shape of the EU AI Act Annex VIII section A list (the
/// information a provider of a high-risk system submits to the EU database), points 1 to 13 in order, then what else
/// the node holds. A point the node holds nothing for keeps its columns, empty. docs/exports.md documents every column.
/// </summary>
public static class RegistrationExport
{
    public const string Dataset = "registrations";

    private static readonly ExportColumn<RegistrationExportSource>[] Map =
    [
        // 1. Name, address and contact details of the provider. The node keeps the country of establishment, not an address.
        new("provider_name", s => ExportCell.Of(s.Provider?.Name)),
        new("provider_address", _ => ExportCell.Empty),
        new("provider_country", s => ExportCell.Of(s.Provider?.Country)),
        new("provider_contact_email", s => s.PublicView ? ExportCell.Empty : ExportCell.Of(s.Provider?.ContactEmail)),
        // 2. Whoever submitted on the provider's behalf: the node does not record one.
        new("submitter_name", _ => ExportCell.Empty),
        new("submitter_address", _ => ExportCell.Empty),
        new("submitter_contact", _ => ExportCell.Empty),
        // 3. The authorised representative: not recorded.
        new("authorised_representative_name", _ => ExportCell.Empty),
        new("authorised_representative_address", _ => ExportCell.Empty),
        new("authorised_representative_contact", _ => ExportCell.Empty),
        // 4. Trade name and an unambiguous reference for identification and traceability.
        new("trade_name", s => ExportCell.Of(s.System.Details.Name)),
        new("system_version", s => ExportCell.Of(s.System.Details.Version)),
        new("registration_id", s => ExportCell.Of(s.System.Id)),
        new("product_id", s => ExportCell.Of(s.System.ProductId)),
        // 5. Intended purpose, and the components and functions the system supports (not recorded apart).
        new("intended_purpose", s => ExportCell.Of(s.System.Details.IntendedPurpose)),
        new("components_and_functions", _ => ExportCell.Empty),
        // 6. The data and inputs the system uses, and its operating logic: the nearest statements the provider gives,
        // which belong to the assessment and so are not in the public register.
        new("data_and_inputs", s => s.PublicView ? ExportCell.Empty : ExportCell.Of(s.System.Details.Assessment.DataGovernance)),
        new("operating_logic", s => s.PublicView ? ExportCell.Empty : ExportCell.Of(s.System.Details.Assessment.Explainability)),
        // 7. On the market or in service, no longer, or recalled.
        new("market_status", s => ExportCell.Of(MarketStatus(s.System))),
        // 8 and 9. The notified body's certificate and a copy of it: not recorded.
        new("certificate_type", _ => ExportCell.Empty),
        new("certificate_number", _ => ExportCell.Empty),
        new("certificate_expiry", _ => ExportCell.Empty),
        new("notified_body", _ => ExportCell.Empty),
        new("certificate_copy", _ => ExportCell.Empty),
        // 10. Where the system is placed on the market, put into service or made available.
        new("member_states", s => ExportCell.Of(s.System.Details.Markets)),
        // 11 and 12. The EU declaration of conformity and the instructions for use: not recorded.
        new("eu_declaration_of_conformity", _ => ExportCell.Empty),
        new("instructions_for_use", _ => ExportCell.Empty),
        // 13. A URL for more information: the provider's website is the only one the node holds.
        new("url", s => ExportCell.Of(s.Provider?.Website)),
        // What else the node holds, outside Annex VIII.
        new("provider_id", s => ExportCell.Of(s.System.ProviderId)),
        new("system_contact_email", s => ExportCell.Of(s.System.Details.ContactEmail)),
        new("category", s => ExportCell.Words(s.System.Details.Category)),
        new("proposed_risk_tier", s => ExportCell.Words(s.System.Details.ProposedRiskTier)),
        new("decided_risk_tier", s => ExportCell.Words(s.System.DecidedRiskTier)),
        new("registration_status", s => ExportCell.Words(s.System.Status)),
        new("deployment_status", s => ExportCell.Words(s.System.Details.DeploymentStatus)),
        new("decision_reason", s => s.PublicView ? ExportCell.Empty : ExportCell.Of(s.System.DecisionReason)),
        new("conformity_evidence", s => s.PublicView ? ExportCell.Empty : ExportCell.Of(s.System.Details.Assessment.ConformityEvidence)),
        new("bias_evaluation", s => s.PublicView ? ExportCell.Empty : ExportCell.Of(s.System.Details.Assessment.BiasEvaluation)),
        new("human_oversight", s => s.PublicView ? ExportCell.Empty : ExportCell.Of(s.System.Details.Assessment.HumanOversight)),
        new("jurisdiction", s => ExportCell.Of(s.System.Jurisdiction)),
        new("version", s => ExportCell.Of(s.System.Version.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        new("created_at", s => ExportCell.Of(s.System.CreatedAt)),
        new("updated_at", s => ExportCell.Of(s.System.UpdatedAt)),
    ];

    /// <summary>The column names, in order: the CSV header, and the keys of each JSON record.</summary>
    public static IReadOnlyList<string> Columns { get; } = [.. Map.Select(c => c.Name)];

    /// <summary>The row of one registration, a cell per column in <see cref="Columns"/> order.</summary>
    public static ExportCell[] Row(RegistrationExportSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return [.. Map.Select(c => c.Value(source))];
    }

    /// <summary>
    /// Annex VIII point 7 in its own words, from the deployment status the provider gives: in use is "in service",
    /// retired is "no longer placed on the market or in service". Planned and pilot systems are in none of its states,
    /// and the node records no recall, so those are null.
    /// </summary>
    public static string? MarketStatus(AiSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.Details.DeploymentStatus switch
        {
            DeploymentStatus.InUse => "in service",
            DeploymentStatus.Retired => "no longer placed on the market or in service",
            _ => null,
        };
    }
}
