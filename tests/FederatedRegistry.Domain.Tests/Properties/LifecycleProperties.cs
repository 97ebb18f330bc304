using CsCheck;
using FederatedRegistry.Domain.Tests.Incidents;
using FederatedRegistry.Domain.Tests.Registrations;

namespace FederatedRegistry.Domain.Tests.Properties;

/// <summary>Random sequences of steps stay inside the documented lifecycles, and every change is the next version.</summary>
public sealed class LifecycleProperties
{
    private const long Iterations = 1_000;

    /// <summary>One step a provider or an authority might try, possibly with a stale expected version.</summary>
    private sealed record SystemStep(bool IsUpdate, Decision Decision, bool Submit, bool Stale);

    private static readonly Gen<SystemStep> SystemSteps =
        Gen.Select(Gen.Int[0, 3], Gen.Enum<Decision>(), Gen.Bool, Gen.Int[0, 9],
            (kind, decision, submit, stale) => new SystemStep(kind == 0, decision, submit, stale == 0));

    /// <summary>What the documented lifecycle says a step leads to; null when the step is illegal.</summary>
    private static SystemStatus? Expected(SystemStatus status, SystemStep step)
    {
        if (!step.IsUpdate)
        {
            return SystemLifecycleTests.Documented.TryGetValue((status, step.Decision), out var to) ? to : null;
        }
        var reopened = status is SystemStatus.Rejected or SystemStatus.Withdrawn ? SystemStatus.Draft : status;
        if (!step.Submit)
        {
            return reopened;
        }
        return reopened == SystemStatus.Draft ? SystemStatus.Submitted : null;
    }

    [Fact]
    public void SystemLifecycle_UnderAnySequenceOfSteps_FollowsTheTableAndIncreasesTheVersionByOne()
    {
        var reachable = SystemLifecycleTests.Documented.Values.Append(SystemStatus.Draft).Append(SystemStatus.Submitted).ToHashSet();

        Gen.Select(Gen.Bool, SystemSteps.Array[1, 40]).Sample((submitFirst, steps) =>
        {
            var now = Valid.Now;
            var system = SystemLifecycle.Register(Valid.Node, Valid.Register(submitFirst), now);
            Assert.Equal(1, system.Version);

            foreach (var step in steps)
            {
                now = now.AddMinutes(1);
                var expectedVersion = step.Stale ? system.Version + 1 : system.Version;
                var outcome = step.IsUpdate
                    ? SystemLifecycle.Update(system, Valid.Update(expectedVersion, step.Submit), now)
                    : SystemLifecycle.Decide(system, Valid.Decide(step.Decision, expectedVersion), now);

                if (step.Stale)
                {
                    Assert.Equal(ErrorKind.VersionConflict, outcome.Error?.Kind);
                    continue;
                }
                if (Expected(system.Status, step) is not { } expected)
                {
                    Assert.Equal(ErrorKind.IllegalTransition, outcome.Error?.Kind);
                    continue;
                }
                Assert.True(outcome.IsSuccess, outcome.Error?.Message);
                var next = outcome.Value.System;
                Assert.Equal(expected, next.Status);
                Assert.Contains(next.Status, reachable);
                Assert.Equal(system.Version + 1, next.Version);
                Assert.True(next.UpdatedAt > system.UpdatedAt);
                Assert.Equal(system.Id, next.Id);
                system = next;
            }
        }, iter: Iterations);
    }

    private sealed record IncidentStep(IncidentStatus To, bool Stale);

    private static readonly Gen<IncidentStep> IncidentSteps =
        Gen.Select(Gen.Enum<IncidentStatus>(), Gen.Int[0, 9], (to, stale) => new IncidentStep(to, stale == 0));

    [Fact]
    public void IncidentLifecycle_UnderAnySequenceOfSteps_FollowsTheTableAndGrowsTheHistory()
    {
        IncidentSteps.Array[1, 20].Sample(steps =>
        {
            var now = Valid.Now;
            var incident = IncidentLifecycle.Report(Identifiers.NewIncidentId(Valid.Node), Valid.Node, Valid.Report(), ReportingRules.EuAiActArticle73, now);

            foreach (var step in steps)
            {
                now = now.AddMinutes(1);
                var expectedVersion = step.Stale ? incident.Version + 1 : incident.Version;
                var outcome = IncidentLifecycle.Transition(incident, new TransitionIncident(incident.Id, step.To, null, expectedVersion), now);

                if (step.Stale)
                {
                    Assert.Equal(ErrorKind.VersionConflict, outcome.Error?.Kind);
                    continue;
                }
                if (!IncidentLifecycleTests.Documented.Contains((incident.Status, step.To)))
                {
                    Assert.Equal(ErrorKind.IllegalTransition, outcome.Error?.Kind);
                    continue;
                }
                Assert.True(outcome.IsSuccess, outcome.Error?.Message);
                var next = outcome.Value!;
                Assert.Equal(step.To, next.Status);
                Assert.Equal(incident.Version + 1, next.Version);
                Assert.Equal(incident.History.Count + 1, next.History.Count);
                Assert.Equal(next.Status, next.History[^1].Status);
                Assert.Equal(incident.Deadline, next.Deadline);
                incident = next;
            }

            Assert.Equal(incident.Version, incident.History.Count);
        }, iter: Iterations);
    }
}
