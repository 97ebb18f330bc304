namespace FederatedRegistry.Domain.Tests.Incidents;

public sealed class IncidentLifecycleTests
{
    /// <summary>
    /// The documented lifecycle: reported → triaged → investigating → mitigated → closed one step at a time,
    /// and an incident that is not yet closed may be closed at once. Every other (from, to) pair is illegal.
    /// </summary>
    internal static readonly IReadOnlySet<(IncidentStatus From, IncidentStatus To)> Documented =
        new HashSet<(IncidentStatus, IncidentStatus)>
        {
            (IncidentStatus.Reported, IncidentStatus.Triaged),
            (IncidentStatus.Triaged, IncidentStatus.Investigating),
            (IncidentStatus.Investigating, IncidentStatus.Mitigated),
            (IncidentStatus.Mitigated, IncidentStatus.Closed),
            (IncidentStatus.Reported, IncidentStatus.Closed),
            (IncidentStatus.Triaged, IncidentStatus.Closed),
            (IncidentStatus.Investigating, IncidentStatus.Closed),
        };

    public static TheoryData<IncidentStatus, IncidentStatus> LegalSteps()
    {
        var data = new TheoryData<IncidentStatus, IncidentStatus>();
        foreach (var (from, to) in Documented)
        {
            data.Add(from, to);
        }
        return data;
    }

    public static TheoryData<IncidentStatus, IncidentStatus> IllegalSteps()
    {
        var data = new TheoryData<IncidentStatus, IncidentStatus>();
        foreach (var from in Enum.GetValues<IncidentStatus>())
        {
            foreach (var to in Enum.GetValues<IncidentStatus>())
            {
                if (!Documented.Contains((from, to)))
                {
                    data.Add(from, to);
                }
            }
        }
        return data;
    }

    [Fact]
    public void Report_RecordsAReportedIncidentAtVersionOneWithOneHistoryEvent()
    {
        var id = Identifiers.NewIncidentId(Valid.Node);

        var incident = IncidentLifecycle.Report(id, Valid.Node, Valid.Report(), ReportingRules.EuAiActArticle73, Valid.Now);

        Assert.Equal(id, incident.Id);
        Assert.Equal(Valid.Node, incident.Jurisdiction);
        Assert.Equal(IncidentStatus.Reported, incident.Status);
        Assert.Equal(1, incident.Version);
        Assert.Equal(Valid.Now, incident.UpdatedAt);
        var only = Assert.Single(incident.History);
        Assert.Equal(new IncidentEvent(IncidentStatus.Reported, null, Valid.Now), only);
    }

    [Fact]
    public void Report_WithReportedAt_KeepsTheReportersTime()
    {
        var command = Valid.Report();

        var incident = IncidentLifecycle.Report(Identifiers.NewIncidentId(Valid.Node), Valid.Node, command, ReportingRules.EuAiActArticle73, Valid.Now);

        Assert.Equal(command.Details.ReportedAt, incident.Details.ReportedAt);
    }

    [Fact]
    public void Report_WithoutReportedAt_UsesTheNodesTime()
    {
        var command = new ReportIncident(Valid.Occurrence() with { ReportedAt = null });

        var incident = IncidentLifecycle.Report(Identifiers.NewIncidentId(Valid.Node), Valid.Node, command, ReportingRules.EuAiActArticle73, Valid.Now);

        Assert.Equal(Valid.Now, incident.Details.ReportedAt);
    }

    [Fact]
    public void Report_WithoutReportedAt_AndAwarenessSlightlyAheadOfTheNode_IsNeverReportedBeforeAwareness()
    {
        var aware = Valid.Now.AddMinutes(3);
        var command = new ReportIncident(Valid.Occurrence() with { OccurredAt = aware.AddHours(-1), AwareAt = aware, ReportedAt = null });

        var incident = IncidentLifecycle.Report(Identifiers.NewIncidentId(Valid.Node), Valid.Node, command, ReportingRules.EuAiActArticle73, Valid.Now);

        Assert.Equal(aware, incident.Details.ReportedAt);
        Assert.Empty(IncidentRules.Validate(command, Valid.Now));
    }

