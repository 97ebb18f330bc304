using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FederatedRegistry.Node.Tests.Support;

/// <summary>
/// The real node (Program.cs, silo, storage, API) in this process, on real Kestrel sockets: the HTTP/1.1 and h2c
/// endpoints come from <c>Kestrel:Endpoints</c> as in a deployment, so clients talk to it over loopback TCP.
/// </summary>
public sealed class InProcessNode : IAsyncDisposable
{
    // Hosts built from one entry point are intercepted through a process-wide diagnostic listener; build them one at a time.
    private static readonly SemaphoreSlim Starting = new(1, 1);

    private readonly Factory _factory;

    private InProcessNode(NodeSettings settings, Factory factory)
    {
        Settings = settings;
        _factory = factory;
        Client = new NodeClient(settings.HttpAddress, settings.GrpcAddress);
    }

    public NodeSettings Settings { get; }

    public NodeClient Client { get; }

    /// <summary>Starts the node and waits until it is ready (<c>/health/ready</c>).</summary>
    /// <param name="settings">The node's configuration.</param>
    /// <param name="services">Services of the test's own, added after the node's (e.g. a span collector).</param>
    public static async Task<InProcessNode> StartAsync(NodeSettings settings, Action<IServiceCollection>? services = null)
    {
        Factory factory;
        await Starting.WaitAsync();
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                factory = new Factory(settings, services);
                try
                {
                    factory.UseKestrel();
                    factory.StartServer();
                    break;
                }
                catch (IOException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
                {
                    // A port that was free when chosen was taken before Kestrel bound it; choose others.
                    await factory.DisposeAsync();
                    settings.AssignFreePorts();
                }
                catch
                {
                    await factory.DisposeAsync();
                    throw;
                }
            }
        }
        finally
        {
            Starting.Release();
        }

        var node = new InProcessNode(settings, factory);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (!await node.Client.IsHealthyAsync(timeout.Token))
        {
            await Task.Delay(100, timeout.Token);
        }
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
    }

    private sealed class Factory(NodeSettings settings, Action<IServiceCollection>? services) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            // Host settings reach WebApplication.CreateBuilder as arguments, so Program.cs sees them while it builds.
            builder.UseEnvironment("Production");
            foreach (var (key, value) in settings.Values)
            {
                builder.UseSetting(key, value);
            }
            if (services is not null)
            {
                builder.ConfigureServices(services);
            }
        }
    }
}
