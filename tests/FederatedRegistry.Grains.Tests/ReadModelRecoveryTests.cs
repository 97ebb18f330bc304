using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Registrations;
using FederatedRegistry.Grains.Indexing;
using FederatedRegistry.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace FederatedRegistry.Grains.Tests;

[Collection(RegistryClusterCollection.Name)]
public sealed class ReadModelRecoveryTests(RegistryCluster fixture)
{
    [Fact]
    public async Task Recovery_RewritesARegistrationWhoseRowNeverReachedTheReadModel()
    {
        var productId = Commands.NewProductId();
        var id = Identifiers.SystemId(RegistryCluster.NodeCode, productId);
        var grain = fixture.Grains.GetGrain<ISystemGrain>(id);
        await grain.RegisterAsync(Commands.Register(productId, details: Commands.Details(category: Category.Finance)));
        await grain.DecideAsync(new DecideSystem(id, Decision.StartReview, null, null, 0));
        var countsBefore = await fixture.Index.ReadCountsAsync();
        // What a crash right after the state write leaves: state stored, no row and no counts for it.
        await ForgetRowAsync(id);
        // A crash also loses the summary's live counts: make every activation go, as a restart would.
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Null(await fixture.Index.GetSystemAsync(id));

        var repaired = await new ReadModelRecovery(fixture.Grains, fixture.Index, NullLogger<ReadModelRecovery>.Instance)
            .RunAsync(CancellationToken.None);

        Assert.True(repaired >= 1);
        var row = await fixture.Index.GetSystemAsync(id);
        Assert.Equal(2, row!.StateVersion);
        Assert.Equal("under_review", row.Status);
        Assert.Equal(countsBefore, await fixture.Index.ReadCountsAsync());
        var live = await fixture.Grains.GetGrain<ISummaryGrain>(0).GetAsync();
        Assert.Equal(countsBefore.Select(c => (c.Dataset, c.Dimension, c.Value, c.Count)),
            live.Cells.Select(c => (c.Dataset, c.Dimension, c.Value, c.Count)));
    }

    [Fact]
    public async Task Recovery_LeavesCurrentRowsAlone()
    {
        var productId = Commands.NewProductId();
        var id = Identifiers.SystemId(RegistryCluster.NodeCode, productId);
        await fixture.Grains.GetGrain<ISystemGrain>(id).RegisterAsync(Commands.Register(productId));
        var recovery = new ReadModelRecovery(fixture.Grains, fixture.Index, NullLogger<ReadModelRecovery>.Instance);
        await recovery.RunAsync(CancellationToken.None);

        var second = await recovery.RunAsync(CancellationToken.None);

        Assert.Equal(0, second);
    }

    private async Task ForgetRowAsync(string id)
    {
        var row = (await fixture.Index.GetSystemAsync(id))!;
        await using var connection = await StorageConnection.OpenAsync(StorageProvider.Embedded, fixture.ConnectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            DELETE FROM registry_systems WHERE id = $id;
            UPDATE registry_counts SET count = count - 1
            WHERE dataset = 'systems' AND ((dimension = 'status' AND value = $status)
               OR (dimension = 'category' AND value = $category) OR (dimension = 'risk_tier' AND value = $tier));
            """;
        AddParameter(command, "$id", id);
        AddParameter(command, "$status", row.Status);
        AddParameter(command, "$category", row.Category);
        AddParameter(command, "$tier", row.EffectiveRiskTier);
        await command.ExecuteNonQueryAsync();
    }

    private static void AddParameter(System.Data.Common.DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}
