using System.Text.Json;
using Microsoft.Playwright;

namespace FederatedRegistry.Dashboard.Tests;

/// <summary>One browser tab on a node's dashboard, recording every console error and uncaught exception the page raises.</summary>
public sealed class DashboardPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    private DashboardPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Errors.Add($"console: {message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => Errors.Add($"page error: {error}");
        page.RequestFailed += (_, request) => Errors.Add($"request failed: {request.Url} {request.Failure}");
    }

    private const float PageTimeoutMs = 5 * 60 * 1000;

    public IPage Page { get; }

    public List<string> Errors { get; } = [];

    public static async Task<DashboardPage> OpenAsync(IBrowser browser, Uri node)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = node.ToString(), ViewportSize = new() { Width = 1400, Height = 1000 } });
        // Playwright's 30 s default failed a page load on a machine shared by several builds; this limit only bounds a
        // test that would otherwise hang, and no test measures speed with it.
        context.SetDefaultTimeout(PageTimeoutMs);
        context.SetDefaultNavigationTimeout(PageTimeoutMs);
        return new DashboardPage(context, await context.NewPageAsync());
    }

    /// <summary>Loads <c>/</c> and waits until the page says it finished loading.</summary>
    public async Task LoadAsync()
    {
        await Page.GotoAsync("/");
        await WaitReadyAsync();
    }

    /// <summary>Signs in the way a person does: pastes the token and presses Sign in (the page reloads).</summary>
    public async Task SignInAsync(string token)
    {
        await Page.FillAsync("#token", token);
        // Listening before the click, so the reload cannot slip past; the new document's DOMContentLoaded, not its load
        // event, so that a slow subresource cannot hold the test until its time limit.
        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLoaded(object? sender, IPage page) => reloaded.TrySetResult();
        Page.DOMContentLoaded += OnLoaded;
        try
        {
            await Page.ClickAsync("#sign-in button[type=submit]");
            await reloaded.Task.WaitAsync(TimeSpan.FromMilliseconds(PageTimeoutMs));
        }
        finally
        {
            Page.DOMContentLoaded -= OnLoaded;
        }
        await WaitReadyAsync();
    }

    public async Task WaitReadyAsync() =>
        await Page.WaitForSelectorAsync("body[data-state=ready], body[data-state=failed]", new() { State = WaitForSelectorState.Attached });

    /// <summary>A Chart.js chart's labels and first dataset, as the page drew it.</summary>
    public async Task<IReadOnlyList<(string Label, long Count)>> ChartAsync(string canvasId)
    {
        var data = await Page.EvaluateAsync<JsonElement>(
            "id => { const c = Chart.getChart(id); return c ? { labels: c.data.labels, counts: c.data.datasets[0].data } : null; }", canvasId);
        Assert.True(data.ValueKind == JsonValueKind.Object, $"No chart was drawn on #{canvasId}.");
        var labels = data.GetProperty("labels").EnumerateArray().Select(l => l.GetString() ?? "");
        var counts = data.GetProperty("counts").EnumerateArray().Select(c => c.GetInt64());
        return [.. labels.Zip(counts)];
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
