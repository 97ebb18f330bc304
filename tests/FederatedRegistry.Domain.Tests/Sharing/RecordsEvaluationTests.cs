using FederatedRegistry.Domain.Sharing;

namespace FederatedRegistry.Domain.Tests.Sharing;

public sealed class RecordsEvaluationTests
{
    private static readonly Caller France = new("FR", NodeRole.National);
    private static readonly Caller Brazil = new("BR", NodeRole.National);

    private static SharingPolicy Policy(params AudienceGrant[] grants) => new(3, "KE", grants);

    private static AudienceGrant SystemRecords(string audience, string[] fields, params FilterTerm[] filter) =>
        new(audience, Systems: new DatasetGrant(Records: new RecordsGrant(fields, filter.Length == 0 ? null : filter)));

    private static AiSystem System(string product, SystemStatus status, Category? category)
    {
        var system = SystemLifecycle.Register("KE", Valid.Register(submit: false) with { ProductId = product }, Valid.Now) with { Status = status };
        return system with { Details = system.Details with { Category = category } };
    }

    private static readonly AiSystem Registered = System("acme.example/triage", SystemStatus.Registered, Category.Health);
    private static readonly AiSystem Draft = System("acme.example/draft", SystemStatus.Draft, Category.Health);
    private static readonly AiSystem Loans = System("bank.example/loans", SystemStatus.Registered, Category.Finance);
    private static readonly AiSystem Police = System("gov.example/faces", SystemStatus.Registered, Category.LawEnforcement);
    private static readonly AiSystem Border = System("gov.example/border", SystemStatus.Registered, Category.MigrationAndBorder);

    private static SharedRecord[] Shared(params AiSystem[] systems) => [.. systems.Select(SharedRecords.From)];

    private static RecordsAnswer Answer(Outcome<RecordsAnswer> outcome)
    {
        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        return outcome.Value!;
    }

    [Fact]
    public void Records_GiveOnlyTheListedFields()
    {
        var policy = Policy(SystemRecords("FR", ["product_id", "status"]));

        var answer = Answer(SharingEvaluator.Records(policy, France, SharedDataset.Systems, Shared(Registered)));

        var record = Assert.Single(answer.Records);
        Assert.Equal(["product_id", "status"], record.Fields.Keys);
        Assert.Equal("acme.example/triage", record["product_id"]);
        Assert.Equal("registered", record["status"]);
        Assert.Equal(3, answer.PolicyVersion);
    }

    [Fact]
    public void Records_ForACallerNoGrantNames_ArePermissionDenied()
    {
        var policy = Policy(SystemRecords("FR", ["product_id"]));

        var outcome = SharingEvaluator.Records(policy, Brazil, SharedDataset.Systems, Shared(Registered));

        Assert.Equal(ErrorKind.PermissionDenied, outcome.Error?.Kind);
        Assert.Equal("KE shares no records of systems with BR (policy version 3).", outcome.Error!.Message);
    }

    [Fact]
    public void Records_WhenOnlyASummaryIsGranted_ArePermissionDenied()
    {
        var policy = Policy(new AudienceGrant("FR", Systems: new DatasetGrant(Summary: new SummaryGrant(["status"]))));

        Assert.Equal(ErrorKind.PermissionDenied, SharingEvaluator.Records(policy, France, SharedDataset.Systems, Shared(Registered)).Error?.Kind);
    }

    [Fact]
    public void Records_OfAdvisories_ArePermissionDenied()
    {
        var policy = Policy(new AudienceGrant("FR", Advisories: true));

        Assert.Equal(ErrorKind.PermissionDenied, SharingEvaluator.Records(policy, France, SharedDataset.Advisories, []).Error?.Kind);
    }

    [Fact]
    public void Records_GiveOnlyThoseThatPassEveryTermOfTheFilter()
    {
        var policy = Policy(SystemRecords("FR", ["product_id"], new FilterTerm("status", ["registered"]), new FilterTerm("category", ["health", "education"])));

        var answer = Answer(SharingEvaluator.Records(policy, France, SharedDataset.Systems, Shared(Registered, Draft, Loans)));

        Assert.Equal(["acme.example/triage"], answer.Records.Select(r => r["product_id"]));
    }

