using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FederatedRegistry.Node.Hosting;

/// <summary>
/// What Kubernetes (and an operator) asks the node: is the process up (<see cref="LivePath"/>), may it take traffic
/// (<see cref="ReadyPath"/>: silo active, database reachable, schema current), has it finished starting
/// (<see cref="StartupPath"/>). The gRPC health service answers as readiness does. All of them anonymous, never rate
/// limited, on the national ports only.
/// </summary>
public static class NodeHealth
{
    /// <summary>Every health route starts with this segment (the rate limiter exempts it).</summary>
    public const string PathPrefix = "/health";

    /// <summary>The process answers; nothing it depends on is asked, so a slow database never gets the pod restarted.</summary>
    public const string LivePath = PathPrefix + "/live";

    /// <summary>The node may take traffic: the silo is active, the database answers and has every schema script applied.</summary>
    public const string ReadyPath = PathPrefix + "/ready";

    /// <summary>The node has finished starting: schema applied, silo started, read model recovered.</summary>
    public const string StartupPath = PathPrefix + "/startup";

    /// <summary>The route the node had before the probes were split: readiness, kept for the clients that use it.</summary>
    public const string LegacyPath = "/healthz";

    /// <summary>Tags that choose which checks each route runs.</summary>
    public static class Tags
    {
        public const string Live = "live";
        public const string Ready = "ready";
        public const string Startup = "startup";
    }

    /// <summary>The names of the checks, as the JSON body lists them.</summary>
    public static class Checks
    {
        public const string Process = "process";
        public const string Silo = "silo";
        public const string Database = "database";
        public const string Schema = "schema";
        public const string Startup = "startup";
    }

    // Below the readiness probe's timeoutSeconds (5 in the chart), so the node answers 503 with the check that hung
    // rather than letting the kubelet time out without a reason. The checks run in parallel.
    private static readonly TimeSpan ReadyCheckTimeout = TimeSpan.FromSeconds(4);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The checks, tagged by the routes that run them, and the gRPC health service mirroring readiness.</summary>
    public static WebApplicationBuilder AddNodeHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SiloActivity>();
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloActivity>());
        builder.Services
            .AddGrpcHealthChecks(o =>
            {
                static bool Ready(Grpc.AspNetCore.HealthChecks.HealthCheckMapContext check) => check.Tags.Contains(Tags.Ready);
                o.Services.Map("", Ready);
                o.Services.Map(Contracts.V1.Registry.Descriptor.FullName, Ready);
                o.Services.Map(Contracts.V1.Federation.Descriptor.FullName, Ready);
            })
            .AddCheck(Checks.Process, () => HealthCheckResult.Healthy("the process answers; dependencies are not asked here"), [Tags.Live])
            .AddCheck<SiloHealthCheck>(Checks.Silo, HealthStatus.Unhealthy, [Tags.Ready], ReadyCheckTimeout)
            .AddCheck<DatabaseHealthCheck>(Checks.Database, HealthStatus.Unhealthy, [Tags.Ready], ReadyCheckTimeout)
            .AddCheck<SchemaHealthCheck>(Checks.Schema, HealthStatus.Unhealthy, [Tags.Ready], ReadyCheckTimeout)
            .AddCheck<StartupHealthCheck>(Checks.Startup, HealthStatus.Unhealthy, [Tags.Startup]);
        return builder;
    }

    /// <summary>The health routes, anonymous (probes carry no token); after authentication and the rate limiter, which exempts them.</summary>
    public static IEndpointRouteBuilder MapNodeHealth(this IEndpointRouteBuilder app)
    {
        Map(app, LivePath, Tags.Live);
        Map(app, ReadyPath, Tags.Ready);
        Map(app, StartupPath, Tags.Startup);
        Map(app, LegacyPath, Tags.Ready);
        return app;
    }

    private static void Map(IEndpointRouteBuilder app, string path, string tag) =>
        app.MapHealthChecks(path, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(tag),
            ResponseWriter = WriteAsync,
        }).AllowAnonymous();

    /// <summary>
    /// The overall status and each check with its status and description, so that an operator sees why a node is not
    /// ready: <c>{"status":"unhealthy","checks":{"database":{"status":"unhealthy","description":"...","durationMs":3}}}</c>.
    /// </summary>
    internal static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var body = new HealthBody(
            Name(report.Status),
            report.Entries.ToDictionary(
                e => e.Key,
                e => new HealthCheckBody(Name(e.Value.Status), e.Value.Description ?? e.Value.Exception?.Message, (long)e.Value.Duration.TotalMilliseconds),
                StringComparer.Ordinal));
        return context.Response.WriteAsJsonAsync(body, Json, context.RequestAborted);
    }

    private static string Name(HealthStatus status) => status.ToString().ToLowerInvariant();

    private sealed record HealthBody(string Status, IReadOnlyDictionary<string, HealthCheckBody> Checks);

    private sealed record HealthCheckBody(string Status, string? Description, long DurationMs);
}
