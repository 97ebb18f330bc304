using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Federation;
using FederatedRegistry.Node.Tests.Support;
using Grpc.Core;

namespace FederatedRegistry.Node.Tests.Federation;

/// <summary>
/// A signed query captured on the wire is refused when replayed, even after the node restarts (and so on any other
/// silo of the node, which shares the same database): the accepted envelopes are kept in the node's database.
/// </summary>
public sealed class ReplayAcrossRestartTests : IAsyncLifetime
{
    private TestFederation _federation = null!;

    public async Task InitializeAsync() =>
        _federation = await TestFederation.StartAsync([("KE", "national", TestPolicies.Kenya), ("FR", "national", TestPolicies.France)]);

    public async Task DisposeAsync() => await _federation.DisposeAsync();

    [Fact]
    public async Task A_query_replayed_after_the_node_restarted_is_refused_and_a_fresh_one_is_answered()
    {
        var kenya = _federation["KE"];
        var france = _federation["FR"];
        var signer = new FederationSigner(kenya.Key, "KE", new SequenceSource(TimeProvider.System), TimeProvider.System);
        SignedMessage Query() => signer.Sign(new ProductQuery { Recipient = "FR", ProductId = "acme.example/triage", Nonce = Guid.NewGuid().ToString("N") }, 1);
        var captured = Query();
        using (var before = france.FederationChannel(kenya.Certificate))
        {
            Assert.NotEmpty((await new Contracts.V1.Federation.FederationClient(before).LookupProductAsync(captured, deadline: NodeClient.Deadline)).Envelope);
        }

        // The process forgets everything it held in memory.
        await france.StopAsync();
        await france.StartAsync();

        using var after = france.FederationChannel(kenya.Certificate);
        var client = new Contracts.V1.Federation.FederationClient(after);
        var replay = await GrpcAssert.FailsWith(StatusCode.Unauthenticated, () => client.LookupProductAsync(captured, deadline: NodeClient.Deadline));
        Assert.StartsWith("replayed", replay.Status.Detail, StringComparison.Ordinal);
        Assert.NotEmpty((await client.LookupProductAsync(Query(), deadline: NodeClient.Deadline)).Envelope);
    }
}
