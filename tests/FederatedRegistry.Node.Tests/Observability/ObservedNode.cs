using System.Collections.Concurrent;
using System.Diagnostics;
using FederatedRegistry.Node.Tests.Support;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace FederatedRegistry.Node.Tests.Observability;

/// <summary>
/// A node whose gauges refresh five times a second and whose tracer also hands every finished span to the test:
/// the tests read its /metrics as Prometheus would, without a token, and its spans as an exporter would get them.
/// </summary>
public sealed class ObservedNodeFixture : IAsyncLifetime
{
    private readonly ConcurrentQueue<Activity> _spans = new();
    private InProcessNode? _node;

    public NodeClient Client => _node!.Client;

    /// <summary>A client of the node that sends no token, as a Prometheus scraper does.</summary>
    public NodeClient Anonymous { get; private set; } = null!;

    /// <summary>Every span the node's tracer provider has finished so far.</summary>
    public IReadOnlyList<Activity> Spans => [.. _spans];

    public async Task InitializeAsync()
    {
        var settings = NodeSettings.Embedded().With("Telemetry:RefreshInterval", "00:00:00.200");
        _node = await InProcessNode.StartAsync(settings,
            services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new Collector(_spans))));
        Anonymous = _node.Client.As("");
    }

    public async Task DisposeAsync()
    {
        Anonymous?.Dispose();
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
    }

    private sealed class Collector(ConcurrentQueue<Activity> spans) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => spans.Enqueue(data);
    }
}

[CollectionDefinition(Name)]
public sealed class ObservedNodeCollection : ICollectionFixture<ObservedNodeFixture>
{
    public const string Name = "observed node";
}
