using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Advisories;

namespace FederatedRegistry.Grains.Tests;

[Collection(RegistryClusterCollection.Name)]
public sealed class ExchangeGrainTests(RegistryCluster fixture)
{
    [Fact]
    public async Task ReceivedAdvisories_AreListedOnceInArrivalOrderAfterARestart_WhileTheStoredStateStaysSmall()
    {
        // An origin code of its own (8 capitals), so that no other test shares this exchange.
        var origin = new string([.. Enumerable.Range(0, 8).Select(_ => (char)('A' + Random.Shared.Next(26)))]);
        var exchange = fixture.Grains.GetGrain<IExchangeGrain>(origin);
        var advisories = Enumerable.Range(0, 20).Select(i => Advisory(origin, i)).ToList();

        await exchange.ReceiveAsync(1, [new InboundItem(null, advisories[0], null)]);
        await exchange.ReceiveAsync(2, [new InboundItem(null, advisories[1], null)]);
        var early = await fixture.StoredStateBytesAsync(origin, "exchange");
        for (var i = 2; i < advisories.Count; i++)
        {
            await exchange.ReceiveAsync(i + 1, [new InboundItem(null, advisories[i], null)]);
        }
        var late = await fixture.StoredStateBytesAsync(origin, "exchange");
        var fresh = Advisory(origin, 20);
        var again = await exchange.ReceiveAsync(21, [new InboundItem(null, advisories[3], null), new InboundItem(null, fresh, null)]);
        // Counted while the state still holds the latest, appended or not.
        var countedBefore = await exchange.CountAdvisoriesAsync();
        await RestartAsync();

        var listed = await fixture.Grains.GetGrain<IExchangeGrain>(origin).GetAdvisoriesAsync();

        Assert.Equal([advisories[3].Id], again.Value!.Duplicates);
        Assert.Equal((21, 21), (countedBefore, await fixture.Grains.GetGrain<IExchangeGrain>(origin).CountAdvisoriesAsync()));
        Assert.Equal([.. advisories.Select(a => a.Id), fresh.Id], listed.Select(a => a.Advisory.Id));
        Assert.All(listed, a => Assert.NotNull(a.ReceivedAt));
        Assert.Equal(advisories[7].Title, listed[7].Advisory.Title);
        Assert.True(late < early * 2, $"the stored state grew from {early} to {late} bytes over 18 more advisories");
    }

    [Fact]
    public async Task PublishedAdvisories_AreListedInPublishOrderAfterARestart()
    {
        var exchange = fixture.Grains.GetGrain<IExchangeGrain>(RegistryCluster.NodeCode);
        var batch = await exchange.PublishManyAsync([Command("batch 0"), Command("batch 1"), Command("batch 2")]);
        var single = await exchange.PublishAsync(Command("single"));
        var last = await exchange.PublishAsync(Command("last"));
        await RestartAsync();

        var listed = (await fixture.Grains.GetGrain<IExchangeGrain>(RegistryCluster.NodeCode).GetAdvisoriesAsync()).Select(a => a.Advisory).ToList();

        string[] ours = [.. batch.Select(a => a.Id), single.Id, last.Id];
        Assert.Equal(ours, listed.Select(a => a.Id).Where(ours.Contains));
        Assert.All(listed.Where(a => ours.Contains(a.Id)), a => Assert.Equal(RegistryCluster.NodeCode, a.Origin));
        Assert.Equal("batch 1", listed.Single(a => a.Id == batch[1].Id).Title);
        Assert.Equal(listed.Count, await fixture.Grains.GetGrain<IExchangeGrain>(RegistryCluster.NodeCode).CountAdvisoriesAsync());
    }

    private static Advisory Advisory(string origin, int n) => new(
        $"{origin}-ADV-{n:D4}{Guid.NewGuid():N}".ToUpperInvariant(), origin, 1, $"Advisory {n}",
        "What happened and what it means.", "", ["Check the model per age band."], ["health"],
        new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero).AddMinutes(n));

    private static PublishAdvisory Command(string title) =>
        new(title, "What happened and what it means.", "", ["Check the model per age band."], [Category.Health]);

    private Task RestartAsync() => fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
}