    [Fact]
    public void Report_SetsTheDeadlineTheNodesRulesGive()
    {
        var command = Valid.Report();
        var rules = new ReportingRules(SeriousDays: 7);

        var incident = IncidentLifecycle.Report(Identifiers.NewIncidentId(Valid.Node), Valid.Node, command, rules, Valid.Now);

        Assert.Equal(rules.DeadlineFor(incident.Details), incident.Deadline);
        Assert.Equal(command.Details.AwareAt!.Value.AddDays(7), incident.Deadline!.DueAt);
    }

    [Fact]
    public void Report_TrimsTheTitleAndStoresBlankOptionalTextAsAbsent()
    {
        var command = new ReportIncident(Valid.Occurrence() with
        {
            Title = "  Chest pain under-ranked ",
            SystemId = "",
            ProductId = "  acme.example/triage-assist ",
            Reporter = "   ",
        });

        var details = IncidentLifecycle.Report(Identifiers.NewIncidentId(Valid.Node), Valid.Node, command, ReportingRules.EuAiActArticle73, Valid.Now).Details;

        Assert.Equal("Chest pain under-ranked", details.Title);
        Assert.Null(details.SystemId);
        Assert.Equal("acme.example/triage-assist", details.ProductId);
        Assert.Null(details.Reporter);
    }

    [Theory]
    [InlineData(new[] { "KE" }, false)]
    [InlineData(new[] { "KE", "UG" }, true)]
    [InlineData(new[] { "KE", "UG", "TZ" }, true)]
    public void CrossBorder_IsTrueOnlyForMoreThanOneAffectedJurisdiction(string[] jurisdictions, bool expected)
    {
        var details = Valid.Occurrence() with { AffectedJurisdictions = jurisdictions };

        Assert.Equal(expected, details.CrossBorder);
    }

    [Fact]
    public void TheDocumentedTable_AndTheIllegalSteps_CoverEveryPair()
    {
        var statuses = Enum.GetValues<IncidentStatus>().Length;

        var covered = LegalSteps().Count() + IllegalSteps().Count();

        Assert.Equal(statuses * statuses, covered);
    }

    [Theory]
    [MemberData(nameof(LegalSteps))]
    public void Transition_ALegalStep_MovesToTheTargetAndRecordsItInTheHistory(IncidentStatus from, IncidentStatus to)
    {
        var current = Valid.IncidentAt(from, version: 4);
        var later = Valid.Now.AddHours(2);

        var outcome = IncidentLifecycle.Transition(current, new TransitionIncident(current.Id, to, "  Confirmed with the hospital. ", 4), later);

        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        var next = outcome.Value!;
        Assert.Equal(to, next.Status);
        Assert.Equal(5, next.Version);
        Assert.Equal(later, next.UpdatedAt);
        Assert.Equal(current.History.Count + 1, next.History.Count);
        Assert.Equal(current.History, next.History.Take(current.History.Count));
        Assert.Equal(new IncidentEvent(to, "Confirmed with the hospital.", later), next.History[^1]);
    }

    [Theory]
    [MemberData(nameof(IllegalSteps))]
    public void Transition_AnIllegalStep_IsRefusedNamingWhatIsAllowed(IncidentStatus from, IncidentStatus to)
    {
        var current = Valid.IncidentAt(from);
        var allowed = Documented.Where(s => s.From == from).Select(s => EnumNames.ToSnake(s.To)).ToHashSet();

        var outcome = IncidentLifecycle.Transition(current, new TransitionIncident(current.Id, to, null, 0), Valid.Now);

        Assert.Equal(ErrorKind.IllegalTransition, outcome.Error?.Kind);
        Assert.Contains(EnumNames.ToSnake(from), outcome.Error!.Message, StringComparison.Ordinal);
        Assert.Contains(EnumNames.ToSnake(to), outcome.Error.Message, StringComparison.Ordinal);
        Assert.Equal(allowed, Violations.AllowedIn(outcome.Error.Message));
    }

