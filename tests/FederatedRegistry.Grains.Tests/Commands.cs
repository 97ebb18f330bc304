using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Incidents;
using FederatedRegistry.Domain.Providers;
using FederatedRegistry.Domain.Registrations;

namespace FederatedRegistry.Grains.Tests;

/// <summary>Valid commands with fresh identifiers, so that every test works on records of its own.</summary>
internal static class Commands
{
    public static string NewProductId() => $"acme-{Guid.NewGuid():N}.example/triage";

    public static CreateProvider Provider(string? slug = null) =>
        new(slug ?? "p-" + Guid.NewGuid().ToString("N")[..12], "Acme Health", "KE", "compliance@acme.example", null);

    public static SystemDetails Details(string name = "TriageAssist", Category category = Category.Health, RiskTier tier = RiskTier.Limited) =>
        new(name, "1.0", "Suggests an urgency level for emergency patients.", category, tier,
            new Assessment("Validated on 48,000 episodes.", "", "Nurse confirms every suggestion.", "", ""),
            ["KE"], DeploymentStatus.Pilot, "ops@acme.example");

    public static RegisterSystem Register(string productId, bool submit = true, SystemDetails? details = null) =>
        new(productId, "KE-PRV-acme", details ?? Details(), submit);

    public static IncidentDetails Incident(DateTimeOffset aware, Severity severity = Severity.Serious, string? productId = null) =>
        new("Chest pain under-prioritised", "Two patients were given a low urgency level.", null, productId ?? NewProductId(),
            severity, [HarmType.HealthAndSafety, HarmType.DiscriminationAndBias], SuspectedCause.ModelFailure, ["patients over 75"],
            aware.AddHours(-6), aware, aware.AddHours(1), ["KE", "TZ"], false, false, "Acme compliance office");
}
