using FederatedRegistry.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using System.Text.Json.Nodes;

namespace FederatedRegistry.Node.Tests.Support;

/// <summary>Valid requests, as gRPC messages or as the JSON a client would send; tests break or vary one field.</summary>
public static class Messages
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false));

    public static CreateProviderRequest Provider(string? slug = null) => new()
    {
        Slug = slug ?? Unique.Slug(),
        Name = "Acme Health Analytics Ltd",
        Country = "KE",
        ContactEmail = "compliance@acme-health.example",
        Website = "https://acme-health.example",
    };

    public static SystemDetails Details(
        string name = "TriageAssist",
        Category category = Category.Health,
        RiskTier tier = RiskTier.High,
        string purpose = "Suggests an urgency level for patients arriving at emergency departments.") => new()
    {
        Name = name,
        Version = "2.1.0",
        IntendedPurpose = purpose,
        Category = category,
        ProposedRiskTier = tier,
        Assessment = new Assessment
        {
            ConformityEvidence = "Retrospective validation on 48,000 triage episodes.",
            BiasEvaluation = "Compared across sex, age band and county.",
            HumanOversight = "Every suggestion is confirmed or overridden by a triage nurse.",
            Explainability = "Shows the three observations that weighed most.",
            DataGovernance = "Pseudonymised records under a data-sharing agreement.",
        },
        Markets = { "KE", "TZ" },
        DeploymentStatus = DeploymentStatus.Pilot,
        ContactEmail = "triage-assist@acme-health.example",
    };

    public static RegisterSystemRequest Registration(string providerId, bool submit, string? productId = null, SystemDetails? details = null) => new()
    {
        ProductId = productId ?? Unique.ProductId(),
        ProviderId = providerId,
        Submit = submit,
        Details = details ?? Details(),
    };

    /// <summary>A serious incident about <paramref name="productId"/>, aware of an hour ago, in two jurisdictions.</summary>
    public static ReportIncidentRequest Incident(string? productId = null, string? systemId = null, DateTimeOffset? awareAt = null) => new()
    {
        Details = IncidentDetails(productId, systemId, awareAt),
    };

    public static IncidentDetails IncidentDetails(string? productId = null, string? systemId = null, DateTimeOffset? awareAt = null)
    {
        var aware = awareAt ?? DateTimeOffset.UtcNow.AddHours(-1);
        var details = new IncidentDetails
        {
            Title = "Chest pain under-prioritised for older patients",
            Description = "Two patients over 75 presenting with chest pain were given the fourth urgency level.",
            Severity = Severity.Serious,
            HarmTypes = { HarmType.HealthAndSafety, HarmType.DiscriminationAndBias },
            SuspectedCause = SuspectedCause.ModelFailure,
            AffectedGroups = { "patients over 75" },
            OccurredAt = Timestamp.FromDateTimeOffset(aware.AddHours(-2)),
            AwareAt = Timestamp.FromDateTimeOffset(aware),
            AffectedJurisdictions = { "KE", "TZ" },
            Reporter = "Acme Health Analytics Ltd, compliance office",
        };
        if (productId is not null)
        {
            details.ProductId = productId;
        }
        if (systemId is not null)
        {
            details.SystemId = systemId;
        }
        if (productId is null && systemId is null)
        {
            details.ProductId = Unique.ProductId();
        }
        return details;
    }

    /// <summary>The message as a client writes it in JSON: lowerCamelCase names, enums by name, defaults left out.</summary>
    public static JsonObject ToJson(IMessage message) => (JsonObject)JsonNode.Parse(Formatter.Format(message))!;

    /// <summary>A time as JSON transcoding writes it (RFC 3339, UTC).</summary>
    public static string Rfc3339(DateTimeOffset t) => Timestamp.FromDateTimeOffset(t).ToDateTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
