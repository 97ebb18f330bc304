using System.Data.Common;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Federation;
using FederatedRegistry.Node.Tests.Audit;
using FederatedRegistry.Node.Tests.Support;
using FederatedRegistry.Storage;
using DomainCheckpoint = FederatedRegistry.Domain.Audit.AuditCheckpoint;
using DomainEntry = FederatedRegistry.Domain.Audit.AuditEntry;

namespace FederatedRegistry.Node.Tests.Federation;

/// <summary>
/// KE, FR and BR witness each other's audit logs over real gRPC: each keeps the others' latest checkpoints as they
/// advance, and a node whose operator rewrites its history (an already checkpointed entry altered, the chain recomputed
/// and signed anew with the node's key) is reported inconsistent by its peers, with evidence, while the honest nodes
/// stay consistent.
/// </summary>
public sealed class AuditWitnessTests : IAsyncLifetime
{
    private TestFederation _federation = null!;

    public async Task InitializeAsync() =>
        _federation = await TestFederation.StartAsync(
            [("KE", "national", TestPolicies.Kenya), ("FR", "national", TestPolicies.France), ("BR", "national", TestPolicies.Brazil)],
            configure: settings => settings
                .With("Audit:CheckpointInterval", "00:00:00")
                .With("Audit:SealInterval", "00:00:00.050")
                .With("Audit:WitnessInterval", "00:00:00.200"));

    public async Task DisposeAsync() => await _federation.DisposeAsync();

    [Fact]
    public async Task Peers_WitnessEachOther_AndKeepEachOthersCheckpointsAsTheyAdvance()
    {
        var kenya = _federation["KE"];
        await kenya.Client.Grpc.CreateProviderAsync(Messages.Provider(), deadline: NodeClient.Deadline);
        var first = await LatestCheckpointAsync(kenya, minimumSize: 1);

        var seenByFrance = await KeptLatestAsync(_federation["FR"], kenya, first.Size);
        Assert.Equal("consistent", seenByFrance.Status);
        Assert.NotNull(seenByFrance.LastSeenAt);
        Assert.NotNull(seenByFrance.CheckedAt);
        Assert.Empty(seenByFrance.Evidence);

        var provider = await kenya.Client.Grpc.CreateProviderAsync(Messages.Provider(), deadline: NodeClient.Deadline);
        await kenya.Client.Grpc.RegisterSystemAsync(Messages.Registration(provider.Id, submit: true), deadline: NodeClient.Deadline);
        var later = await LatestCheckpointAsync(kenya, minimumSize: first.Size + 2);

        foreach (var witness in new[] { "FR", "BR" })
        {
            var seen = await KeptLatestAsync(_federation[witness], kenya, later.Size);
            Assert.Equal("consistent", seen.Status);
        }
        // Every node witnesses every peer, and an observer of the node may read what it saw.
        using var observer = _federation["KE"].Client.As(TestTokens.Observer());
        var overHttp = await observer.GetAsync("/v1/audit/witnessed");
        Assert.Equal(System.Net.HttpStatusCode.OK, overHttp.StatusCode);
        var france = await LatestCheckpointAsync(_federation["FR"], minimumSize: 1);
        var brazil = await LatestCheckpointAsync(_federation["BR"], minimumSize: 1);
        await WitnessedAtAsync(kenya, "FR", france.Size);
        await WitnessedAtAsync(kenya, "BR", brazil.Size);
        var all = await kenya.Client.Grpc.ListWitnessedCheckpointsAsync(new ListWitnessedCheckpointsRequest(), deadline: NodeClient.Deadline);
        Assert.Equal(["BR", "FR"], all.Peers.Select(p => p.Peer));
        Assert.All(all.Peers, p => Assert.Equal("consistent", p.Status));
    }

