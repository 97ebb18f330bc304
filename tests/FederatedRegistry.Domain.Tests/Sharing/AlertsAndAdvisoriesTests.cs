using FederatedRegistry.Domain.Sharing;

namespace FederatedRegistry.Domain.Tests.Sharing;

public sealed class AlertsAndAdvisoriesTests
{
    private static readonly Caller Kenya = new("KE", NodeRole.National);
    private static readonly Caller France = new("FR", NodeRole.National);
    private static readonly Caller Brazil = new("BR", NodeRole.National);
    private static readonly Caller Tanzania = new("TZ", NodeRole.National);
    private static readonly Caller Intl = new("INTL", NodeRole.Observer);
    private static readonly Caller[] Peers = [Kenya, France, Brazil, Tanzania, Intl];

    private static SharingPolicy Policy(params AudienceGrant[] grants) => new(9, "KE", grants);

    private static AudienceGrant Alerts(string audience, AlertsGrant alerts) => new(audience, Incidents: new DatasetGrant(Alerts: alerts));

    private static Incident IncidentAffecting(Severity severity, params string[] jurisdictions)
    {
        var incident = Valid.IncidentAt(IncidentStatus.Reported);
        return incident with { Details = incident.Details with { Severity = severity, AffectedJurisdictions = jurisdictions } };
    }

    [Fact]
    public void AlertsFor_ACrossBorderIncident_AlertOnlyTheAffectedPeersWithTheListedFields()
    {
        var policy = Policy(Alerts("all-peers", new AlertsGrant(["id", "severity", "affected_jurisdictions"], Severity.Serious)));
        var incident = IncidentAffecting(Severity.Serious, "KE", "FR", "TZ");

        var alerts = SharingEvaluator.AlertsFor(policy, incident, Peers);

        Assert.Equal(["FR", "TZ"], alerts.Select(a => a.Recipient));
        Assert.All(alerts, a => Assert.Equal(9, a.PolicyVersion));
        Assert.All(alerts, a => Assert.Equal(["affected_jurisdictions", "id", "severity"], a.Incident.Fields.Keys));
        Assert.Equal(incident.Id, alerts[0].Incident["id"]);
    }

    [Fact]
    public void AlertsFor_AnIncidentLessSevereThanTheMinimum_AlertNobody()
    {
        var policy = Policy(Alerts("all-peers", new AlertsGrant(["id"], Severity.Serious)));

        Assert.Empty(SharingEvaluator.AlertsFor(policy, IncidentAffecting(Severity.Moderate, "KE", "FR"), Peers));
        Assert.Single(SharingEvaluator.AlertsFor(policy, IncidentAffecting(Severity.Critical, "KE", "FR"), Peers));
    }

    [Fact]
    public void AlertsFor_ADomesticIncident_AlertNobodyUnlessCrossBorderOnlyIsOff()
    {
        var crossBorderOnly = Policy(Alerts("FR", new AlertsGrant(["id"], AffectingRecipientOnly: false)));
        var any = Policy(Alerts("FR", new AlertsGrant(["id"], CrossBorderOnly: false, AffectingRecipientOnly: false)));
        var domestic = IncidentAffecting(Severity.Minor, "KE");

        Assert.Empty(SharingEvaluator.AlertsFor(crossBorderOnly, domestic, Peers));
        Assert.Equal(["FR"], SharingEvaluator.AlertsFor(any, domestic, Peers).Select(a => a.Recipient));
    }

    [Fact]
    public void AlertsFor_Observers_NeedNotBeAffected()
    {
        var policy = Policy(Alerts("observers", new AlertsGrant(["id", "severity"], Severity.Serious, AffectingRecipientOnly: false)));

        var alerts = SharingEvaluator.AlertsFor(policy, IncidentAffecting(Severity.Critical, "KE", "BR"), Peers);

        Assert.Equal(["INTL"], alerts.Select(a => a.Recipient));
    }

    [Fact]
    public void AlertsFor_APeerNoAlertGrantCovers_GiveItNothing()
    {
        var policy = Policy(
            new AudienceGrant("BR", Incidents: new DatasetGrant(Summary: new SummaryGrant(["severity"]), Records: new RecordsGrant(["id"]))),
            new AudienceGrant("FR", Advisories: true));

        Assert.Empty(SharingEvaluator.AlertsFor(policy, IncidentAffecting(Severity.Critical, "KE", "FR", "BR"), Peers));
    }

