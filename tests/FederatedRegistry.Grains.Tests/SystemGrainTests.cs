using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Registrations;
using FederatedRegistry.Storage;

namespace FederatedRegistry.Grains.Tests;

[Collection(RegistryClusterCollection.Name)]
public sealed class SystemGrainTests(RegistryCluster fixture)
{
    private ISystemGrain Grain(string productId) =>
        fixture.Grains.GetGrain<ISystemGrain>(Identifiers.SystemId(RegistryCluster.NodeCode, productId));

    [Fact]
    public async Task Register_StoresVersionOneUnderTheNodeScopedId()
    {
        var productId = Commands.NewProductId();

        var outcome = await Grain(productId).RegisterAsync(Commands.Register(productId));

        Assert.True(outcome.IsSuccess);
        var system = await Grain(productId).GetAsync();
        Assert.NotNull(system);
        Assert.StartsWith("KE-SYS-", system.Id);
        Assert.Equal(1, system.Version);
        Assert.Equal(SystemStatus.Submitted, system.Status);
        Assert.Equal(productId, system.ProductId);
    }

    [Fact]
    public async Task Get_OfAnUnknownRegistration_LeavesNoActivationBehind_WhileARegisteredOneStays()
    {
        var unknown = Grain(Commands.NewProductId());
        var registeredId = Commands.NewProductId();
        var registered = Grain(registeredId);
        await registered.RegisterAsync(Commands.Register(registeredId));

        Assert.Null(await unknown.GetAsync());
        Assert.NotNull(await registered.GetAsync());

        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        // The unknown one goes once its call has ended; wait for that rather than for a fixed time.
        for (var i = 0; i < 300 && await management.GetGrainActivationCount((GrainReference)unknown) > 0; i++)
        {
            await Task.Delay(100);
        }
        Assert.Equal(0, await management.GetGrainActivationCount((GrainReference)unknown));
        Assert.Equal(1, await management.GetGrainActivationCount((GrainReference)registered));
    }

    [Fact]
    public async Task Register_SameProductTwice_IsRefusedAsAlreadyExisting()
    {
        var productId = Commands.NewProductId();
        await Grain(productId).RegisterAsync(Commands.Register(productId));

        var second = await Grain(productId).RegisterAsync(Commands.Register(productId, details: Commands.Details("Other name")));

        Assert.Equal(ErrorKind.AlreadyExists, second.Error?.Kind);
        Assert.Equal("TriageAssist", (await Grain(productId).GetAsync())!.Details.Name);
    }

    [Fact]
    public async Task Update_WithStaleExpectedVersion_IsAConflictAndChangesNothing()
    {
        var productId = Commands.NewProductId();
        await Grain(productId).RegisterAsync(Commands.Register(productId, submit: false));
        var id = Identifiers.SystemId(RegistryCluster.NodeCode, productId);
        await Grain(productId).UpdateAsync(new UpdateSystem(id, 1, Commands.Details("Second"), false));

        var stale = await Grain(productId).UpdateAsync(new UpdateSystem(id, 1, Commands.Details("Lost update"), false));

        Assert.Equal(ErrorKind.VersionConflict, stale.Error?.Kind);
        var current = await Grain(productId).GetAsync();
        Assert.Equal("Second", current!.Details.Name);
        Assert.Equal(2, current.Version);
    }

