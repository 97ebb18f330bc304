using System.Net;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Domain.Audit;
using FederatedRegistry.Domain.Signing;
using FederatedRegistry.Node.Tests.Support;
using Grpc.Core;
using DomainCheckpoint = FederatedRegistry.Domain.Audit.AuditCheckpoint;
using DomainEntry = FederatedRegistry.Domain.Audit.AuditEntry;

namespace FederatedRegistry.Node.Tests.Audit;

/// <summary>The audit routes: every kind of change has its entry, paging, the checkpoint, consistency proofs, and input checked at the edge.</summary>
public abstract class AuditApiTests<TNode>(TNode node) : IClassFixture<TNode>
    where TNode : AuditedNode
{
    private NodeClient Anonymous => node.Client.As("");

    [Fact]
    public async Task Entries_HoldEveryChangeMadeThroughTheApi_WithTheCallerAsActor()
    {
        var entries = (await Anonymous.Grpc.ListAuditEntriesAsync(new ListAuditEntriesRequest { Limit = 1000 }, deadline: NodeClient.Deadline)).Entries;

        var changes = entries.Select(e => (e.Action, e.Subject)).ToList();
        Assert.Contains(("created", "provider:" + node.ProviderId), changes);
        Assert.Contains(("registered:submitted", "system:" + node.SystemId), changes);
        Assert.Contains(("decided:start_review", "system:" + node.SystemId), changes);
        Assert.Contains(("decided:register", "system:" + node.SystemId), changes);
        Assert.Contains(("reported", "incident:" + node.IncidentId), changes);
        Assert.Contains(("transitioned:triaged", "incident:" + node.IncidentId), changes);
        Assert.Contains(("installed:v1", "policy"), changes);
        var decided = entries.Single(e => e.Action == "decided:register");
        Assert.StartsWith("authority:", decided.Actor, StringComparison.Ordinal);
        Assert.Equal(entries.Select(e => e.Sequence), Enumerable.Range(1, entries.Count).Select(i => (long)i));
        Assert.All(entries, e => Assert.Equal(string.Empty, e.Payload));
    }

    [Fact]
    public async Task Entries_PageBySequence()
    {
        var all = await Anonymous.Grpc.ListAuditEntriesAsync(new ListAuditEntriesRequest { Limit = 1000 }, deadline: NodeClient.Deadline);

        var first = await Anonymous.Grpc.ListAuditEntriesAsync(new ListAuditEntriesRequest { From = 1, Limit = 3 }, deadline: NodeClient.Deadline);
        var second = await Anonymous.Grpc.ListAuditEntriesAsync(new ListAuditEntriesRequest { From = first.NextFrom, Limit = 3 }, deadline: NodeClient.Deadline);

        Assert.Equal([1L, 2L, 3L], first.Entries.Select(e => e.Sequence));
        Assert.Equal(4, first.NextFrom);
        Assert.Equal([4L, 5L, 6L], second.Entries.Select(e => e.Sequence));
        Assert.Equal(0, all.NextFrom);
        Assert.Equal(all.Size, all.Entries.Count);
    }

    [Fact]
    public async Task Entries_OverHttp_AreJsonWithBase64Hashes()
    {
        var response = await Anonymous.GetAsync("/v1/audit/entries?from=2&limit=1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entry = response.Object["entries"]![0]!;
        Assert.Equal(2, (long)entry["sequence"]!);
        Assert.Equal(32, Convert.FromBase64String((string)entry["entryHash"]!).Length);
    }

    [Fact]
    public async Task Payloads_AreForTheAuthority_AndHashToTheirEntries()
    {
        await GrpcAssert.FailsWith(StatusCode.PermissionDenied, () =>
            Anonymous.Grpc.ListAuditEntriesAsync(new ListAuditEntriesRequest { IncludePayloads = true }, deadline: NodeClient.Deadline));

        var entries = (await node.Client.Grpc.ListAuditEntriesAsync(new ListAuditEntriesRequest { IncludePayloads = true, Limit = 1000 },
            deadline: NodeClient.Deadline)).Entries;

        Assert.All(entries, e => Assert.Equal(DomainEntry.HashPayload(e.Payload).ToArray(), e.PayloadHash.ToByteArray()));
        Assert.Contains(entries, e => e.Action == "reported" && e.Payload.Contains(node.IncidentId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task LatestCheckpoint_IsSignedByTheNodesKeyAndCoversTheLog()
    {
        var size = await AuditedNode.WaitUntilCheckpointedAsync(node.Client, minimumSize: 7);

        var checkpoint = ToDomain(await Anonymous.Grpc.GetLatestAuditCheckpointAsync(new GetLatestAuditCheckpointRequest(), deadline: NodeClient.Deadline));

        Assert.Equal((node.Settings.Code, size), (checkpoint.NodeCode, checkpoint.Size));
        Assert.True(checkpoint.IsSignedBy(NodePublicKey.Parse(node.PublicKey)));
    }

    [Fact]
    public async Task Consistency_BetweenTwoSizes_RecomputesTheLaterHeadFromTheEarlier()
    {
        var size = await AuditedNode.WaitUntilCheckpointedAsync(node.Client, minimumSize: 7);
        var key = NodePublicKey.Parse(node.PublicKey);

        var proof = await Anonymous.Grpc.GetAuditConsistencyAsync(new GetAuditConsistencyRequest { FromSize = 2, ToSize = size }, deadline: NodeClient.Deadline);

        Assert.Equal(size - 2, proof.Entries.Count);
        Assert.NotNull(proof.ToCheckpoint);
        var from = new AuditHead(2, [.. proof.FromHeadHash.Span]);
        var result = AuditVerifier.Verify(proof.Entries.Select(ToDomain), [ToDomain(proof.ToCheckpoint)], key, from);
        Assert.True(result.IsIntact, string.Join(" ", result.Findings));
        Assert.Equal(proof.ToHeadHash.ToByteArray(), ToDomain(proof.ToCheckpoint).HeadHash.ToArray());
    }

    [Theory]
    [InlineData("/v1/audit/entries?limit=1001", "limit")]
    [InlineData("/v1/audit/entries?limit=-1", "limit")]
    [InlineData("/v1/audit/entries?from=-5", "from")]
    [InlineData("/v1/audit/consistency?from_size=3&to_size=3", "to_size")]
    [InlineData("/v1/audit/consistency?from_size=-1&to_size=3", "from_size")]
    [InlineData("/v1/audit/consistency?from_size=0&to_size=20000", "to_size")]
    [InlineData("/v1/audit/consistency?from_size=0&to_size=9999", "to_size")]
    public async Task BadInput_IsRefusedNamingTheField(string path, string field)
    {
        var response = await Anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([field], response.ViolatedFields);
    }

    private static DomainEntry ToDomain(FederatedRegistry.Contracts.V1.AuditEntry e) => new(
        e.Sequence, e.At.ToDateTimeOffset(), e.Actor, e.Action, e.Subject, [.. e.PayloadHash.Span], [.. e.PreviousHash.Span], [.. e.EntryHash.Span]);

    private static DomainCheckpoint ToDomain(FederatedRegistry.Contracts.V1.AuditCheckpoint c) => new(
        c.NodeCode, c.Size, [.. c.HeadHash.Span], c.At.ToDateTimeOffset(), c.KeyId, [.. c.Signature.Span]);
}

public sealed class EmbeddedAuditApiTests(EmbeddedAuditedNode node) : AuditApiTests<EmbeddedAuditedNode>(node);

public sealed class PostgresAuditApiTests(PostgresAuditedNode node) : AuditApiTests<PostgresAuditedNode>(node);