    [Fact]
    public void AlertsFor_UnderSeveralGrants_CarryTheUnionOfTheFieldsOfTheGrantsTriggered()
    {
        var policy = Policy(
            Alerts("FR", new AlertsGrant(["id", "title"], Severity.Critical)),
            Alerts("all-peers", new AlertsGrant(["id", "severity"])));

        var serious = SharingEvaluator.AlertsFor(policy, IncidentAffecting(Severity.Serious, "KE", "FR"), [France]);
        var critical = SharingEvaluator.AlertsFor(policy, IncidentAffecting(Severity.Critical, "KE", "FR"), [France]);

        Assert.Equal(["id", "severity"], Assert.Single(serious).Incident.Fields.Keys);
        Assert.Equal(["id", "severity", "title"], Assert.Single(critical).Incident.Fields.Keys);
    }

    [Fact]
    public void AlertsFor_APeerListedTwice_AlertItOnce_AndNeverTheNodeItself()
    {
        var policy = Policy(Alerts("all-peers", new AlertsGrant(["id"], AffectingRecipientOnly: false)));

        var alerts = SharingEvaluator.AlertsFor(policy, IncidentAffecting(Severity.Serious, "KE", "FR"), [France, Kenya, France, Brazil]);

        Assert.Equal(["FR", "BR"], alerts.Select(a => a.Recipient));
    }

    [Fact]
    public void AlertsFor_AnIncidentWithoutSeverity_MeetNoMinimum()
    {
        var policy = Policy(Alerts("FR", new AlertsGrant(["id"], Severity.Minor)));
        var reported = Valid.IncidentAt(IncidentStatus.Reported);
        var incident = reported with { Details = reported.Details with { Severity = null, AffectedJurisdictions = ["KE", "FR"] } };

        Assert.Empty(SharingEvaluator.AlertsFor(policy, incident, Peers));
    }

    [Fact]
    public void AlertsFor_AGrantBuiltWithAnUnknownSeverity_TriggerNothing()
    {
        var policy = Policy(Alerts("FR", new AlertsGrant(["id"], (Severity)99)));

        Assert.Empty(SharingEvaluator.AlertsFor(policy, IncidentAffecting(Severity.Critical, "KE", "FR"), Peers));
    }

    [Fact]
    public void AlertsFor_UnderTheExamplePolicy_AlertFranceAndTheObserver()
    {
        var policy = SharingPolicyDocumentTests.ExamplePolicy();

        var alerts = SharingEvaluator.AlertsFor(policy, IncidentAffecting(Severity.Serious, "KE", "FR", "BR"), Peers);

        Assert.Equal(["FR", "INTL"], alerts.Select(a => a.Recipient));
        Assert.True(alerts[0].Incident.Has("title"));
        Assert.False(alerts[1].Incident.Has("title"));
    }

    [Fact]
    public void MayReceiveAdvisories_OnlyWhereAGrantSendsThem()
    {
        var policy = Policy(new AudienceGrant("FR", Advisories: true), new AudienceGrant("observers", Systems: new DatasetGrant(Summary: new SummaryGrant(["status"]))));

        Assert.True(SharingEvaluator.MayReceiveAdvisories(policy, France));
        Assert.False(SharingEvaluator.MayReceiveAdvisories(policy, Brazil));
        Assert.False(SharingEvaluator.MayReceiveAdvisories(policy, Intl));
    }

    [Fact]
    public void MayReceiveAdvisories_NeverForTheNodeItselfOrAMalformedCaller()
    {
        var policy = Policy(new AudienceGrant("all-peers", Advisories: true), new AudienceGrant("observers", Advisories: true));

        Assert.False(SharingEvaluator.MayReceiveAdvisories(policy, Kenya));
        Assert.False(SharingEvaluator.MayReceiveAdvisories(policy, new Caller("INTL", NodeRole.National)));
        Assert.True(SharingEvaluator.MayReceiveAdvisories(policy, Intl));
        Assert.True(SharingEvaluator.MayReceiveAdvisories(policy, Tanzania));
    }

    [Fact]
    public void ADenyAllPolicy_LetsNothingLeave()
    {
        var policy = SharingPolicy.DenyAll("KE");
        var incident = IncidentAffecting(Severity.Critical, "KE", "FR");

        Assert.Equal(ErrorKind.PermissionDenied, SharingEvaluator.Summary(policy, France, SharedDataset.Incidents, ["severity"], []).Error?.Kind);
        Assert.Equal(ErrorKind.PermissionDenied, SharingEvaluator.Records(policy, France, SharedDataset.Incidents, [SharedRecords.From(incident)]).Error?.Kind);
        Assert.Empty(SharingEvaluator.AlertsFor(policy, incident, Peers));
        Assert.False(SharingEvaluator.MayReceiveAdvisories(policy, France));
    }
}