    [Fact]
    public void Records_OfARestrictedCategory_AreLeftOutWithoutATermNamingIt()
    {
        var policy = Policy(SystemRecords("FR", ["product_id"], new FilterTerm("status", ["registered"])));

        var answer = Answer(SharingEvaluator.Records(policy, France, SharedDataset.Systems, Shared(Registered, Police, Border, Loans)));

        Assert.Equal(["acme.example/triage", "bank.example/loans"], answer.Records.Select(r => r["product_id"]));
    }

    [Fact]
    public void Records_OfARestrictedCategory_PassWhenACategoryTermNamesIt()
    {
        var policy = Policy(SystemRecords("FR", ["product_id"], new FilterTerm("category", ["law_enforcement", "health"])));

        var answer = Answer(SharingEvaluator.Records(policy, France, SharedDataset.Systems, Shared(Registered, Police, Border)));

        Assert.Equal(["acme.example/triage", "gov.example/faces"], answer.Records.Select(r => r["product_id"]));
    }

    [Fact]
    public void Records_WithoutAFilter_AreAllGiven_ExceptRestrictedCategories()
    {
        var policy = Policy(SystemRecords("FR", ["product_id"]));

        var answer = Answer(SharingEvaluator.Records(policy, France, SharedDataset.Systems, Shared(Draft, Police, Loans)));

        Assert.Equal(["acme.example/draft", "bank.example/loans"], answer.Records.Select(r => r["product_id"]));
    }

    [Fact]
    public void Records_UnderSeveralGrants_CarryTheUnionOfTheFieldsOfTheGrantsEachPasses()
    {
        var policy = Policy(
            SystemRecords("FR", ["product_id", "status"], new FilterTerm("status", ["registered"])),
            SystemRecords("all-peers", ["product_id", "category"], new FilterTerm("category", ["health"])));

        var answer = Answer(SharingEvaluator.Records(policy, France, SharedDataset.Systems, Shared(Registered, Draft, Loans)));

        Assert.Equal(3, answer.Records.Count);
        Assert.Equal(["category", "product_id", "status"], answer.Records[0].Fields.Keys);
        Assert.Equal(["category", "product_id"], answer.Records[1].Fields.Keys);
        Assert.Equal(["product_id", "status"], answer.Records[2].Fields.Keys);
    }

    [Fact]
    public void Records_ThatNoFilterPasses_GiveAnEmptyAnswer_NotARefusal()
    {
        var policy = Policy(SystemRecords("FR", ["product_id"], new FilterTerm("status", ["suspended"])));

        var answer = Answer(SharingEvaluator.Records(policy, France, SharedDataset.Systems, Shared(Registered, Draft)));

        Assert.Empty(answer.Records);
    }

    [Fact]
    public void Records_KeepTheOrderGiven()
    {
        var policy = Policy(SystemRecords("FR", ["product_id"]));

        var answer = Answer(SharingEvaluator.Records(policy, France, SharedDataset.Systems, Shared(Loans, Registered, Draft)));

        Assert.Equal(["bank.example/loans", "acme.example/triage", "acme.example/draft"], answer.Records.Select(r => r["product_id"]));
    }

    [Fact]
    public void Records_GiveAssessmentTextOnlyWhenListed()
    {
        var without = Policy(SystemRecords("FR", ["product_id", "risk_tier"]));
        var with = Policy(SystemRecords("FR", ["product_id", "bias_evaluation"]));

        var plain = Assert.Single(Answer(SharingEvaluator.Records(without, France, SharedDataset.Systems, Shared(Registered))).Records);
        var evidence = Assert.Single(Answer(SharingEvaluator.Records(with, France, SharedDataset.Systems, Shared(Registered))).Records);

        Assert.DoesNotContain(plain.Fields.Values, v => v is string s && s.Contains("Recall", StringComparison.Ordinal));
        Assert.Equal(Valid.Evidence().BiasEvaluation, evidence["bias_evaluation"]);
    }

