using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FederatedRegistry.Node.Demo;
using FederatedRegistry.Node.Hosting;
using FederatedRegistry.Testing;
using Microsoft.Playwright;

namespace FederatedRegistry.Dashboard.Tests;

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DemoFederationFixture>
{
    public const string Name = "dashboard";
}

/// <summary>
/// The demo federation (KE, FR, BR national, INTL observer) in this process on free ports, seeded by the demo through
/// the API, with Development tokens minted from each node's data directory as <c>fedreg-node token</c> does; and one
/// headless Chromium (the system's /usr/bin/chromium: browser downloads are impossible where these tests run).
/// </summary>
public sealed class DemoFederationFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"fedreg-dashboard-{Environment.ProcessId}-{Guid.NewGuid():N}");
    private RunningFederation? _federation;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public DemoNode Node(string code) => _federation!.Nodes.Single(n => n.Code == code);

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium package (apt-get install chromium); tests/run.sh does so as root.");
        }
        using var start = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        for (var attempt = 1; _federation is null; attempt++)
        {
            var root = Path.Combine(_root, attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
            try
            {
                _federation = await DemoFederation.StartAsync(
                    // Checkpoints after every seal, and peers witnessing each other every two seconds: the audit panel has
                    // verdicts to show soon after the start.
                    [$"--Node:DataDirectory={root}", "--Demo:BasePort=0", "--Audit:CheckpointInterval=00:00:00", "--Audit:WitnessInterval=00:00:02"],
                    TextWriter.Null, start.Token);
            }
            catch (Exception e) when (attempt < 3 && IsAddressInUse(e))
            {
                // The demo picks free ports before binding them; on a shared machine another process can take one first.
            }
        }
        // The pages read the latest audit checkpoint; wait for the first, so that no page meets the 404 that precedes it.
        foreach (var node in _federation.Nodes)
        {
            await Eventually(async () => (await Anonymous(node).GetAsync("/v1/audit/checkpoints/latest")).StatusCode == HttpStatusCode.OK,
                $"{node.Code} signs its first audit checkpoint");
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (_federation is not null)
        {
            await _federation.DisposeAsync();
        }
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open at exit is left in the temporary directory; the run's result does not depend on it.
        }
    }

    private static bool IsAddressInUse(Exception? e) =>
        e is not null && (e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse }
            || e.GetType().Name == "AddressInUseException"
            || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase)
            || IsAddressInUse(e.InnerException)
            || (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsAddressInUse)));

    /// <summary>A token the node accepts, signed with the Development key in its data directory (what <c>fedreg-node token</c> prints).</summary>
    public string Token(DemoNode node, string role)
    {
        using var key = DevelopmentTokens.LoadOrCreateKey(node.DataDirectory);
        return DevelopmentTokens.Mint(key, DevelopmentTokens.Issuer, DevelopmentTokens.AudienceFor(node.Code), $"dashboard-test-{role}", role,
            null, TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
    }

    public static HttpClient Anonymous(DemoNode node) => new() { BaseAddress = node.Http };

    public HttpClient As(DemoNode node, string role) =>
        new() { BaseAddress = node.Http, DefaultRequestHeaders = { Authorization = new("Bearer", Token(node, role)) } };

    public static async Task<JsonObject> GetJsonAsync(HttpClient client, string path) =>
        (await client.GetFromJsonAsync<JsonObject>(path))!;

    /// <summary>Waits (polling, up to two minutes) for something the federation does in the background, such as delivering alerts.</summary>
    public static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (!await condition())
        {
            try
            {
                await Task.Delay(200, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Waited two minutes for: {what}.");
            }
        }
    }

    /// <summary>Waits until <paramref name="node"/> has verified a checkpoint of every peer and found it consistent.</summary>
    public async Task WaitUntilItWitnessedEveryPeerAsync(DemoNode node)
    {
        using var api = As(node, Roles.Authority);
        var others = _federation!.Nodes.Where(n => n != node).Select(n => n.Code).Order(StringComparer.Ordinal).ToList();
        await Eventually(async () =>
        {
            var peers = (await GetJsonAsync(api, "/v1/audit/witnessed"))["peers"]?.AsArray() ?? [];
            var consistent = peers.Where(p => (string?)p!["status"] == "consistent").Select(p => (string)p!["peer"]!).Order(StringComparer.Ordinal);
            return consistent.SequenceEqual(others);
        }, $"{node.Code} witnesses every peer's audit log");
    }

    /// <summary>Waits until every other node keeps a verified checkpoint of <paramref name="node"/> of at least <paramref name="minimumSize"/> entries.</summary>
    public async Task WaitUntilWitnessedByEveryPeerAsync(DemoNode node, long minimumSize)
    {
        foreach (var witness in _federation!.Nodes.Where(n => n != node))
        {
            using var api = As(witness, Roles.Authority);
            await Eventually(async () =>
            {
                var peers = (await GetJsonAsync(api, "/v1/audit/witnessed"))["peers"]?.AsArray() ?? [];
                var seen = peers.Select(p => p!.AsObject()).SingleOrDefault(p => (string?)p["peer"] == node.Code);
                return seen is not null && (string?)seen["status"] == "consistent" && seen["lastSeen"]?["size"] is { } size &&
                    long.Parse(size.ToString(), System.Globalization.CultureInfo.InvariantCulture) >= minimumSize;
            }, $"{witness.Code} keeps a checkpoint of {node.Code} of at least {minimumSize} entries");
        }
    }

    /// <summary>Where the committed screenshots live: docs/screenshots at the repository root.</summary>
    public static string ScreenshotPath(string name)
    {
        var screenshots = Path.Combine(RepositoryCheckout.TryFindRoot() ?? AppContext.BaseDirectory, "docs", "screenshots");
        Directory.CreateDirectory(screenshots);
        return Path.Combine(screenshots, name);
    }
}
