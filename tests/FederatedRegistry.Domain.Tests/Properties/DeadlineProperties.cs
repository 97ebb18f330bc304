using CsCheck;

namespace FederatedRegistry.Domain.Tests.Properties;

public sealed class DeadlineProperties
{
    private const long Iterations = 2_000;

    private static readonly Gen<ReportingRules> Rules =
        Gen.Select(Gen.Int[0, 365], Gen.Int[0, 365], Gen.Int[0, 365], Gen.Int[0, 365], Generators.Nullable(Gen.Int[0, 365]),
            (w, c, d, s, o) => new ReportingRules(w, c, d, s, o));

    private static readonly Gen<IncidentStatus> Status = Gen.Enum<IncidentStatus>();

    /// <summary>Offsets from the deadline: exactly on it and a tick either side often, else anywhere within 40 days.</summary>
    private static readonly Gen<long> TicksFromDeadline =
        Gen.Frequency((1, Gen.Long[-1, 1]), (4, Gen.Long[-40 * TimeSpan.TicksPerDay, 40 * TimeSpan.TicksPerDay]));

    private static Incident Recorded(IncidentDetails details, ReportingRules rules, IncidentStatus status) =>
        IncidentLifecycle.Report(Identifiers.NewIncidentId(Valid.Node), Valid.Node, new ReportIncident(details), rules, Generators.Now) with { Status = status };

    [Fact]
    public void IsOverdue_ForAnyNow_IsTrueExactlyAfterTheDeadlineWhileReportedTriagedOrInvestigating() =>
        Gen.Select(Generators.Occurrence, Rules, Status, TicksFromDeadline).Sample((details, rules, status, offset) =>
        {
            var incident = Recorded(details, rules, status);
            var open = status is IncidentStatus.Reported or IncidentStatus.Triaged or IncidentStatus.Investigating;

            if (incident.Deadline is not { } deadline)
            {
                Assert.False(incident.IsOverdue(details.AwareAt!.Value.AddTicks(Math.Abs(offset))));
                return;
            }
            var now = deadline.DueAt.AddTicks(offset);

            Assert.Equal(offset > 0 && open, incident.IsOverdue(now));
        }, iter: Iterations);

    [Fact]
    public void IsOverdue_OnceTrue_StaysTrueLaterWhileTheStatusIsUnchanged() =>
        Gen.Select(Generators.Occurrence, Status, TicksFromDeadline, Gen.Long[0, 400 * TimeSpan.TicksPerDay]).Sample((details, status, offset, later) =>
        {
            var incident = Recorded(details, ReportingRules.EuAiActArticle73, status);
            var now = (incident.Deadline?.DueAt ?? Generators.Now).AddTicks(offset);

            if (incident.IsOverdue(now))
            {
                Assert.True(incident.IsOverdue(now.AddTicks(later)));
            }
        }, iter: Iterations);

    [Fact]
    public void DeadlineFor_AnyIncident_IsAwarenessPlusTheDaysOfTheRuleItNames() =>
        Gen.Select(Generators.Occurrence, Rules).Sample((details, rules) =>
        {
            var deadline = rules.DeadlineFor(details);
            var serious = details.Severity is Severity.Critical or Severity.Serious;

            if (deadline is null)
            {
                Assert.False(details.Widespread || details.ResultedInDeath || serious || rules.OtherDays is not null);
                return;
            }
            var days = deadline.Rule switch
            {
                "widespread_infringement" => rules.WidespreadInfringementDays,
                "critical_infrastructure" => rules.CriticalInfrastructureDays,
                "death" => rules.DeathDays,
                "serious" => rules.SeriousDays,
                "other" => rules.OtherDays!.Value,
                _ => throw new Xunit.Sdk.XunitException($"Unknown rule {deadline.Rule}"),
            };
            Assert.Equal(details.AwareAt!.Value.AddDays(days), deadline.DueAt);
        }, iter: Iterations);

    /// <summary>A graver incident never gets more time: adding a death, a widespread infringement or critical-infrastructure harm never delays the deadline.</summary>
    [Fact]
    public void DeadlineFor_AnAggravatingFact_NeverDelaysOrRemovesTheDeadline() =>
        Gen.Select(Generators.Occurrence, Rules, Gen.Int[0, 2]).Sample((details, rules, fact) =>
        {
            var graver = fact switch
            {
                0 => details with { ResultedInDeath = true },
                1 => details with { Widespread = true },
                _ => details with { HarmTypes = [.. details.HarmTypes.Append(HarmType.CriticalInfrastructure).Distinct()] },
            };

            var before = rules.DeadlineFor(details);
            var after = rules.DeadlineFor(graver);

            if (before is not null)
            {
                Assert.NotNull(after);
                Assert.True(after.DueAt <= before.DueAt, $"{before} became {after}");
            }
        }, iter: Iterations);
}