    [Fact]
    public async Task ANodeThatRewritesItsCheckpointedHistory_IsCaughtByItsPeersWithEvidence_WhileHonestNodesStayConsistent()
    {
        var kenya = _federation["KE"];
        var provider = await kenya.Client.Grpc.CreateProviderAsync(Messages.Provider(), deadline: NodeClient.Deadline);
        await kenya.Client.Grpc.RegisterSystemAsync(Messages.Registration(provider.Id, submit: true), deadline: NodeClient.Deadline);
        var honest = await LatestCheckpointAsync(kenya, minimumSize: 3);
        var kept = new Dictionary<string, AuditCheckpoint>
        {
            ["FR"] = (await WitnessedAtAsync(_federation["FR"], "KE", honest.Size)).LastSeen,
            ["BR"] = (await WitnessedAtAsync(_federation["BR"], "KE", honest.Size)).LastSeen,
        };

        // The operator stops the node, alters entry 2, recomputes every hash after it and signs the new head with the node's key.
        await kenya.StopAsync();
        await RewriteHistoryAsync(kenya, sequence: 2);
        await kenya.StartAsync();
        await kenya.Client.Grpc.CreateProviderAsync(Messages.Provider(), deadline: NodeClient.Deadline);
        await LatestCheckpointAsync(kenya, minimumSize: honest.Size + 1);

        foreach (var witness in new[] { "FR", "BR" })
        {
            var caught = await Eventually.Find(async () =>
            {
                var seen = await WitnessedAsync(_federation[witness], "KE");
                return seen.Status == "inconsistent" ? seen : null;
            }, $"{witness} reporting KE inconsistent");

            // The last good checkpoint stays kept, and the evidence holds both checkpoints, each signed with KE's key.
            Assert.Equal(kept[witness], caught.LastSeen);
            var evidence = Assert.Single(caught.Evidence);
            Assert.Equal(kept[witness], evidence.Seen);
            Assert.True(evidence.Answered.Size >= evidence.Seen.Size);
            Assert.True(evidence.Answered.Size > evidence.Seen.Size || evidence.Answered.HeadHash != evidence.Seen.HeadHash);
            Assert.True(AuditMessages.ToDomain(evidence.Seen).IsSignedBy(kenya.Key.PublicKey));
            Assert.True(AuditMessages.ToDomain(evidence.Answered).IsSignedBy(kenya.Key.PublicKey));
            Assert.Contains($"size {evidence.Seen.Size}", string.Join(" ", evidence.Findings), StringComparison.Ordinal);
            Assert.False(evidence.AnswerEnvelope.IsEmpty);
            Assert.False(string.IsNullOrEmpty(caught.LastError));
        }
        foreach (var (witness, peer) in new[] { ("FR", "BR"), ("BR", "FR"), ("KE", "FR"), ("KE", "BR") })
        {
            var latest = await LatestCheckpointAsync(_federation[peer], minimumSize: 1);
            var seen = await WitnessedAtAsync(_federation[witness], peer, latest.Size);
            Assert.Equal("consistent", seen.Status);
            Assert.Empty(seen.Evidence);
        }
    }

    [Fact]
    public async Task GetAuditCheckpoint_AnswersAPeer_TheLatestCheckpointWithTheEntriesAfterTheSizeItKnows()
    {
        var france = _federation["FR"];
        var provider = await france.Client.Grpc.CreateProviderAsync(Messages.Provider(), deadline: NodeClient.Deadline);
        await france.Client.Grpc.RegisterSystemAsync(Messages.Registration(provider.Id, submit: true), deadline: NodeClient.Deadline);
        var latest = await LatestCheckpointAsync(france, minimumSize: 3);
        var first = (await france.Client.Grpc.ListAuditEntriesAsync(new ListAuditEntriesRequest { From = 1, Limit = 1 }, deadline: NodeClient.Deadline)).Entries.Single();
        var asKenya = france.FederationAs(_federation["KE"]);
        var kenya = new FederationSigner(_federation["KE"].Key, "KE", new SequenceSource(TimeProvider.System), TimeProvider.System);

        var answer = Open(await asKenya.GetAuditCheckpointAsync(
            kenya.Sign(new CheckpointQuery { Recipient = "FR", KnownSize = 1, Nonce = "n-1" }, 1), deadline: NodeClient.Deadline));
        var beyond = Open(await asKenya.GetAuditCheckpointAsync(
            kenya.Sign(new CheckpointQuery { Recipient = "FR", KnownSize = latest.Size + 100, Nonce = "n-2" }, 1), deadline: NodeClient.Deadline));
        var negative = await GrpcAssert.FailsWith(Grpc.Core.StatusCode.InvalidArgument, () => asKenya.GetAuditCheckpointAsync(
            kenya.Sign(new CheckpointQuery { Recipient = "FR", KnownSize = -1, Nonce = "n-3" }, 1), deadline: NodeClient.Deadline));

        Assert.Equal("n-1", answer.Nonce);
        Assert.True(answer.Checkpoint.Size >= latest.Size);
        Assert.True(AuditMessages.ToDomain(answer.Checkpoint).IsSignedBy(france.Key.PublicKey));
        Assert.Equal(Enumerable.Range(2, (int)answer.Checkpoint.Size - 1).Select(i => (long)i), answer.Proof.Select(e => e.Sequence));
        Assert.All(answer.Proof, e => Assert.Empty(e.Payload));
        var proved = FederatedRegistry.Domain.Audit.AuditVerifier.Verify(answer.Proof.Select(AuditMessages.ToDomain), [AuditMessages.ToDomain(answer.Checkpoint)],
            france.Key.PublicKey, new FederatedRegistry.Domain.Audit.AuditHead(1, [.. first.EntryHash.Span]));
        Assert.True(proved.IsIntact, string.Join(" ", proved.Findings));
        Assert.Equal(answer.Checkpoint.Size, beyond.Checkpoint.Size);
        Assert.Empty(beyond.Proof);
        Assert.Contains("known_size", negative.Status.Detail, StringComparison.Ordinal);
    }

