using FederatedRegistry.Domain;

namespace FederatedRegistry.Grains.Tests;

[Collection(RegistryClusterCollection.Name)]
public sealed class ProviderGrainTests(RegistryCluster fixture)
{
    [Fact]
    public async Task Create_ThenGet_ReturnsTheProviderUnderItsSlug()
    {
        var command = Commands.Provider();
        var id = Identifiers.ProviderId(RegistryCluster.NodeCode, command.Slug);

        var created = await fixture.Grains.GetGrain<IProviderGrain>(id).CreateAsync(command);
        var read = await fixture.Grains.GetGrain<IProviderGrain>(id).GetAsync();

        Assert.Equal(id, created.Value!.Id);
        Assert.Equal(created.Value, read);
    }

    [Fact]
    public async Task Create_WithATakenSlug_IsRefused()
    {
        var command = Commands.Provider();
        var grain = fixture.Grains.GetGrain<IProviderGrain>(Identifiers.ProviderId(RegistryCluster.NodeCode, command.Slug));
        await grain.CreateAsync(command);

        var again = await grain.CreateAsync(command with { Name = "Someone else" });

        Assert.Equal(ErrorKind.AlreadyExists, again.Error?.Kind);
        Assert.Equal(command.Name, (await grain.GetAsync())!.Name);
    }

    [Fact]
    public async Task Get_OfAnUnknownProvider_IsNull()
    {
        var grain = fixture.Grains.GetGrain<IProviderGrain>(Identifiers.ProviderId(RegistryCluster.NodeCode, "nobody-" + Guid.NewGuid().ToString("N")[..8]));

        Assert.Null(await grain.GetAsync());
    }
}
