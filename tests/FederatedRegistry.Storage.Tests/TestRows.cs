namespace FederatedRegistry.Storage.Tests;

/// <summary>Rows with plausible defaults; tests override what they are about and use fresh ids and values.</summary>
internal static class TestRows
{
    public static readonly DateTimeOffset Created = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);

    public static string NewId(string prefix = "KE-SYS") => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>A value that no other test uses, so that counts and filters see only this test's rows.</summary>
    public static string Unique(string name) => $"{name}-{Guid.NewGuid():N}";

    public static SystemRow System(string? id = null, int version = 1) => new(
        Id: id ?? NewId(),
        ProductId: "acme.example/triage-assist",
        ProviderId: "KE-PRV-acme",
        Name: "Triage Assist",
        Version: "2.1",
        IntendedPurpose: "Prioritises emergency department patients",
        Category: "health",
        Status: "submitted",
        ProposedRiskTier: "high",
        DecidedRiskTier: null,
        Markets: ["KE", "TZ"],
        DeploymentStatus: "in_service",
        StateVersion: version,
        CreatedAt: Created,
        UpdatedAt: Created.AddHours(1));

    public static IncidentRow Incident(string? id = null, int version = 1) => new(
        Id: id ?? NewId("KE-INC"),
        SystemId: "KE-SYS-1",
        ProductId: "acme.example/triage-assist",
        Title: "Patients with rare conditions deprioritised",
        Severity: "serious",
        HarmTypes: ["health_and_safety"],
        SuspectedCause: "model_failure",
        Status: "reported",
        AffectedJurisdictions: ["KE"],
        CrossBorder: false,
        OccurredAt: Created,
        AwareAt: Created.AddDays(1),
        ReportedAt: Created.AddDays(2),
        ReportingDeadline: Created.AddDays(16),
        StateVersion: version,
        UpdatedAt: Created.AddDays(2),
        TriageTime: "not_triaged");

    /// <summary>Records compare arrays by reference; this compares them by content.</summary>
    public static void AssertSame(SystemRow expected, SystemRow? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Markets, actual.Markets);
        Assert.Equal(expected with { Markets = [] }, actual with { Markets = [] });
    }

    public static void AssertSame(IncidentRow expected, IncidentRow? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.HarmTypes, actual.HarmTypes);
        Assert.Equal(expected.AffectedJurisdictions, actual.AffectedJurisdictions);
        Assert.Equal(expected with { HarmTypes = [], AffectedJurisdictions = [] }, actual with { HarmTypes = [], AffectedJurisdictions = [] });
    }
}
