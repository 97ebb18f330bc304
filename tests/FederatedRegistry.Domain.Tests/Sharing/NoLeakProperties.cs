using CsCheck;
using FederatedRegistry.Domain.Sharing;
using Xunit.Abstractions;

namespace FederatedRegistry.Domain.Tests.Sharing;

/// <summary>
/// The no-leak property (DESIGN.md, quality bar "No leak"): for generated policies, callers, registries and
/// incidents, nothing leaves that the policy does not allow. Each case's policy is written to JSON and parsed back
/// first, so the policies are those a node would load. The expectations are computed here from the domain records
/// and the grants, independently of the evaluator's code: coverage, filters and alert conditions are read off the
/// domain objects, not the shared records.
/// </summary>
public sealed class NoLeakProperties(ITestOutputHelper output)
{
    private const long Iterations = 10_000;

    private sealed record Case(
        SharingPolicy Policy,
        Caller Caller,
        AiSystem[] Systems,
        Incident[] Incidents,
        SharedDataset SummaryDataset,
        string[] Dimensions,
        CountCell[] ExtraCells);

    private static readonly string[] NeverShared = ["Secret Reporter", "private note"];

    /// <summary>Dimensions a grant covering the caller lists (often), any catalogue dimensions, none, or an unknown one.</summary>
    private static Gen<string[]> Request(SharingPolicy policy, Caller caller, SharedDataset dataset)
    {
        var granted = policy.Grants.Where(g => Covers(g.Audience, caller)).Select(g => g.For(dataset)?.Summary?.Dimensions).OfType<IReadOnlyList<string>>().ToArray();
        var any = SharingGenerators.Shuffled(SharingCatalogue.Dimensions(dataset)).Select(d => d.Take(3).ToArray());
        var fromGrant = granted.Length == 0 ? any : Gen.OneOf(granted).SelectMany(d => SharingGenerators.Shuffled(d)).Select(d => d.Take(3).ToArray());
        return Gen.Frequency((6, fromGrant), (3, any), (1, Gen.OneOf<string[]>([], ["colour"], ["status", "status"])));
    }

    private static readonly Gen<Case> Cases =
        Gen.Select(SharingGenerators.Policy, SharingGenerators.Caller, SharingGenerators.System.Array[0, 12], SharingGenerators.Incident.Array[0, 12],
                Gen.OneOf(SharedDataset.Systems, SharedDataset.Incidents))
            .SelectMany((policy, caller, systems, incidents, dataset) =>
                Request(policy, caller, dataset).SelectMany(dimensions =>
                    (dimensions.All(d => SharingCatalogue.IsDimension(dataset, d)) && dimensions.Distinct().Count() == dimensions.Length && dimensions.Length > 0
                        ? SharingGenerators.Cells(dataset, dimensions)
                        : Gen.Const(Array.Empty<CountCell>()))
                    .Select(extra => new Case(policy, caller, systems, incidents, dataset, dimensions, extra))));

    private static int _summariesAnswered, _cellsShown, _cellsWithheld, _recordsShared, _alertsSent, _denied;

    [Fact]
    public void NothingLeavesThatThePolicyDoesNotAllow()
    {
        _summariesAnswered = _cellsShown = _cellsWithheld = _recordsShared = _alertsSent = _denied = 0;

        Cases.Sample(c =>
        {
            var policy = ThroughJson(c.Policy);
            CheckSummary(c, policy);
            CheckRecords(policy, c.Caller, SharedDataset.Systems, c.Systems, [.. c.Systems.Select(SharedRecords.From)], PassesSystem);
            CheckRecords(policy, c.Caller, SharedDataset.Incidents, c.Incidents, [.. c.Incidents.Select(SharedRecords.From)], PassesIncident);
            foreach (var incident in c.Incidents.Take(3))
            {
                CheckAlerts(policy, incident);
            }
            Assert.Equal(Covering(policy, c.Caller).Any(g => g.Advisories), SharingEvaluator.MayReceiveAdvisories(policy, c.Caller));
        }, iter: Iterations, print: c => $"{SharingPolicyDocument.Write(c.Policy)}\ncaller {c.Caller}, summary of {c.SummaryDataset} by [{string.Join(", ", c.Dimensions)}]");

        output.WriteLine($"{Iterations} cases: {_summariesAnswered} summaries answered, {_cellsShown} cells shown, {_cellsWithheld} withheld, " +
            $"{_recordsShared} records shared, {_alertsSent} alerts sent, {_denied} refusals");
        // The property is not vacuous: every kind of disclosure, and refusals, happened many times.
        Assert.True(_summariesAnswered > Iterations / 20, $"{_summariesAnswered} summaries answered");
        Assert.True(_cellsShown > Iterations / 10, $"{_cellsShown} cells shown");
        Assert.True(_cellsWithheld > Iterations / 10, $"{_cellsWithheld} cells withheld");
        Assert.True(_recordsShared > Iterations / 10, $"{_recordsShared} records shared");
        Assert.True(_alertsSent > Iterations / 20, $"{_alertsSent} alerts sent");
        Assert.True(_denied > Iterations / 10, $"{_denied} refusals");
    }