    [Fact]
    public void Records_OfIncidents_NeverCarryTheReporterOrHistoryNotes()
    {
        var policy = Policy(new AudienceGrant("FR", Incidents: new DatasetGrant(Records: new RecordsGrant(SharingCatalogue.Fields(SharedDataset.Incidents)))));
        var incident = Valid.IncidentAt(IncidentStatus.Triaged);

        var record = Assert.Single(Answer(SharingEvaluator.Records(policy, France, SharedDataset.Incidents, [SharedRecords.From(incident)])).Records);

        Assert.False(record.Has("reporter"));
        Assert.DoesNotContain(record.Fields.Values, v => v is string s && s.Contains("Nairobi General Hospital", StringComparison.Ordinal));
    }

    [Fact]
    public void Records_OfIncidents_FilterOnAnyOfTheirHarmTypes()
    {
        var policy = Policy(new AudienceGrant("FR", Incidents: new DatasetGrant(Records: new RecordsGrant(["id"], [new FilterTerm("harm_types", ["economic"])]))));
        var health = Valid.IncidentAt(IncidentStatus.Reported);
        var both = health with { Id = "KE-INC-00000000000000000000000001", Details = health.Details with { HarmTypes = [HarmType.HealthAndSafety, HarmType.Economic] } };

        var answer = Answer(SharingEvaluator.Records(policy, France, SharedDataset.Incidents, [SharedRecords.From(health), SharedRecords.From(both)]));

        Assert.Equal([both.Id], answer.Records.Select(r => r["id"]));
    }

    [Fact]
    public void Records_OfAnotherDataset_Throw()
    {
        var policy = Policy(SystemRecords("FR", ["id"]));

        Assert.Throws<ArgumentException>(() => SharingEvaluator.Records(policy, France, SharedDataset.Systems, [SharedRecords.From(Valid.IncidentAt(IncidentStatus.Reported))]));
    }

    [Fact]
    public void Records_UnderAPolicyBuiltWithUnknownNames_GiveNothingForThem()
    {
        var policy = Policy(
            SystemRecords("FR", ["product_id", "secret"]),
            SystemRecords("all-peers", ["status"], new FilterTerm("name", ["Triage Assist"])));
        var record = SharedRecords.From(Registered);
        var withSecret = new SharedRecord(SharedDataset.Systems, record.Fields.Append(KeyValuePair.Create("secret", (object?)"x")));

        var answer = Answer(SharingEvaluator.Records(policy, France, SharedDataset.Systems, [withSecret]));

        Assert.Equal(["product_id"], Assert.Single(answer.Records).Fields.Keys);
    }

    [Fact]
    public void Records_OfSystemsWithoutACategoryField_AreLeftOut()
    {
        var policy = Policy(SystemRecords("FR", ["product_id"]));
        var bare = new SharedRecord(SharedDataset.Systems, [KeyValuePair.Create("product_id", (object?)"gov.example/faces")]);

        Assert.Empty(Answer(SharingEvaluator.Records(policy, France, SharedDataset.Systems, [bare])).Records);
    }

    [Fact]
    public void Records_UnderTheExamplePolicy_GiveFranceRegisteredHealthAndFinanceOnly()
    {
        var policy = SharingPolicyDocumentTests.ExamplePolicy();

        var answer = Answer(SharingEvaluator.Records(policy, France, SharedDataset.Systems, Shared(Registered, Draft, Loans, Police)));

        Assert.Equal(["acme.example/triage", "bank.example/loans"], answer.Records.Select(r => r["product_id"]));
        Assert.All(answer.Records, r => Assert.Equal(["category", "name", "product_id", "risk_tier", "status"], r.Fields.Keys));
        Assert.Equal(ErrorKind.PermissionDenied, SharingEvaluator.Records(policy, Brazil, SharedDataset.Systems, Shared(Registered)).Error?.Kind);
    }
}
