using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Sharing;

namespace FederatedRegistry.Grains.Tests;

[Collection(RegistryClusterCollection.Name)]
public sealed class PolicyGrainTests(RegistryCluster fixture)
{
    private static string Document(int minCount, int version = 1) => $$"""
        {
          "version": {{version}},
          "node_code": "{{RegistryCluster.NodeCode}}",
          "grants": [
            { "audience": "observers", "datasets": { "systems": { "summary": { "dimensions": ["risk_tier"], "min_count": {{minCount}} } } } }
          ]
        }
        """;

    private IPolicyGrain NewGrain() => fixture.Grains.GetGrain<IPolicyGrain>("test-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Get_BeforeAnyInstall_IsVersionZeroDenyingAll()
    {
        var current = await NewGrain().GetAsync();

        Assert.Equal(0, current.Version);
        Assert.Null(current.UpdatedAt);
        var policy = SharingPolicyDocument.Parse(current.Document.Replace("\"version\": 0", "\"version\": 1", StringComparison.Ordinal)).Value!;
        Assert.Empty(policy.Grants);
    }

    [Fact]
    public async Task Install_StoresVersionOneInCanonicalFormAndKeepsHistory()
    {
        var grain = NewGrain();

        var first = await grain.InstallAsync(Document(5, version: 7));
        var second = await grain.InstallAsync(Document(6));

        Assert.Equal(1, first.Value!.Version);
        Assert.Equal(2, second.Value!.Version);
        Assert.NotNull(second.Value.UpdatedAt);
        Assert.Equal(2, SharingPolicyDocument.Parse(second.Value.Document).Value!.Version);
        Assert.Equal(second.Value, await grain.GetAsync());
        Assert.Equal([first.Value, second.Value], await grain.GetHistoryAsync());
    }

    [Fact]
    public async Task Install_OfTheSamePolicy_IsNotANewVersion()
    {
        var grain = NewGrain();
        var first = await grain.InstallAsync(Document(5));

        var again = await grain.InstallAsync(Document(5, version: 9));

        Assert.Equal(first.Value, again.Value);
        Assert.Single(await grain.GetHistoryAsync());
    }

    [Fact]
    public async Task Replace_WithAStaleExpectedVersion_IsAVersionConflict()
    {
        var grain = NewGrain();
        await grain.InstallAsync(Document(5));

        var stale = await grain.ReplaceAsync(Document(6), expectedVersion: 0);
        var current = await grain.ReplaceAsync(Document(6), expectedVersion: 1);

        Assert.Equal(ErrorKind.VersionConflict, stale.Error?.Kind);
        Assert.Equal(2, current.Value!.Version);
    }

    [Fact]
    public async Task Install_OfAnInvalidDocument_IsRefusedNamingThePath()
    {
        var grain = NewGrain();

        var refused = await grain.InstallAsync(Document(0));

        Assert.Equal(ErrorKind.Invalid, refused.Error?.Kind);
        Assert.Contains(refused.Error!.Violations, v => v.Field == "grants[0].datasets.systems.summary.min_count");
        Assert.Equal(0, (await grain.GetAsync()).Version);
    }
}