    private static SharingPolicy ThroughJson(SharingPolicy policy)
    {
        var parsed = SharingPolicyDocument.Parse(SharingPolicyDocument.Write(policy), SharingGenerators.Owner);
        Assert.True(parsed.IsSuccess, parsed.Error?.Message);
        return parsed.Value!;
    }

    // Written from the audience rules, not from Audiences.Covers.
    private static bool Covers(string audience, Caller caller)
    {
        var wellFormed = caller.Role switch
        {
            NodeRole.National => CountryCodes.IsAssigned(caller.NodeCode),
            NodeRole.Observer => Identifiers.IsNodeCode(caller.NodeCode),
            _ => false,
        };
        if (!wellFormed || caller.NodeCode == SharingGenerators.Owner)
        {
            return false;
        }
        return audience == caller.NodeCode
            || (audience == "observers" && caller.Role == NodeRole.Observer)
            || (audience == "all-peers" && caller.Role == NodeRole.National);
    }

    private static List<AudienceGrant> Covering(SharingPolicy policy, Caller caller) => [.. policy.Grants.Where(g => Covers(g.Audience, caller))];

    private static void CheckSummary(Case c, SharingPolicy policy)
    {
        var dataset = c.SummaryDataset;
        var valid = c.Dimensions.Length > 0 && c.Dimensions.Distinct().Count() == c.Dimensions.Length && c.Dimensions.All(d => SharingCatalogue.IsDimension(dataset, d));
        CountCell[] cells = valid
            ? [.. (dataset == SharedDataset.Systems ? SharedRecords.Tabulate(c.Systems, c.Dimensions) : SharedRecords.Tabulate(c.Incidents, c.Dimensions)), .. c.ExtraCells]
            : [];
        var summaries = Covering(policy, c.Caller).Select(g => g.For(dataset)?.Summary).OfType<SummaryGrant>().ToList();
        var allowing = summaries.Where(g => c.Dimensions.All(g.Dimensions.Contains)).ToList();

        var outcome = SharingEvaluator.Summary(policy, c.Caller, dataset, c.Dimensions, cells);

        if (summaries.Count == 0 || (valid && allowing.Count == 0))
        {
            Assert.Equal(ErrorKind.PermissionDenied, outcome.Error?.Kind);
            Interlocked.Increment(ref _denied);
            return;
        }
        if (!valid)
        {
            Assert.Equal(ErrorKind.Invalid, outcome.Error?.Kind);
            return;
        }
        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        var answer = outcome.Value!;
        var k = allowing.Min(g => g.MinCount);
        var merged = cells.GroupBy(cell => string.Join('/', cell.Values)).ToDictionary(g => g.Key, g => g.Sum(cell => cell.Count));

        Assert.Equal(policy.Version, answer.PolicyVersion);
        Assert.Equal(dataset, answer.Dataset);
        Assert.Equal(c.Dimensions, answer.Dimensions);
        Assert.Equal(k, answer.MinCount);
        Assert.All(answer.Cells, cell =>
        {
            Assert.Equal(c.Dimensions.Length, cell.Values.Count);
            Assert.True(cell.Count >= k, $"cell {cell} is below k = {k}");
            Assert.Equal(merged[string.Join('/', cell.Values)], cell.Count);
        });
        Assert.Equal(merged.Where(m => m.Value >= k).Select(m => m.Key).Order(StringComparer.Ordinal),
            answer.Cells.Select(cell => string.Join('/', cell.Values)).Order(StringComparer.Ordinal));

        // Withheld cells cannot be recomputed from the answer: whatever they hold (emptied, or raised to k - 1, or a
        // new small combination), the answer is the same.
        var withheld = merged.Where(m => m.Value < k).Select(m => m.Key).ToHashSet();
        CountCell[] emptied = [.. cells.Select(cell => withheld.Contains(string.Join('/', cell.Values)) ? cell with { Count = 0 } : cell)];
        CountCell[] raised =
        [
            .. cells.Where(cell => !withheld.Contains(string.Join('/', cell.Values))),
            .. cells.Where(cell => withheld.Contains(string.Join('/', cell.Values))).DistinctBy(cell => string.Join('/', cell.Values)).Select(cell => cell with { Count = k - 1 }),
        ];
        foreach (var variant in new[] { emptied, raised, [.. cells.Where(cell => !withheld.Contains(string.Join('/', cell.Values)))] })
        {
            var other = SharingEvaluator.Summary(policy, c.Caller, dataset, c.Dimensions, variant).Value!;
            Assert.Equal(answer.Cells, other.Cells);
            Assert.Equal((answer.PolicyVersion, answer.MinCount), (other.PolicyVersion, other.MinCount));
        }

        Interlocked.Increment(ref _summariesAnswered);
        Interlocked.Add(ref _cellsShown, answer.Cells.Count);
        Interlocked.Add(ref _cellsWithheld, withheld.Count);
    }

