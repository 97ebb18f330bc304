using System.Diagnostics.Metrics;
using System.Reflection;
using FederatedRegistry.Federation;
using FederatedRegistry.Grains;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FederatedRegistry.Node.Hosting;

/// <summary>
/// Traces (ASP.NET Core, gRPC client, Orleans grain calls, Npgsql) and metrics (the node's own, ASP.NET Core, .NET
/// runtime) with OpenTelemetry; a Prometheus scrape endpoint at <c>/metrics</c>, and OTLP export when
/// OTEL_EXPORTER_OTLP_ENDPOINT is set (the exporter reads the other OTEL_* variables itself).
/// </summary>
public static class NodeTelemetry
{
    /// <summary>The service name when OTEL_SERVICE_NAME does not give one.</summary>
    public const string DefaultServiceName = "fedreg-node";

    /// <summary>The resource attribute that carries Node:Code.</summary>
    public const string NodeCodeAttribute = "fedreg.node.code";

    /// <summary>Where Prometheus scrapes the node, on its HTTP (and h2c) endpoints, never on the federation endpoint.</summary>
    public static readonly PathString MetricsPath = "/metrics";

    private static readonly PathString HealthPath = NodeHealth.PathPrefix;
    private static readonly PathString LegacyHealthPath = NodeHealth.LegacyPath;
    private static readonly PathString GrpcHealthPath = "/grpc.health.v1.Health";

    private static readonly string[] OrleansActivitySources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    private const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>Label sets kept per Orleans instrument: far more than the node has grain types.</summary>
    private const int OrleansLabelSets = 200;

    private static readonly string? SoftwareVersion =
        typeof(NodeTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0];

    /// <summary>The node's meters and gauges, the OpenTelemetry providers, and activity propagation through grain calls.</summary>
    public static WebApplicationBuilder AddNodeTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>();
        builder.Services.AddSingleton<NodeMetrics>();
        builder.Services.AddSingleton<FederationMetrics>();
        builder.Services.AddHostedService<GaugeRefreshService>();

        // The silo is already configured (AddRegistrySilo): a second UseOrleans adds to the same silo builder.
        builder.UseOrleans(silo => silo.AddActivityPropagation());

        var nodeCode = builder.Configuration[$"{NodeOptions.Section}:{nameof(NodeOptions.Code)}"] ?? "";
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(DefaultServiceName, serviceVersion: SoftwareVersion)
                .AddAttributes([new(NodeCodeAttribute, nodeCode)])
                // Again, last: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (the chart's pod name as service.instance.id) win.
                .AddEnvironmentVariableDetector())
            .WithTracing(tracing => tracing
                // Probes and scrapes every few seconds would bury the requests worth tracing.
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsProbeOrScrape(context.Request.Path))
                .AddGrpcClientInstrumentation()
                .AddSource(OrleansActivitySources)
                .AddNpgsql())
            .WithMetrics(metrics => metrics
                .AddMeter(FederationMetrics.MeterName)
                // Orleans' own: activations created and destroyed per grain type among them, which the node's memory follows.
                .AddMeter(OrleansMeter)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());

        // Meters made by a host's IMeterFactory are seen by every listener in the process. Several nodes share one
        // process in the demo and the tests: each reports only the meters of its own host (and the process-wide ones).
        //
        // OpenTelemetry reserves room for 2,000 label sets per instrument when it is published. Orleans publishes dozens
        // while the silo is built, labelled at most by grain type: the smaller room took 16 MB off the node's memory at
        // ready, and that allocation off its start (bench/README.md, Fixes).
        builder.Services.ConfigureOpenTelemetryMeterProvider((services, metrics) =>
        {
            var own = services.GetRequiredService<IMeterFactory>();
            metrics.AddView(instrument =>
                instrument.Meter.Scope is { } scope && !ReferenceEquals(scope, own) ? MetricStreamConfiguration.Drop :
                instrument.Meter.Name == OrleansMeter ? new MetricStreamConfiguration { CardinalityLimit = OrleansLabelSets } : null);
        });

        // Without an endpoint the exporter would send to localhost:4317 and log a failure for every batch.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry
                .WithLogging(configureBuilder: null, configureOptions: o =>
                {
                    o.IncludeFormattedMessage = true;
                    o.IncludeScopes = true;
                })
                .UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>The Prometheus scrape endpoint: anonymous, like health, and (FederationEndpoint.Separate) not on the federation port.</summary>
    public static WebApplication MapNodeTelemetry(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsPath).AllowAnonymous();
        return app;
    }

    private static bool IsProbeOrScrape(PathString path) =>
        path.StartsWithSegments(MetricsPath) || path.StartsWithSegments(HealthPath) || path.StartsWithSegments(LegacyHealthPath) ||
        path.StartsWithSegments(GrpcHealthPath);
}
