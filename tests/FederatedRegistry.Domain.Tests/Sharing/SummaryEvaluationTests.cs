using FederatedRegistry.Domain.Sharing;

namespace FederatedRegistry.Domain.Tests.Sharing;

public sealed class SummaryEvaluationTests
{
    private static readonly Caller France = new("FR", NodeRole.National);
    private static readonly Caller Brazil = new("BR", NodeRole.National);
    private static readonly Caller Intl = new("INTL", NodeRole.Observer);

    private static SharingPolicy Policy(params AudienceGrant[] grants) => new(7, "KE", grants);

    private static AudienceGrant SystemsSummary(string audience, int k, params string[] dimensions) =>
        new(audience, Systems: new DatasetGrant(Summary: new SummaryGrant(dimensions, k)));

    private static CountCell Cell(long count, params string[] values) => new(values, count);

    private static SummaryAnswer Answer(Outcome<SummaryAnswer> outcome)
    {
        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        return outcome.Value!;
    }

    private static DomainError Refusal(Outcome<SummaryAnswer> outcome, ErrorKind kind)
    {
        Assert.False(outcome.IsSuccess);
        Assert.Equal(kind, outcome.Error!.Kind);
        return outcome.Error;
    }

    [Fact]
    public void Summary_ForACallerNoGrantNames_IsPermissionDenied()
    {
        var policy = Policy(SystemsSummary("FR", 3, "status"));

        var error = Refusal(SharingEvaluator.Summary(policy, Brazil, SharedDataset.Systems, ["status"], [Cell(10, "registered")]), ErrorKind.PermissionDenied);

        Assert.Equal("KE shares no summary of systems with BR (policy version 7).", error.Message);
        Assert.Empty(error.Violations);
    }

    [Fact]
    public void Summary_OfADatasetTheGrantDoesNotName_IsPermissionDenied()
    {
        var policy = Policy(SystemsSummary("FR", 3, "status"));

        Refusal(SharingEvaluator.Summary(policy, France, SharedDataset.Incidents, ["status"], []), ErrorKind.PermissionDenied);
    }

    [Fact]
    public void Summary_WhenOnlyRecordsAreGranted_IsPermissionDenied()
    {
        var policy = Policy(new AudienceGrant("FR", Systems: new DatasetGrant(Records: new RecordsGrant(["id"]))));

        Refusal(SharingEvaluator.Summary(policy, France, SharedDataset.Systems, ["status"], []), ErrorKind.PermissionDenied);
    }