    [Fact]
    public async Task ConcurrentUpdates_FromTheSameVersion_ExactlyOneWins()
    {
        var productId = Commands.NewProductId();
        await Grain(productId).RegisterAsync(Commands.Register(productId, submit: false));
        var id = Identifiers.SystemId(RegistryCluster.NodeCode, productId);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Grain(productId).UpdateAsync(new UpdateSystem(id, 1, Commands.Details($"Writer {i}"), false))));

        var winner = Assert.Single(outcomes, o => o.IsSuccess);
        Assert.All(outcomes.Where(o => !o.IsSuccess), o => Assert.Equal(ErrorKind.VersionConflict, o.Error!.Kind));
        Assert.Equal(winner.Value!.Details.Name, (await Grain(productId).GetAsync())!.Details.Name);
    }

    [Fact]
    public async Task Decisions_FollowTheLifecycle_AndEveryChangeIsAReadableVersion()
    {
        var productId = Commands.NewProductId();
        var id = Identifiers.SystemId(RegistryCluster.NodeCode, productId);
        await Grain(productId).RegisterAsync(Commands.Register(productId));

        await Grain(productId).DecideAsync(new DecideSystem(id, Decision.StartReview, null, null, 0));
        var registered = await Grain(productId).DecideAsync(new DecideSystem(id, Decision.Register, RiskTier.High, "Reviewed.", 2));
        var illegal = await Grain(productId).DecideAsync(new DecideSystem(id, Decision.Reject, null, "Too late.", 0));

        Assert.Equal(SystemStatus.Registered, registered.Value!.Status);
        Assert.Equal(RiskTier.High, registered.Value.DecidedRiskTier);
        Assert.Equal(ErrorKind.IllegalTransition, illegal.Error?.Kind);
        var versions = await Grain(productId).GetVersionsAsync();
        Assert.Equal([1, 2, 3], versions.Select(v => v.Version));
        Assert.Equal([SystemStatus.Submitted, SystemStatus.UnderReview, SystemStatus.Registered], versions.Select(v => v.Snapshot.Status));
        Assert.Equal("decided:register", versions[^1].Change);
    }

    [Fact]
    public async Task EveryVersion_IsListedAfterReactivation_WhileTheStoredStateStaysTheSizeOfOne()
    {
        var productId = Commands.NewProductId();
        var id = Identifiers.SystemId(RegistryCluster.NodeCode, productId);
        await Grain(productId).RegisterAsync(Commands.Register(productId));
        await Grain(productId).UpdateAsync(new UpdateSystem(id, 1, Commands.Details("Name 2"), false));
        var early = await fixture.StoredStateBytesAsync(id, "system");

        for (var version = 2; version < 21; version++)
        {
            await Grain(productId).UpdateAsync(new UpdateSystem(id, version, Commands.Details($"Name {version + 1}"), false));
        }
        var late = await fixture.StoredStateBytesAsync(id, "system");
        // The versions are read back from the audit log, not from the activation's memory.
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var versions = await Grain(productId).GetVersionsAsync();

        Assert.Equal(Enumerable.Range(1, 21), versions.Select(v => v.Version));
        Assert.Equal(["TriageAssist", .. Enumerable.Range(2, 20).Select(n => $"Name {n}")], versions.Select(v => v.Snapshot.Details.Name));
        Assert.Equal("registered:submitted", versions[0].Change);
        Assert.All(versions, v => Assert.Equal(v.Snapshot.UpdatedAt, v.ChangedAt));
        Assert.True(late < early * 2, $"the stored state grew from {early} to {late} bytes over 19 more versions");
    }

    [Fact]
    public async Task ChangesToAMissingRegistration_AreNotFound()
    {
        var productId = Commands.NewProductId();
        var id = Identifiers.SystemId(RegistryCluster.NodeCode, productId);

        var outcome = await Grain(productId).DecideAsync(new DecideSystem(id, Decision.StartReview, null, null, 0));

        Assert.Equal(ErrorKind.NotFound, outcome.Error?.Kind);
        Assert.Empty(await Grain(productId).GetVersionsAsync());
    }

    [Fact]
    public async Task EveryChange_ReachesTheReadModelWithItsVersion()
    {
        var productId = Commands.NewProductId();
        var id = Identifiers.SystemId(RegistryCluster.NodeCode, productId);
        await Grain(productId).RegisterAsync(Commands.Register(productId));
        await Grain(productId).DecideAsync(new DecideSystem(id, Decision.StartReview, null, null, 0));

        var row = await fixture.Index.GetSystemAsync(id);

        Assert.NotNull(row);
        Assert.Equal(2, row.StateVersion);
        Assert.Equal("under_review", row.Status);
        var listed = await fixture.Index.QuerySystemsAsync(new SystemQuery { ProductId = productId });
        Assert.Equal(id, Assert.Single(listed.Items).Id);
    }
}
