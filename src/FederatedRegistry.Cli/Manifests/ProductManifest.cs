using FederatedRegistry.Cli.Errors;
using FederatedRegistry.Contracts.V1;
using YamlDotNet.RepresentationModel;

namespace FederatedRegistry.Cli.Manifests;

/// <summary>
/// A product as a provider describes it once for every jurisdiction (examples/product.yaml). The provider is named by
/// its slug ("provider: acme-health"), which each node prefixes with its own code (KE-PRV-acme-health,
/// FR-PRV-acme-health); a full provider_id pins one node's provider instead.
/// </summary>
internal sealed record ProductManifest(string ProductId, string? ProviderSlug, string? ProviderId, bool Submit, SystemDetails Details)
{
    /// <param name="text">The file's text.</param>
    /// <param name="source">The file's name, for messages.</param>
    /// <param name="requireProvider">
    /// False for an update, which keeps the registration's provider: the same file that registered the product may be
    /// used, but one without a provider serves too.
    /// </param>
    public static ProductManifest Parse(string text, string source, bool requireProvider = true) =>
        Read(ManifestDocument.RequireMapping(ManifestDocument.Load(text, source), source), "", source, requireProvider);

    /// <summary>Reads one manifest; problems are named under <paramref name="path"/> (empty for a file, "" or a row's own).</summary>
    public static ProductManifest Read(YamlMappingNode node, string path, string source, bool requireProvider = true)
    {
        var problems = new List<FieldProblem>();
        var manifest = Read(new FieldReader(node, path, problems), requireProvider);
        return problems.Count > 0 ? throw new ManifestException(source, problems) : manifest!;
    }

    private static ProductManifest? Read(FieldReader r, bool requireProvider)
    {
        var productId = r.String("product_id", required: true);
        var slug = r.String("provider");
        var providerId = r.String("provider_id");
        if (slug is null && providerId is null && requireProvider)
        {
            r.Problem("provider", "is required: the provider's slug (acme-health), or provider_id for one node's provider (KE-PRV-acme-health)");
        }
        else if (slug is not null && providerId is not null)
        {
            r.Problem("provider_id", "give provider (the slug, for every node) or provider_id (one node's), not both");
        }
        var submit = r.Bool("submit") ?? true;
        var details = new SystemDetails();
        if (r.Mapping("details", required: true) is { } d)
        {
            details.Name = d.String("name", required: true) ?? "";
            details.Version = d.String("version") ?? "";
            details.IntendedPurpose = d.String("intended_purpose") ?? "";
            details.Category = d.Enum<Category>("category", required: true);
            details.ProposedRiskTier = d.Enum<RiskTier>("proposed_risk_tier");
            details.Markets.AddRange(d.Strings("markets").Select(m => m.ToUpperInvariant()));
            details.DeploymentStatus = d.Enum<DeploymentStatus>("deployment_status");
            details.ContactEmail = d.String("contact_email") ?? "";
            if (d.Mapping("assessment") is { } a)
            {
                details.Assessment = new Assessment
                {
                    ConformityEvidence = a.String("conformity_evidence") ?? "",
                    BiasEvaluation = a.String("bias_evaluation") ?? "",
                    HumanOversight = a.String("human_oversight") ?? "",
                    Explainability = a.String("explainability") ?? "",
                    DataGovernance = a.String("data_governance") ?? "",
                };
                a.RejectUnknown();
            }
            d.RejectUnknown();
        }
        r.RejectUnknown();
        return productId is null ? null : new ProductManifest(productId, slug, providerId, submit, details);
    }

    /// <summary>The request for one node, whose code turns the provider's slug into that node's provider id.</summary>
    public RegisterSystemRequest ToRequest(string nodeCode) => new()
    {
        ProductId = ProductId,
        ProviderId = ProviderId ?? $"{nodeCode}-PRV-{ProviderSlug}",
        Details = Details.Clone(),
        Submit = Submit,
    };
}
