using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Grains;
using FederatedRegistry.Node.Hosting;
using FederatedRegistry.Node.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace FederatedRegistry.Node.Tests.Startup;

/// <summary>
/// Registration and incident grains leave memory after Orleans:RecordCollectionAge without a call, so that a bulk
/// import does not keep one activation per row for Orleans' default of 15 minutes; other grains keep the default.
/// </summary>
public sealed class RecordCollectionAgeTests
{
    [Theory]
    [InlineData(null, 60)]
    [InlineData("00:05:00", 300)]
    public async Task RecordGrains_AreCollectedAfterTheConfiguredAge_OtherGrainsAfterOrleansDefault(string? configured, int expectedSeconds)
    {
        var collection = await CollectionOptionsAsync("Orleans:RecordCollectionAge", configured);

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), collection.ClassSpecificCollectionAge[typeof(SystemGrain).FullName!]);
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), collection.ClassSpecificCollectionAge[typeof(IncidentGrain).FullName!]);
        Assert.False(collection.ClassSpecificCollectionAge.ContainsKey(typeof(ProviderGrain).FullName!));
        Assert.Equal(TimeSpan.FromMinutes(15), collection.CollectionAge);
    }

    [Theory]
    [InlineData(null, 30)]
    [InlineData("00:00:10", 10)]
    public async Task TheSiloLooksForIdleGrainsEveryCollectionQuantum(string? configured, int expectedSeconds)
    {
        var collection = await CollectionOptionsAsync("Orleans:CollectionQuantum", configured);

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), collection.CollectionQuantum);
    }

    [Fact]
    public async Task RegistrationGrains_LeaveMemoryAfterTheirAgeWithoutACall_AndAreReadBackOnTheNext()
    {
        const string Destroyed = "orleans_catalog_activation_destroyed_total";
        var settings = NodeSettings.Embedded().With("Orleans:CollectionQuantum", "00:00:01").With("Orleans:RecordCollectionAge", "00:00:02");
        await using var node = await InProcessNode.StartAsync(settings);
        using var scraper = node.Client.As("");
        var before = await PrometheusScrape.ReadAsync(scraper.Http);
        var provider = await node.Client.Grpc.CreateProviderAsync(Messages.Provider(), deadline: NodeClient.Deadline);
        var registered = new List<AiSystem>();
        for (var i = 0; i < 3; i++)
        {
            registered.Add(await node.Client.Grpc.RegisterSystemAsync(Messages.Registration(provider.Id, submit: false), deadline: NodeClient.Deadline));
        }

        // Left alone, each registration's grain is collected: what keeps a bulk import's memory from growing with its rows.
        await Eventually.True(async () =>
        {
            var scrape = await PrometheusScrape.ReadAsync(scraper.Http);
            return PrometheusScrape.Delta(before, scrape, Destroyed, ("grain_type", "system")) >= 3;
        }, "three registration grains deactivated in /metrics");

        var again = await node.Client.Grpc.GetSystemAsync(new GetSystemRequest { Id = registered[0].Id }, deadline: NodeClient.Deadline);
        Assert.Equal(registered[0], again);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("false", false)]
    public async Task UnderMemoryPressure_TheSiloShedsGrains_UnlessTurnedOff(string? configured, bool expected)
    {
        var collection = await CollectionOptionsAsync("Orleans:ShedGrainsUnderMemoryPressure", configured);

        Assert.Equal(expected, collection.EnableActivationSheddingOnMemoryPressure);
        Assert.True(collection.MemoryUsageTargetPercentage < collection.MemoryUsageLimitPercentage);
    }

    // What Orleans' collector is given, as the node builds it from one setting (not started).
    private static async Task<GrainCollectionOptions> CollectionOptionsAsync(string key, string? value)
    {
        await using var app = NodeHost.Build([], NodeSettings.Embedded().With(key, value).Values);
        return app.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;
    }
}
