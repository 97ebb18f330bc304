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
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        builder.AddNodeOptions();
        builder.AddRegistryStorage();
        builder.AddRegistrySilo();
        builder.AddNodeSharing();
        builder.AddRegistryApi();

        var app = builder.Build();
        app.MapRegistryApi();
        return app;
    }
}
