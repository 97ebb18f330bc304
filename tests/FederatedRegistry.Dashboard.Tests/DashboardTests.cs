using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using FederatedRegistry.Node.Hosting;
using Microsoft.Playwright;

namespace FederatedRegistry.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class DashboardTests(DemoFederationFixture federation)
{
    [Fact]
    public async Task NationalDashboard_AsAuthority_LoadsWithoutErrors_AndChartsShowTheSeededSummary()
    {
        var ke = federation.Node("KE");
        using var api = federation.As(ke, Roles.Authority);
        var summary = await DemoFederationFixture.GetJsonAsync(api, "/v1/summary");
        // So that the screenshot shows the witness verdicts, not peers still waiting for their first check.
        await federation.WaitUntilItWitnessedEveryPeerAsync(ke);
        await using var dashboard = await DashboardPage.OpenAsync(federation.Browser, ke.Http);

        await dashboard.LoadAsync();
        await dashboard.SignInAsync(federation.Token(ke, Roles.Authority));

        Assert.Equal("ready", await dashboard.Page.GetAttributeAsync("body", "data-state"));
        Assert.NotEqual("0", summary["totalSystems"]?.ToString() ?? "0");
        Assert.Equal(Expected(summary, "systems", "risk_tier"), await dashboard.ChartAsync("chart-risk-tier"));
        Assert.Equal(Expected(summary, "systems", "category"), await dashboard.ChartAsync("chart-category"));
        Assert.Equal(Expected(summary, "systems", "status"), await dashboard.ChartAsync("chart-status"));
        Assert.Equal(Expected(summary, "incidents", "severity"), await dashboard.ChartAsync("chart-incident-severity"));
        Assert.Equal(Expected(summary, "incidents", "month").OrderBy(c => c.Label, StringComparer.Ordinal),
            await dashboard.ChartAsync("chart-incident-month"));
        Assert.True(await dashboard.Page.Locator("#policy .grant").CountAsync() > 0, "The policy's grants are not shown.");
        Assert.True(await dashboard.Page.Locator("#incident-rows tr").CountAsync() > 0, "No open incident is listed.");
        Assert.Equal("intact", await dashboard.Page.GetAttributeAsync("#audit-verdict", "data-state"));
        await dashboard.Page.ScreenshotAsync(new() { Path = DemoFederationFixture.ScreenshotPath("dashboard.png"), FullPage = true });
        Assert.Empty(dashboard.Errors);
    }

    [Fact]
    public async Task IncidentSearch_KeepsOnlyTheMatchingRows()
    {
        var ke = federation.Node("KE");
        await using var dashboard = await DashboardPage.OpenAsync(federation.Browser, ke.Http);
        await dashboard.LoadAsync();
        await dashboard.SignInAsync(federation.Token(ke, Roles.Authority));
        var first = dashboard.Page.Locator("#incident-rows tr").First;
        var id = await first.Locator("td").First.InnerTextAsync();

        await dashboard.Page.FillAsync("#incident-search", id);

        var rows = dashboard.Page.Locator("#incident-rows tr");
        Assert.Equal(1, await rows.CountAsync());
        Assert.Equal(id, await rows.First.Locator("td").First.InnerTextAsync());
        Assert.Empty(dashboard.Errors);
    }

    [Fact]
    public async Task AlertsInbox_AuthorityAcknowledgesAnAlert_AndTheApiShowsItAcknowledged()
    {
        var fr = federation.Node("FR");
        using var api = federation.As(fr, Roles.Authority);
        string? alertId = null;
        // KE's seeded cross-border incidents that affect FR reach FR through KE's outbox, in the background.
        await DemoFederationFixture.Eventually(async () =>
        {
            var alerts = (await DemoFederationFixture.GetJsonAsync(api, "/v1/alerts"))["alerts"]?.AsArray() ?? [];
            alertId = alerts.Select(a => a!.AsObject()).FirstOrDefault(a => a["acknowledgedAt"] is null)?["id"]?.GetValue<string>();
            return alertId is not null;
        }, "FR receives an alert it has not acknowledged");
        await using var dashboard = await DashboardPage.OpenAsync(federation.Browser, fr.Http);
        await dashboard.LoadAsync();
        await dashboard.SignInAsync(federation.Token(fr, Roles.Authority));

        await dashboard.Page.ClickAsync($"#alerts-rows button[data-alert-id='{alertId}']");

        await dashboard.Page.Locator($"#alerts-rows tr[data-alert-id='{alertId}'] button").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        var alert = (await DemoFederationFixture.GetJsonAsync(api, "/v1/alerts"))["alerts"]!.AsArray()
            .Select(a => a!.AsObject()).Single(a => (string?)a["id"] == alertId);
        Assert.NotNull(alert["acknowledgedAt"]);
        Assert.Equal("Acknowledged on the dashboard", (string?)alert["acknowledgementNote"]);
        Assert.Contains("Acknowledged on the dashboard", await dashboard.Page.InnerTextAsync($"#alerts-rows tr[data-alert-id='{alertId}']"), StringComparison.Ordinal);
        Assert.Empty(dashboard.Errors);
    }