    private static void CheckRecords<T>(SharingPolicy policy, Caller caller, SharedDataset dataset, T[] records, SharedRecord[] shared, Func<RecordsGrant, T, bool> passes)
    {
        var grants = Covering(policy, caller).Select(g => g.For(dataset)?.Records).OfType<RecordsGrant>().ToList();

        var outcome = SharingEvaluator.Records(policy, caller, dataset, shared);

        if (grants.Count == 0)
        {
            Assert.Equal(ErrorKind.PermissionDenied, outcome.Error?.Kind);
            Interlocked.Increment(ref _denied);
            return;
        }
        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        Assert.Equal(policy.Version, outcome.Value!.PolicyVersion);
        var expected = records
            .Select((record, i) => (Shared: shared[i], Fields: grants.Where(g => passes(g, record)).SelectMany(g => g.Fields).ToHashSet()))
            .Where(e => e.Fields.Count > 0)
            .ToList();
        var actual = outcome.Value.Records;
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < actual.Count; i++)
        {
            Assert.Equal(expected[i].Fields.Order(StringComparer.Ordinal), actual[i].Fields.Keys);
            Assert.Equal(expected[i].Shared.Project(expected[i].Fields), actual[i]);
            NothingSecretIn(actual[i]);
        }
        Interlocked.Add(ref _recordsShared, actual.Count);
    }

    private static void CheckAlerts(SharingPolicy policy, Incident incident)
    {
        Caller[] peers =
        [
            .. SharingGenerators.Codes.Select(c => new Caller(c, CountryCodes.IsAssigned(c) ? NodeRole.National : NodeRole.Observer)),
            new("INTL", NodeRole.National), new("FR", NodeRole.Observer), new("fr", NodeRole.National),
        ];
        var record = SharedRecords.From(incident);
        var expected = peers
            .DistinctBy(p => p.NodeCode)
            .Select(p => (Peer: p, Fields: Covering(policy, p).Select(g => g.Incidents?.Alerts).OfType<AlertsGrant>()
                .Where(a => Triggers(a, incident, p.NodeCode)).SelectMany(a => a.Fields).ToHashSet()))
            .Where(e => e.Fields.Count > 0)
            .ToList();

        var alerts = SharingEvaluator.AlertsFor(policy, incident, peers);

        Assert.Equal(expected.Select(e => e.Peer.NodeCode), alerts.Select(a => a.Recipient));
        for (var i = 0; i < alerts.Count; i++)
        {
            Assert.Equal(policy.Version, alerts[i].PolicyVersion);
            Assert.Equal(record.Project(expected[i].Fields), alerts[i].Incident);
            NothingSecretIn(alerts[i].Incident);
        }
        Interlocked.Add(ref _alertsSent, alerts.Count);
    }

    private static void NothingSecretIn(SharedRecord record)
    {
        Assert.False(record.Has("reporter"));
        Assert.All(record.Fields.Keys, f => Assert.True(SharingCatalogue.IsField(record.Dataset, f), f));
        Assert.DoesNotContain(record.Fields.Values, v => v is string s && NeverShared.Any(secret => s.Contains(secret, StringComparison.Ordinal)));
    }

    private static bool Triggers(AlertsGrant alert, Incident incident, string recipient) =>
        (alert.MinSeverity is null || (incident.Details.Severity is { } s && (int)s <= (int)alert.MinSeverity)) &&
        (!alert.CrossBorderOnly || incident.Details.AffectedJurisdictions.Count > 1) &&
        (!alert.AffectingRecipientOnly || incident.Details.AffectedJurisdictions.Contains(recipient));

    private static bool Term(RecordsGrant grant, string field, Func<IReadOnlyList<string>, bool> holds) =>
        grant.Filter?.FirstOrDefault(t => t.Field == field) is not { } term || holds(term.Values);

    private static bool Named<T>(IReadOnlyList<string> values, T? value) where T : struct, Enum =>
        value is { } v && values.Contains(EnumNames.ToSnake(v));

    private static bool PassesSystem(RecordsGrant grant, AiSystem system)
    {
        var restricted = system.Details.Category is Category.LawEnforcement or Category.MigrationAndBorder;
        return Term(grant, "status", v => Named(v, (SystemStatus?)system.Status))
            && Term(grant, "category", v => Named(v, system.Details.Category))
            && Term(grant, "risk_tier", v => Named(v, system.EffectiveRiskTier))
            && Term(grant, "proposed_risk_tier", v => Named(v, system.Details.ProposedRiskTier))
            && Term(grant, "decided_risk_tier", v => Named(v, system.DecidedRiskTier))
            && Term(grant, "deployment_status", v => Named(v, system.Details.DeploymentStatus))
            && (!restricted || grant.Filter?.Any(t => t.Field == "category") == true);
    }

    private static bool PassesIncident(RecordsGrant grant, Incident incident) =>
        Term(grant, "status", v => Named(v, (IncidentStatus?)incident.Status))
        && Term(grant, "severity", v => Named(v, incident.Details.Severity))
        && Term(grant, "harm_types", v => incident.Details.HarmTypes.Any(h => Named(v, (HarmType?)h)))
        && Term(grant, "suspected_cause", v => Named(v, incident.Details.SuspectedCause));
}