    [Fact]
    public void Summary_OfADimensionNotGranted_IsDeniedNamingIt()
    {
        var policy = Policy(SystemsSummary("FR", 3, "status", "category"));

        var error = Refusal(SharingEvaluator.Summary(policy, France, SharedDataset.Systems, ["status", "risk_tier", "month"], []), ErrorKind.PermissionDenied);

        Assert.Equal(["dimensions[1]", "dimensions[2]"], error.Violations.Select(v => v.Field));
        Assert.Contains("by risk_tier, month", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_OfDimensionsFromDifferentGrants_IsNotCrossed()
    {
        var policy = Policy(SystemsSummary("FR", 3, "status"), SystemsSummary("all-peers", 3, "category"));

        var error = Refusal(SharingEvaluator.Summary(policy, France, SharedDataset.Systems, ["status", "category"], []), ErrorKind.PermissionDenied);

        Assert.Empty(error.Violations);
        Assert.Contains("not crossed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_OfEachDimensionFromDifferentGrants_IsAnsweredAlone()
    {
        var policy = Policy(SystemsSummary("FR", 3, "status"), SystemsSummary("all-peers", 3, "category"));

        Answer(SharingEvaluator.Summary(policy, France, SharedDataset.Systems, ["status"], []));
        Answer(SharingEvaluator.Summary(policy, France, SharedDataset.Systems, ["category"], []));
    }

    [Fact]
    public void Summary_WithNoDimension_IsInvalid_ForASummaryNeverGivesABareTotal()
    {
        var policy = Policy(SystemsSummary("FR", 3, "status"));

        var error = Refusal(SharingEvaluator.Summary(policy, France, SharedDataset.Systems, [], [Cell(10)]), ErrorKind.Invalid);

        Violations.NamesOnly(error.Violations, "dimensions", "never gives a bare total");
    }

    [Fact]
    public void Summary_OfAnUnknownOrRepeatedDimension_IsInvalid()
    {
        var policy = Policy(SystemsSummary("FR", 3, "status"));

        var unknown = Refusal(SharingEvaluator.Summary(policy, France, SharedDataset.Systems, ["status", "colour"], []), ErrorKind.Invalid);
        var repeated = Refusal(SharingEvaluator.Summary(policy, France, SharedDataset.Systems, ["status", "status"], []), ErrorKind.Invalid);

        Violations.NamesOnly(unknown.Violations, "dimensions[1]", "'colour' is not a dimension of systems");
        Violations.NamesOnly(repeated.Violations, "dimensions", "must not repeat");
    }

    [Fact]
    public void Summary_WithholdsEveryCellBelowK_AndShowsTheRest()
    {
        var policy = Policy(SystemsSummary("FR", 3, "status"));
        CountCell[] cells = [Cell(0, "draft"), Cell(1, "submitted"), Cell(2, "under_review"), Cell(3, "registered"), Cell(40, "rejected")];

        var answer = Answer(SharingEvaluator.Summary(policy, France, SharedDataset.Systems, ["status"], cells));

        Assert.Equal([Cell(3, "registered"), Cell(40, "rejected")], answer.Cells);
        Assert.Equal(3, answer.MinCount);
    }

    [Fact]
    public void Summary_UnderAGrantWithoutMinCount_WithholdsBelowThree()
    {
        var policy = Policy(new AudienceGrant("FR", Systems: new DatasetGrant(Summary: new SummaryGrant(["status"]))));

        var answer = Answer(SharingEvaluator.Summary(policy, France, SharedDataset.Systems, ["status"], [Cell(2, "draft"), Cell(3, "registered")]));

        Assert.Equal([Cell(3, "registered")], answer.Cells);
    }

    [Fact]
    public void Summary_HasNoTotal_SoAWithheldCellCannotBeRecomputed()
    {
        var policy = Policy(SystemsSummary("FR", 5, "status"));
        CountCell[] small = [Cell(10, "registered"), Cell(7, "rejected"), Cell(1, "draft")];
        CountCell[] other = [Cell(10, "registered"), Cell(7, "rejected"), Cell(4, "draft"), Cell(2, "withdrawn")];
        CountCell[] none = [Cell(10, "registered"), Cell(7, "rejected")];

        var answers = new[] { small, other, none }.Select(cells => Answer(SharingEvaluator.Summary(policy, France, SharedDataset.Systems, ["status"], cells))).ToList();

        Assert.All(answers, a => Assert.Equal([Cell(10, "registered"), Cell(7, "rejected")], a.Cells));
        Assert.All(answers, a => Assert.Equal((7, 5), (a.PolicyVersion, a.MinCount)));
    }

    [Fact]
    public void Summary_AddsUpARepeatedCombinationBeforeWithholding()
    {
        var policy = Policy(SystemsSummary("FR", 3, "status", "category"));
        CountCell[] cells = [Cell(2, "registered", "health"), Cell(2, "registered", "health"), Cell(1, "draft", "finance")];

        var answer = Answer(SharingEvaluator.Summary(policy, France, SharedDataset.Systems, ["status", "category"], cells));

        Assert.Equal([Cell(4, "registered", "health")], answer.Cells);
    }

    [Fact]
    public void Summary_OrdersCellsByValues_AndKeepsTheDimensionsInTheOrderAsked()
    {
        var policy = Policy(SystemsSummary("FR", 1, "status", "category"));
        CountCell[] cells = [Cell(5, "health", "registered"), Cell(2, "finance", "registered"), Cell(1, "finance", "draft")];

        var answer = Answer(SharingEvaluator.Summary(policy, France, SharedDataset.Systems, ["category", "status"], cells));

        Assert.Equal(["category", "status"], answer.Dimensions);
        Assert.Equal([Cell(1, "finance", "draft"), Cell(2, "finance", "registered"), Cell(5, "health", "registered")], answer.Cells);
    }

    [Fact]
    public void Summary_UnderSeveralGrants_UsesTheSmallestKAmongThoseListingEveryDimension()
    {
        var policy = Policy(SystemsSummary("FR", 10, "status", "category"), SystemsSummary("all-peers", 2, "status"), SystemsSummary("observers", 1, "status", "category"));
        CountCell[] byStatus = [Cell(2, "draft"), Cell(9, "registered")];
        CountCell[] byBoth = [Cell(2, "draft", "health"), Cell(12, "registered", "health")];

        var status = Answer(SharingEvaluator.Summary(policy, France, SharedDataset.Systems, ["status"], byStatus));
        var both = Answer(SharingEvaluator.Summary(policy, France, SharedDataset.Systems, ["status", "category"], byBoth));

        Assert.Equal(2, status.MinCount);
        Assert.Equal([Cell(2, "draft"), Cell(9, "registered")], status.Cells);
        Assert.Equal(10, both.MinCount);
        Assert.Equal([Cell(12, "registered", "health")], both.Cells);
    }

    [Fact]
    public void Summary_CarriesThePolicyVersionAndTheDataset()
    {
        var policy = Policy(SystemsSummary("FR", 3, "status"));

        var answer = Answer(SharingEvaluator.Summary(policy, France, SharedDataset.Systems, ["status"], []));

        Assert.Equal(7, answer.PolicyVersion);
        Assert.Equal(SharedDataset.Systems, answer.Dataset);
        Assert.Empty(answer.Cells);
    }

    [Theory]
    [InlineData("Triage Assist")]
    [InlineData("Registered")]
    [InlineData("")]
    public void Summary_OfACellWhoseValueIsNoValueOfTheDimension_Throws_SoNoTextCanLeaveAsADimension(string value)
    {
        var policy = Policy(SystemsSummary("FR", 1, "status"));

        Assert.Throws<ArgumentException>(() => SharingEvaluator.Summary(policy, France, SharedDataset.Systems, ["status"], [Cell(5, value)]));
    }

    [Fact]
    public void Summary_OfACellWithTheWrongNumberOfValuesOrANegativeCount_Throws()
    {
        var policy = Policy(SystemsSummary("FR", 1, "status", "category"));

        Assert.Throws<ArgumentException>(() => SharingEvaluator.Summary(policy, France, SharedDataset.Systems, ["status", "category"], [Cell(5, "draft")]));
        Assert.Throws<ArgumentException>(() => SharingEvaluator.Summary(policy, France, SharedDataset.Systems, ["status"], [Cell(-1, "draft")]));
    }

    [Theory]
    [InlineData("2025-06", true)]
    [InlineData("2025-13", false)]
    [InlineData("2025-6", false)]
    [InlineData("June 2025", false)]
    [InlineData("2025-06\n", false)]
    public void Summary_ByMonth_AcceptsOnlyYearAndMonth(string month, bool accepted)
    {
        var policy = Policy(new AudienceGrant("FR", Incidents: new DatasetGrant(Summary: new SummaryGrant(["month"], 1))));

        var act = () => SharingEvaluator.Summary(policy, France, SharedDataset.Incidents, ["month"], [Cell(5, month)]);

        if (accepted)
        {
            Assert.Equal([Cell(5, month)], Answer(act()).Cells);
        }
        else
        {
            Assert.Throws<ArgumentException>(() => act());
        }
    }

    [Fact]
    public void Summary_ToObservers_CoversAnObserverButNoNationalNode()
    {
        var policy = Policy(SystemsSummary("observers", 3, "status"));

        Answer(SharingEvaluator.Summary(policy, Intl, SharedDataset.Systems, ["status"], []));
        Refusal(SharingEvaluator.Summary(policy, France, SharedDataset.Systems, ["status"], []), ErrorKind.PermissionDenied);
    }

    [Fact]
    public void Summary_ToAllPeers_CoversNationalNodesButNoObserverNorTheNodeItself()
    {
        var policy = Policy(SystemsSummary("all-peers", 3, "status"));

        Answer(SharingEvaluator.Summary(policy, Brazil, SharedDataset.Systems, ["status"], []));
        Refusal(SharingEvaluator.Summary(policy, Intl, SharedDataset.Systems, ["status"], []), ErrorKind.PermissionDenied);
        Refusal(SharingEvaluator.Summary(policy, new Caller("KE", NodeRole.National), SharedDataset.Systems, ["status"], []), ErrorKind.PermissionDenied);
    }

    [Theory]
    [InlineData("INTL", NodeRole.National)]
    [InlineData("fr", NodeRole.National)]
    [InlineData("XX", NodeRole.National)]
    [InlineData("FR", (NodeRole)0)]
    [InlineData("", NodeRole.Observer)]
    public void Summary_ForAMalformedCaller_IsDeniedWhateverTheGrants(string code, NodeRole role)
    {
        var policy = Policy(SystemsSummary("all-peers", 1, "status"), SystemsSummary("observers", 1, "status"), SystemsSummary("INTL", 1, "status"));

        Refusal(SharingEvaluator.Summary(policy, new Caller(code, role), SharedDataset.Systems, ["status"], []), ErrorKind.PermissionDenied);
    }

    [Fact]
    public void Summary_UnderAPolicyBuiltWithAMinCountBelowOne_StillWithholdsEmptyCells()
    {
        var policy = Policy(SystemsSummary("FR", 0, "status"));

        var answer = Answer(SharingEvaluator.Summary(policy, France, SharedDataset.Systems, ["status"], [Cell(0, "draft"), Cell(1, "registered")]));

        Assert.Equal(1, answer.MinCount);
        Assert.Equal([Cell(1, "registered")], answer.Cells);
    }

    [Fact]
    public void Summary_UnderAPolicyBuiltWithAnUnknownDimension_GrantsNothingForIt()
    {
        var policy = Policy(SystemsSummary("FR", 3, "status", "name"));

        var error = Refusal(SharingEvaluator.Summary(policy, France, SharedDataset.Systems, ["name"], []), ErrorKind.Invalid);

        Violations.NamesOnly(error.Violations, "dimensions[0]", "is not a dimension");
    }

    [Fact]
    public void Summary_OfTabulatedIncidents_CountsEachHarmType()
    {
        var policy = Policy(new AudienceGrant("FR", Incidents: new DatasetGrant(Summary: new SummaryGrant(["harm_type"], 1))));
        var reported = Valid.IncidentAt(IncidentStatus.Triaged);
        var incident = reported with { Details = reported.Details with { HarmTypes = [HarmType.Economic, HarmType.PrivacyAndData] } };

        var answer = Answer(SharingEvaluator.Summary(policy, France, SharedDataset.Incidents, ["harm_type"], SharedRecords.Tabulate([incident, incident], ["harm_type"])));

        Assert.Equal([Cell(2, "economic"), Cell(2, "privacy_and_data")], answer.Cells);
    }
}