    [Theory]
    [MemberData(nameof(LegalSteps))]
    public void IsAllowed_ForALegalStep_IsTrue(IncidentStatus from, IncidentStatus to) =>
        Assert.True(IncidentLifecycle.IsAllowed(from, to));

    [Theory]
    [MemberData(nameof(IllegalSteps))]
    public void IsAllowed_ForAnIllegalStep_IsFalse(IncidentStatus from, IncidentStatus to) =>
        Assert.False(IncidentLifecycle.IsAllowed(from, to));

    [Theory]
    [InlineData(IncidentStatus.Reported, true)]
    [InlineData(IncidentStatus.Triaged, true)]
    [InlineData(IncidentStatus.Investigating, true)]
    [InlineData(IncidentStatus.Mitigated, false)]
    [InlineData(IncidentStatus.Closed, false)]
    public void IsOpen_IsTrueUntilMitigatedOrClosed(IncidentStatus status, bool open) =>
        Assert.Equal(open, IncidentLifecycle.IsOpen(status));

    [Theory]
    [InlineData(3, 2)]
    [InlineData(3, 4)]
    public void Transition_WithStaleExpectedVersion_IsAVersionConflictNamingExpectedVersion(int current, int expected)
    {
        var incident = Valid.IncidentAt(IncidentStatus.Reported, version: current);

        var outcome = IncidentLifecycle.Transition(incident, new TransitionIncident(incident.Id, IncidentStatus.Triaged, null, expected), Valid.Now);

        Assert.Equal(ErrorKind.VersionConflict, outcome.Error?.Kind);
        Assert.Equal("expected_version", Assert.Single(outcome.Error!.Violations).Field);
    }

    [Fact]
    public void Transition_WithExpectedVersionZero_AppliesToAnyCurrentVersion()
    {
        var incident = Valid.IncidentAt(IncidentStatus.Reported, version: 9);

        var outcome = IncidentLifecycle.Transition(incident, new TransitionIncident(incident.Id, IncidentStatus.Triaged, null, 0), Valid.Now);

        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        Assert.Equal(10, outcome.Value!.Version);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Transition_WithBlankNote_RecordsNoNote(string? note)
    {
        var incident = Valid.IncidentAt(IncidentStatus.Reported);

        var outcome = IncidentLifecycle.Transition(incident, new TransitionIncident(incident.Id, IncidentStatus.Triaged, note, 0), Valid.Now);

        Assert.Null(outcome.Value!.History[^1].Note);
    }

    [Fact]
    public void Transition_ThroughEveryStep_GrowsTheHistoryInOrderAndTheVersionByOne()
    {
        var t = Valid.Now;
        var incident = IncidentLifecycle.Report(Identifiers.NewIncidentId(Valid.Node), Valid.Node, Valid.Report(), ReportingRules.EuAiActArticle73, t);
        IncidentStatus[] steps = [IncidentStatus.Triaged, IncidentStatus.Investigating, IncidentStatus.Mitigated, IncidentStatus.Closed];

        foreach (var step in steps)
        {
            t = t.AddHours(1);
            var outcome = IncidentLifecycle.Transition(incident, new TransitionIncident(incident.Id, step, null, incident.Version), t);
            Assert.True(outcome.IsSuccess, outcome.Error?.Message);
            Assert.Equal(incident.Version + 1, outcome.Value!.Version);
            incident = outcome.Value;
        }

        Assert.Equal([IncidentStatus.Reported, .. steps], incident.History.Select(e => e.Status));
        Assert.Equal(incident.History.Select(e => e.At).Order(), incident.History.Select(e => e.At));
        Assert.Equal(5, incident.Version);
    }
}