    [Fact]
    public async Task ObserverFederationView_ShowsEveryNationalPeer_WithProvenance()
    {
        var intl = federation.Node("INTL");
        await using var dashboard = await DashboardPage.OpenAsync(federation.Browser, intl.Http);
        await dashboard.LoadAsync();

        await dashboard.SignInAsync(federation.Token(intl, Roles.Observer));

        Assert.Equal("observer", await dashboard.Page.GetAttributeAsync("body", "data-role"));
        Assert.True(await dashboard.Page.IsHiddenAsync("#national-view"));
        var rows = await dashboard.Page.Locator("#federation-rows tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.node)");
        var unanswered = await dashboard.Page.Locator("#federation-unanswered li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.node)");
        Assert.Equal(["BR", "FR", "KE"], rows.Concat(unanswered).Order(StringComparer.Ordinal));
        Assert.NotEmpty(rows);
        foreach (var node in rows)
        {
            var text = await dashboard.Page.InnerTextAsync($"#federation-rows tr[data-node='{node}']");
            Assert.Contains("verified", text, StringComparison.Ordinal);
            Assert.DoesNotContain("NOT verified", text, StringComparison.Ordinal);
        }
        Assert.True(await dashboard.Page.Locator("#federation-totals tr").CountAsync() > 0, "No totals are shown.");
        await dashboard.Page.ScreenshotAsync(new() { Path = DemoFederationFixture.ScreenshotPath("federation.png"), FullPage = true });
        Assert.Empty(dashboard.Errors);
    }

    [Fact]
    public async Task Anonymous_SeesOnlyThePublicRegister()
    {
        var ke = federation.Node("KE");
        using var anonymous = DemoFederationFixture.Anonymous(ke);
        var register = (await DemoFederationFixture.GetJsonAsync(anonymous, "/v1/systems?pageSize=25"))["systems"]?.AsArray() ?? [];
        await using var dashboard = await DashboardPage.OpenAsync(federation.Browser, ke.Http);

        await dashboard.LoadAsync();

        Assert.Equal("ready", await dashboard.Page.GetAttributeAsync("body", "data-state"));
        Assert.NotEmpty(register);
        var ids = await dashboard.Page.Locator("#register-rows tr td:first-child").AllInnerTextsAsync();
        Assert.Equal(register.Select(s => (string)s!["id"]!).Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        Assert.All(await dashboard.Page.Locator("#register-rows tr td:nth-child(6)").AllInnerTextsAsync(), status => Assert.Equal("registered", status));
        foreach (var section in new[] { "#charts", "#incidents", "#alerts", "#policy" })
        {
            Assert.True(await dashboard.Page.IsHiddenAsync(section), $"{section} is shown to an anonymous visitor.");
        }
        Assert.Empty(dashboard.Errors);
    }

    [Fact]
    public async Task Root_AnswersBrowsersWithTheDashboard_AndOtherClientsWithTheJsonDocument()
    {
        using var client = DemoFederationFixture.Anonymous(federation.Node("KE"));
        using var html = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { Accept = { new MediaTypeWithQualityHeaderValue("text/html") } } };
        using var json = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { Accept = { new MediaTypeWithQualityHeaderValue("application/json") } } };

        using var page = await client.SendAsync(html);
        using var document = await client.SendAsync(json);

        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("/v1/node", (string?)JsonNode.Parse(await document.Content.ReadAsStringAsync())!["node"]);
        using var library = await client.GetAsync("/lib/chart.umd.js");
        Assert.True(library.IsSuccessStatusCode, "The charting library is not served by the node.");
    }

    private static List<(string Label, long Count)> Expected(JsonObject summary, string dataset, string dimension) =>
        [.. (summary["cells"]?.AsArray() ?? [])
            .Select(c => c!.AsObject())
            .Where(c => (string?)c["dataset"] == dataset && (string?)c["dimension"] == dimension)
            .Select(c => (((string)c["value"]!).Replace('_', ' '), long.Parse(c["count"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture)))];
}
