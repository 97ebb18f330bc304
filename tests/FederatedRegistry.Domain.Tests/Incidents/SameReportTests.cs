namespace FederatedRegistry.Domain.Tests.Incidents;

/// <summary>How a retried report (same idempotency key) is told from a different report under the same key.</summary>
public sealed class SameReportTests
{
    private static Incident Stored(IncidentDetails details) =>
        IncidentLifecycle.Report(Identifiers.NewIncidentId(Valid.Node), Valid.Node, new ReportIncident(details), ReportingRules.EuAiActArticle73, Valid.Now);

    [Fact]
    public void TheSameDetails_AreTheSameReport()
    {
        var stored = Stored(Valid.Occurrence());

        Assert.True(IncidentLifecycle.IsSameReport(stored, new ReportIncident(Valid.Occurrence())));
    }

    [Fact]
    public void DetailsThatDifferOnlyInWhatTheNodeNormalises_AreTheSameReport()
    {
        var stored = Stored(Valid.Occurrence());
        var retry = Valid.Occurrence() with { Title = "  " + Valid.Occurrence().Title + " ", Reporter = Valid.Occurrence().Reporter + " " };

        Assert.True(IncidentLifecycle.IsSameReport(stored, new ReportIncident(retry)));
    }

    [Fact]
    public void AReportThatLeftTheReportingTimeToTheNode_MatchesWhateverTimeTheNodeFilledIn()
    {
        var stored = Stored(Valid.Occurrence() with { ReportedAt = null });
        var retry = Valid.Occurrence() with { ReportedAt = null };

        Assert.NotNull(stored.Details.ReportedAt);
        Assert.True(IncidentLifecycle.IsSameReport(stored, new ReportIncident(retry)));
    }

    public static TheoryData<string> Changes() => ["title", "description", "severity", "harm_types", "affected_groups", "aware_at", "reported_at", "affected_jurisdictions", "resulted_in_death", "product_id"];

    [Theory]
    [MemberData(nameof(Changes))]
    public void DetailsThatDifferInAnyField_AreAnotherReport(string field)
    {
        var stored = Stored(Valid.Occurrence());
        var d = Valid.Occurrence();
        var other = field switch
        {
            "title" => d with { Title = d.Title + " again" },
            "description" => d with { Description = d.Description + "!" },
            "severity" => d with { Severity = Severity.Critical },
            "harm_types" => d with { HarmTypes = [HarmType.HealthAndSafety, HarmType.Economic] },
            "affected_groups" => d with { AffectedGroups = ["other patients"] },
            "aware_at" => d with { AwareAt = d.AwareAt!.Value.AddSeconds(1) },
            "reported_at" => d with { ReportedAt = d.ReportedAt!.Value.AddSeconds(1) },
            "affected_jurisdictions" => d with { AffectedJurisdictions = ["KE", "TZ"] },
            "resulted_in_death" => d with { ResultedInDeath = true },
            _ => d with { ProductId = "other.example/product" },
        };

        Assert.False(IncidentLifecycle.IsSameReport(stored, new ReportIncident(other)));
    }
}
