using System.Globalization;
using CsCheck;

namespace FederatedRegistry.Storage.Tests;

/// <summary>For any sequence of upserts, whatever their versions, the running counts match the rows they describe.</summary>
public abstract class CountsPropertyTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>
    where TDatabase : StorageDatabase
{
    private static readonly Gen<Upsert> GenSystem = Gen.Select(
        Gen.Int[0, 3],
        Gen.Int[1, 6],
        Gen.OneOf("draft", "submitted", "registered", "suspended"),
        Gen.OneOf<string?>(null, "high", "limited"),
        Gen.OneOf<string?>(null, "high", "minimal"),
        Gen.OneOf("health", "finance", "education"),
        (id, version, status, proposed, decided, category) => new Upsert(
            TestRows.System($"KE-SYS-{id}", version) with { Status = status, ProposedRiskTier = proposed, DecidedRiskTier = decided, Category = category },
            null));

    private static readonly Gen<Upsert> GenIncident = Gen.Select(
        Gen.Int[0, 3],
        Gen.Int[1, 6],
        Gen.OneOf("reported", "triaged", "closed"),
        Gen.OneOf("critical", "serious", "minor"),
        Gen.OneOf("economic", "privacy_and_data", "discrimination_and_bias").Array[0, 3],
        Gen.Int[1, 3],
        (id, version, status, severity, harmTypes, month) => new Upsert(
            null,
            TestRows.Incident($"KE-INC-{id}", version) with
            {
                Status = status,
                Severity = severity,
                HarmTypes = harmTypes,
                // Late on the last day of a month west of UTC: already the next month in UTC.
                OccurredAt = new DateTimeOffset(2026, month, 28, 23, 0, 0, TimeSpan.FromHours(-3)),
            }));

    [Fact]
    public async Task Counts_AfterAnySequenceOfUpserts_EqualCountsRecomputedFromTheFinalRows()
    {
        var index = database.Index;

        await Gen.OneOf(GenSystem, GenIncident).List[1, 25].SampleAsync(
            async upserts =>
            {
                await database.ExecuteAsync("DELETE FROM registry_systems; DELETE FROM registry_incidents; DELETE FROM registry_counts;");
                foreach (var upsert in upserts)
                {
                    await (upsert.System is { } system ? index.UpsertSystemAsync(system) : index.UpsertIncidentAsync(upsert.Incident!));
                }

                var systems = await ReadAllAsync(token => index.QuerySystemsAsync(new SystemQuery { PageSize = 500, PageToken = token }));
                var incidents = await ReadAllAsync(token => index.QueryIncidentsAsync(new IncidentQuery { PageSize = 500, PageToken = token }));

                Assert.Equal(Recount(systems, incidents), await index.ReadCountsAsync());
                AssertEachRowIsItsFirstHighestVersion(upserts, systems, incidents);
            },
            iter: 40,
            threads: 1);
    }

    // Deliberately independent of the index's own bucket code.
    private static List<CountRow> Recount(IEnumerable<SystemRow> systems, IEnumerable<IncidentRow> incidents)
    {
        var buckets = systems.SelectMany(s => new[]
        {
            ("systems", "status", s.Status),
            ("systems", "risk_tier", s.DecidedRiskTier ?? s.ProposedRiskTier ?? "unspecified"),
            ("systems", "category", s.Category),
        }).Concat(incidents.SelectMany(i => new[]
        {
            ("incidents", "status", i.Status),
            ("incidents", "severity", i.Severity),
            ("incidents", "month", i.OccurredAt.ToUniversalTime().ToString("yyyy-MM", CultureInfo.InvariantCulture)),
        }.Concat(i.HarmTypes.Distinct().Select(h => ("incidents", "harm_type", h)))));

        return [.. buckets
            .GroupBy(b => b)
            .Select(g => new CountRow(g.Key.Item1, g.Key.Item2, g.Key.Item3, g.Count()))
            .OrderBy(c => c.Dataset, StringComparer.Ordinal)
            .ThenBy(c => c.Dimension, StringComparer.Ordinal)
            .ThenBy(c => c.Value, StringComparer.Ordinal)];
    }

    private static void AssertEachRowIsItsFirstHighestVersion(List<Upsert> upserts, List<SystemRow> systems, List<IncidentRow> incidents)
    {
        var expectedSystems = upserts.Where(u => u.System is not null).Select(u => u.System!)
            .GroupBy(s => s.Id).Select(g => g.First(s => s.StateVersion == g.Max(x => x.StateVersion))).OrderBy(s => s.Id, StringComparer.Ordinal).ToList();
        var expectedIncidents = upserts.Where(u => u.Incident is not null).Select(u => u.Incident!)
            .GroupBy(i => i.Id).Select(g => g.First(i => i.StateVersion == g.Max(x => x.StateVersion))).OrderBy(i => i.Id, StringComparer.Ordinal).ToList();

        Assert.Equal(expectedSystems.Count, systems.Count);
        Assert.Equal(expectedIncidents.Count, incidents.Count);
        foreach (var (expected, actual) in expectedSystems.Zip(systems))
        {
            TestRows.AssertSame(expected, actual);
        }

        foreach (var (expected, actual) in expectedIncidents.Zip(incidents))
        {
            TestRows.AssertSame(expected with { OccurredAt = expected.OccurredAt.ToUniversalTime() }, actual);
        }
    }

    private static async Task<List<T>> ReadAllAsync<T>(Func<string?, Task<Page<T>>> readPage)
    {
        var rows = new List<T>();
        string? token = null;
        do
        {
            var page = await readPage(token);
            rows.AddRange(page.Items);
            token = page.NextPageToken;
        }
        while (token is not null);

        return rows;
    }

    public sealed record Upsert(SystemRow? System, IncidentRow? Incident)
    {
        public override string ToString() => System is { } s
            ? $"system {s.Id} v{s.StateVersion} {s.Status}/{s.ProposedRiskTier ?? "-"}/{s.DecidedRiskTier ?? "-"}/{s.Category}"
            : $"incident {Incident!.Id} v{Incident.StateVersion} {Incident.Status}/{Incident.Severity}/[{string.Join(",", Incident.HarmTypes)}]/{Incident.OccurredAt:O}";
    }
}

public sealed class PostgresCountsPropertyTests(PostgresDatabase database) : CountsPropertyTests<PostgresDatabase>(database);

public sealed class SqliteCountsPropertyTests(SqliteDatabase database) : CountsPropertyTests<SqliteDatabase>(database);