    private static CheckpointAnswer Open(SignedMessage message)
    {
        Assert.True(FederatedRegistry.Domain.Signing.SignedEnvelope.TryDecode(message.Envelope.Span, out var envelope, out var error), error);
        Assert.Equal("fedreg.v1.CheckpointAnswer", envelope.PayloadType);
        return CheckpointAnswer.Parser.ParseFrom(((FederatedRegistry.Domain.Signing.CanonicalBytes)envelope.Payload).Value.AsSpan());
    }

    private static async Task<AuditCheckpoint> LatestCheckpointAsync(FederationNode node, long minimumSize)
    {
        await AuditedNode.WaitUntilCheckpointedAsync(node.Client, minimumSize);
        return await node.Client.Grpc.GetLatestAuditCheckpointAsync(new GetLatestAuditCheckpointRequest(), deadline: NodeClient.Deadline);
    }

    private static async Task<WitnessedPeer> WitnessedAsync(FederationNode witness, string peer) =>
        (await witness.Client.Grpc.ListWitnessedCheckpointsAsync(new ListWitnessedCheckpointsRequest(), deadline: NodeClient.Deadline))
        .Peers.Single(p => p.Peer == peer);

    /// <summary>
    /// Waits until <paramref name="witness"/> keeps exactly the checkpoint <paramref name="peer"/> publishes now (its
    /// size at least <paramref name="size"/>): the peer may seal more between two reads, so the two are compared
    /// once they agree rather than at one instant.
    /// </summary>
    private static Task<WitnessedPeer> KeptLatestAsync(FederationNode witness, FederationNode peer, long size) =>
        Eventually.Find(async () =>
        {
            var published = await peer.Client.Grpc.GetLatestAuditCheckpointAsync(new GetLatestAuditCheckpointRequest(), deadline: NodeClient.Deadline);
            var seen = await WitnessedAsync(witness, peer.Code);
            return seen.LastSeen is { } kept && kept.Size >= size && kept.Equals(published) ? seen : null;
        }, $"{witness.Code} keeping {peer.Code}'s latest checkpoint (size {size} or more)");

    /// <summary>Waits until <paramref name="witness"/> has kept <paramref name="peer"/>'s checkpoint of at least <paramref name="size"/>.</summary>
    private static Task<WitnessedPeer> WitnessedAtAsync(FederationNode witness, string peer, long size) =>
        Eventually.Find(async () =>
        {
            var seen = await WitnessedAsync(witness, peer);
            return seen.LastSeen?.Size >= size ? seen : null;
        }, $"{witness.Code} keeping {peer}'s checkpoint of size {size}");

    /// <summary>What a dishonest operator with access to the stopped node's database and key does.</summary>
    private static async Task RewriteHistoryAsync(FederationNode node, long sequence)
    {
        var connectionString = StorageConnection.ForSqliteFile(Path.Combine(node.Settings.DataDirectory, "registry.db"));
        var log = AuditLog.Create(StorageProvider.Embedded, connectionString);
        var entries = await log.ReadEntriesAsync(1, AuditLog.MaxReadLimit);
        await using var connection = await StorageConnection.OpenAsync(StorageProvider.Embedded, connectionString);
        var previous = DomainEntry.GenesisHash;
        foreach (var row in entries)
        {
            var actor = row.Sequence == sequence ? "authority:someone-else" : row.Actor;
            var entry = DomainEntry.Seal(row.Sequence, row.At, actor, row.Action, row.Subject, DomainEntry.FromHex(row.PayloadHash), previous);
            await ExecuteAsync(connection, "UPDATE audit_entries SET actor = @actor, previous_hash = @previous, entry_hash = @hash WHERE sequence = @sequence",
                ("actor", actor), ("previous", DomainEntry.Hex(entry.PreviousHash)), ("hash", DomainEntry.Hex(entry.EntryHash)), ("sequence", row.Sequence));
            previous = entry.EntryHash;
        }
        await ExecuteAsync(connection, "DELETE FROM audit_checkpoints");
        var head = entries[^1].Sequence;
        var checkpoint = DomainCheckpoint.Sign(node.Key, node.Code, head, previous, DateTimeOffset.UtcNow);
        await log.SaveCheckpointAsync(new AuditCheckpointRow(head, DomainEntry.Hex(checkpoint.HeadHash), checkpoint.At, node.Code, checkpoint.KeyId,
            DomainEntry.Hex(checkpoint.Signature)));
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        await command.ExecuteNonQueryAsync();
    }
}
