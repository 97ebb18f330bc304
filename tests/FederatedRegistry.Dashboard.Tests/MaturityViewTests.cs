using System.Globalization;
using System.Text.Json.Nodes;
using FederatedRegistry.Node.Demo;
using FederatedRegistry.Node.Hosting;

namespace FederatedRegistry.Dashboard.Tests;

/// <summary>
/// The observer's maturity view against what the demo seeded: each figure is recomputed here from the national nodes'
/// own records (read by their authorities) and their policies, as an auditor of the view would.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class MaturityViewTests(DemoFederationFixture federation)
{
    private static readonly string[] Nationals = ["BR", "FR", "KE"];
    private static readonly string[] Decided = ["registered", "rejected", "suspended", "withdrawn"];
    private static readonly string[] Awaiting = ["submitted", "under_review"];
    private static readonly string[] TriageOrder = ["within_1_day", "within_7_days", "within_30_days", "over_30_days", "not_triaged", "unspecified"];

    /// <summary>What a country shows the observer, computed from its records and the observers' grant of its policy.</summary>
    private sealed record Expected(
        string Node, int? StatusK, long Decided, long Total, int? TriageK, List<(string Bucket, long Count)> Triage, int Advisories, List<string> Hints);

    [Fact]
    public async Task MaturityView_ShowsOneRowPerDemoCountry_WithTheFiguresItsRecordsAndPolicyGive()
    {
        var expected = new List<Expected>();
        foreach (var code in Nationals)
        {
            expected.Add(await ExpectedAsync(federation.Node(code)));
        }
        var intl = federation.Node("INTL");
        using (var observerApi = federation.As(intl, Roles.Observer))
        {
            foreach (var country in expected)
            {
                await DemoFederationFixture.Eventually(async () =>
                    ((await DemoFederationFixture.GetJsonAsync(observerApi, $"/v1/advisories?origin={country.Node}"))["advisories"]?.AsArray().Count ?? 0) == country.Advisories,
                    $"INTL receives {country.Advisories} advisories from {country.Node}");
            }
        }
        await using var dashboard = await DashboardPage.OpenAsync(federation.Browser, intl.Http);
        await dashboard.LoadAsync();

        await dashboard.SignInAsync(federation.Token(intl, Roles.Observer));

        var rows = await dashboard.Page.Locator("#maturity-rows tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.node)");
        Assert.Equal(Nationals, rows);
        foreach (var country in expected)
        {
            var row = dashboard.Page.Locator($"#maturity-rows tr[data-node='{country.Node}']");
            var cells = await row.Locator(":scope > td").AllInnerTextsAsync();

            Assert.Equal(DecidedText(country), cells[1]);
            if (country.TriageK is null)
            {
                Assert.Equal("not shared by policy", cells[2]);
                Assert.Equal("not_shared", await row.GetAttributeAsync("data-triage"));
            }
            else
            {
                var segments = await row.Locator(".stack .segment").EvaluateAllAsync<string[]>("s => s.map(x => `${x.dataset.triage}=${x.dataset.count}`)");
                Assert.Equal(country.Triage.Select(t => $"{t.Bucket}={t.Count}"), segments);
                Assert.Contains(TriageText(country), cells[2], StringComparison.Ordinal);
            }
            Assert.Equal(country.Advisories.ToString(CultureInfo.InvariantCulture), cells[3]);
            var hints = await row.Locator(".hints li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.area)");
            Assert.Equal(country.Hints, hints);
        }
        // The demo's Brazilian authority has an incident backlog, so the view has something to point out.
        Assert.Contains("triage", expected.Single(c => c.Node == "BR").Hints);
        Assert.Empty(dashboard.Errors);
    }

    private static string DecidedText(Expected c)
    {
        var withheld = c.StatusK > 1 ? $"; counts below {c.StatusK} withheld" : "";
        return c.Total == 0
            ? $"nothing to judge (no submitted registration shown{withheld})"
            : $"{Percent((double)c.Decided / c.Total)} decided ({c.Decided} of {c.Total}{withheld})";
    }

    private static string TriageText(Expected c)
    {
        var total = c.Triage.Where(t => t.Bucket != "unspecified").Sum(t => t.Count);
        var within = c.Triage.Where(t => t.Bucket is "within_1_day" or "within_7_days").Sum(t => t.Count);
        var withheld = c.TriageK > 1 ? $"; counts below {c.TriageK} withheld" : "";
        return total == 0
            ? $"nothing to judge (no incident shown{withheld})"
            : $"{Percent((double)within / total)} within 7 days ({within} of {total}{withheld})";
    }

    private static string Percent(double share) =>
        Math.Round(share * 100, MidpointRounding.AwayFromZero).ToString("0", CultureInfo.InvariantCulture) + "%";

    private async Task<Expected> ExpectedAsync(DemoNode node)
    {
        using var api = federation.As(node, Roles.Authority);
        var policy = JsonNode.Parse((string)(await DemoFederationFixture.GetJsonAsync(api, "/v1/policy"))["document"]!)!;
        var observers = policy["grants"]!.AsArray().Single(g => (string?)g!["audience"] == "observers")!["datasets"]!;
        var statusK = Grant(observers["systems"], "status");
        var triageK = Grant(observers["incidents"], "triage_time");

        var statuses = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var system in await AllAsync(api, "/v1/systems?pageSize=500", "systems"))
        {
            var status = Snake((string)system["status"]!, "SYSTEM_STATUS_");
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
        }
        var shownStatuses = statuses.Where(s => statusK is { } k && s.Value >= k).ToDictionary(s => s.Key, s => s.Value);
        var decided = shownStatuses.Where(s => Decided.Contains(s.Key)).Sum(s => s.Value);
        var awaiting = shownStatuses.Where(s => Awaiting.Contains(s.Key)).Sum(s => s.Value);

        var buckets = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var item in await AllAsync(api, "/v1/incidents?pageSize=200", "incidents"))
        {
            var incident = await DemoFederationFixture.GetJsonAsync(api, $"/v1/incidents/{item["id"]}");
            var bucket = TriageBucket(incident["history"]!.AsArray().Select(e => e!.AsObject()).ToList());
            buckets[bucket] = buckets.GetValueOrDefault(bucket) + 1;
        }
        var triage = TriageOrder.Where(b => triageK is { } k && buckets.GetValueOrDefault(b) >= k).Select(b => (b, buckets[b])).ToList();

        // Advisories reach the observer when the observers' grant sends them.
        var advisories = observers["advisories"]?["send"]?.GetValue<bool>() == true
            ? (await DemoFederationFixture.GetJsonAsync(api, "/v1/advisories"))["advisories"]?.AsArray().Count ?? 0
            : 0;

        var hints = new List<string>();
        if (statusK is not null && decided + awaiting > 0 && (double)decided / (decided + awaiting) < 0.60)
        {
            hints.Add("registrations");
        }
        var known = triage.Where(t => t.b != "unspecified").Sum(t => t.Item2);
        var prompt = triage.Where(t => t.b is "within_1_day" or "within_7_days").Sum(t => t.Item2);
        if (triageK is not null && known > 0 && (double)prompt / known < 0.75)
        {
            hints.Add("triage");
        }
        if (advisories < 1)
        {
            hints.Add("advisories");
        }
        return new Expected(node.Code, statusK, decided, decided + awaiting, triageK, triage, advisories, hints);
    }

    /// <summary>The grant's minimum count when it shares the dimension, else null.</summary>
    private static int? Grant(JsonNode? dataset, string dimension)
    {
        var summary = dataset?["summary"];
        return summary?["dimensions"]?.AsArray().Any(d => (string?)d == dimension) == true ? (int?)summary["min_count"] ?? 3 : null;
    }

    /// <summary>From the node's own history: the wait between the reported event and the first that moved the incident on.</summary>
    private static string TriageBucket(List<JsonObject> history)
    {
        var left = history.FirstOrDefault(e => (string?)e["status"] != "INCIDENT_STATUS_REPORTED");
        if (left is null)
        {
            return "not_triaged";
        }
        var waited = At(left) - At(history[0]);
        return waited <= TimeSpan.FromDays(1) ? "within_1_day"
            : waited <= TimeSpan.FromDays(7) ? "within_7_days"
            : waited <= TimeSpan.FromDays(30) ? "within_30_days"
            : "over_30_days";
    }

    private static DateTimeOffset At(JsonObject incidentEvent) =>
        DateTimeOffset.Parse((string)incidentEvent["at"]!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);

    private static string Snake(string value, string prefix) => value[prefix.Length..].ToLowerInvariant();

    private static async Task<List<JsonObject>> AllAsync(HttpClient api, string path, string field)
    {
        var all = new List<JsonObject>();
        string? token = null;
        do
        {
            var page = await DemoFederationFixture.GetJsonAsync(api, token is null ? path : $"{path}&pageToken={Uri.EscapeDataString(token)}");
            all.AddRange((page[field]?.AsArray() ?? []).Select(x => x!.AsObject()));
            token = (string?)page["nextPageToken"] is { Length: > 0 } next ? next : null;
        }
        while (token is not null);
        return all;
    }
}
