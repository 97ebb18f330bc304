using FederatedRegistry.Node.Api;

namespace FederatedRegistry.Node.Hosting;

/// <summary>Builds one node: silo, storage, sharing, federation and API, from configuration.</summary>
public static class NodeHost
{
    /// <summary>
    /// The node as configured by <paramref name="args"/> (and appsettings, environment), with <paramref name="settings"/>
    /// applied last: how the demo runs several nodes in one process.
    /// </summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is missing or wrong; the failures name the keys.</exception>
    /// <param name="args">The command line.</param>
    /// <param name="settings">Settings that override every other source.</param>
    /// <param name="environment">The host environment, when not the one ASPNETCORE_ENVIRONMENT names (the demo runs its nodes in Development).</param>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? settings = null, string? environment = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, EnvironmentName = environment });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        builder.AddNodeOptions();
        builder.AddRegistryStorage();
        builder.AddRegistrySilo();
        builder.AddNodeSharing();
        builder.AddNodeAudit();
        builder.AddNodeAuth();
        builder.AddNodeLimits();
        builder.AddRegistryApi();
        builder.AddNodeHealth();
        builder.AddNodeTelemetry();

        var app = builder.Build();
        app.UseRequestArrival();
        app.UseFederationEndpoint();
        app.MapRegistryApi();
        app.MapNodeTelemetry();
        return app;
    }
}
