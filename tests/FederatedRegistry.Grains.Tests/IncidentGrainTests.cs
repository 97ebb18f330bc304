using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Incidents;

namespace FederatedRegistry.Grains.Tests;

[Collection(RegistryClusterCollection.Name)]
public sealed class IncidentGrainTests(RegistryCluster fixture)
{
    private IIncidentGrain NewIncident(out string id)
    {
        id = Identifiers.NewIncidentId(RegistryCluster.NodeCode);
        return fixture.Grains.GetGrain<IIncidentGrain>(id);
    }

    [Fact]
    public async Task Report_FixesTheDeadlineFromTheNodesRules()
    {
        var aware = fixture.Clock.GetUtcNow().AddDays(-1);
        var grain = NewIncident(out var id);

        var serious = await grain.ReportAsync(new ReportIncident(Commands.Incident(aware, Severity.Serious)));
        var minor = await NewIncident(out _).ReportAsync(new ReportIncident(Commands.Incident(aware, Severity.Minor)));

        Assert.Equal(id, serious.Value!.Id);
        Assert.Equal(aware.AddDays(15), serious.Value.Deadline!.DueAt);
        Assert.Equal("serious", serious.Value.Deadline.Rule);
        // The test node configures 30 days for incidents that are not serious.
        Assert.Equal(aware.AddDays(30), minor.Value!.Deadline!.DueAt);
    }

    [Fact]
    public async Task Overdue_FollowsTheClockWithoutAnyTimerFiring()
    {
        var aware = fixture.Clock.GetUtcNow();
        var grain = NewIncident(out _);
        await grain.ReportAsync(new ReportIncident(Commands.Incident(aware, Severity.Critical)));
        var stored = await grain.GetAsync();

        Assert.False(stored!.IsOverdue(aware.AddDays(14)));
        Assert.True(stored.IsOverdue(aware.AddDays(16)));
    }

    [Fact]
    public async Task Transitions_FollowTheLifecycle_AndKeepHistory()
    {
        var grain = NewIncident(out var id);
        await grain.ReportAsync(new ReportIncident(Commands.Incident(fixture.Clock.GetUtcNow().AddHours(-2))));

        var triaged = await grain.TransitionAsync(new TransitionIncident(id, IncidentStatus.Triaged, "Confirmed", 1));
        var skipped = await grain.TransitionAsync(new TransitionIncident(id, IncidentStatus.Mitigated, null, 0));
        var stale = await grain.TransitionAsync(new TransitionIncident(id, IncidentStatus.Investigating, null, 1));

        Assert.Equal(IncidentStatus.Triaged, triaged.Value!.Status);
        Assert.Equal(ErrorKind.IllegalTransition, skipped.Error?.Kind);
        Assert.Equal(ErrorKind.VersionConflict, stale.Error?.Kind);
        var stored = await grain.GetAsync();
        Assert.Equal([IncidentStatus.Reported, IncidentStatus.Triaged], stored!.History.Select(h => h.Status));
        Assert.Equal("Confirmed", stored.History[1].Note);
    }

    [Fact]
    public async Task Report_UnderATakenId_IsRefused()
    {
        var grain = NewIncident(out _);
        var details = Commands.Incident(fixture.Clock.GetUtcNow().AddHours(-1));
        await grain.ReportAsync(new ReportIncident(details));

        var again = await grain.ReportAsync(new ReportIncident(details with { Title = "Different" }));

        Assert.Equal(ErrorKind.AlreadyExists, again.Error?.Kind);
        Assert.Equal(details.Title, (await grain.GetAsync())!.Details.Title);
    }
}
