using FederatedRegistry.Node.Hosting;
using Google.Protobuf.Reflection;
using Microsoft.OpenApi.Models;

namespace FederatedRegistry.Node.Api;

public static class RegistryApiSetup
{
    /// <summary>gRPC services, their HTTP/JSON transcoding and OpenAPI document, and the gRPC reflection service.</summary>
    public static WebApplicationBuilder AddRegistryApi(this WebApplicationBuilder builder)
    {
        builder.Services
            .AddGrpc(o =>
            {
                o.Interceptors.Add<UnexpectedErrorInterceptor>();
                o.Interceptors.Add<ActorInterceptor>();
            })
            // Without the error detail types in the registry, a status carrying BadRequest becomes an empty HTTP 500.
            .AddJsonTranscoding(o => o.TypeRegistry = TypeRegistry.FromFiles(Google.Rpc.ErrorDetailsReflection.Descriptor));
        builder.Services.AddGrpcReflection();

        builder.Services.AddGrpcSwagger();
        builder.Services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "FederatedRegistry national API",
                Version = "v1",
                Description = "Providers, AI system registrations, incidents, the node's summary and sharing policy, alerts, advisories and federation queries, from protos/fedreg/v1/registry.proto.",
            });
            var contracts = Path.Combine(AppContext.BaseDirectory, "FederatedRegistry.Contracts.xml");
            if (File.Exists(contracts))
            {
                o.IncludeGrpcXmlComments(contracts, includeControllerXmlComments: true);
            }
        });
        return builder;
    }

    /// <summary>The middleware in order, and the routes: the APIs, reflection, health (<see cref="NodeHealth"/>), OpenAPI.</summary>
    public static WebApplication MapRegistryApi(this WebApplication app)
    {
        app.UseSwagger(o => o.RouteTemplate = "openapi/{documentName}.json");
        app.UseDashboardFiles();
        app.UseAuthentication();
        app.UseCallerRateLimits();
        app.UseAuthorization();
        app.UseRequestBodyLimits();
        // Each rule is declared on the service's methods; what is not declared is the authority's alone (the fallback policy).
        app.MapGrpcService<RegistryApi>();
        app.MapGrpcService<FederationApi>();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapGrpcReflectionService().AllowAnonymous();
        app.MapNodeHealth();
        app.MapGet("/", (HttpContext context) => Dashboard.Root(context, new
        {
            service = "FederatedRegistry node",
            openapi = "/openapi/v1.json",
            node = "/v1/node",
            dashboard = "/ (Accept: text/html)",
            health = new { live = NodeHealth.LivePath, ready = NodeHealth.ReadyPath, startup = NodeHealth.StartupPath },
        })).AllowAnonymous();
        return app;
    }
}
