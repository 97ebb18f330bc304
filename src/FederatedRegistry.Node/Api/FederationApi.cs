using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Sharing;
using FederatedRegistry.Federation;
using FederatedRegistry.Grains;
using FederatedRegistry.Storage;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using V1 = FederatedRegistry.Contracts.V1;

namespace FederatedRegistry.Node.Api;

/// <summary>
/// The federation service: what peers may ask of this node and push to it. Every request is a signed envelope,
/// verified against the peer directory before its payload is read, and must be signed by the peer whose TLS client
/// certificate the connection presented; every answer is computed by the sharing evaluator for the verified caller and
/// signed with the policy version that allowed it. Served only on the federation endpoint (mutual TLS).
/// </summary>
// Peers are not people: they authenticate by their signed envelopes (and mutual TLS), not by bearer tokens.
[Microsoft.AspNetCore.Authorization.AllowAnonymous]
internal sealed class FederationApi(
    IGrainFactory grains,
    IRegistryIndex index,
    IAuditLog audit,
    IOptions<NodeOptions> node,
    PeerDirectory directory,
    Hosting.FederationEndpoint endpoint,
    FederationSigner signer,
    FederationVerifier verifier,
    RecentEnvelopes recent,
    Hosting.FederationReplayGuard replays,
    TimeProvider clock) : V1.Federation.FederationBase
{
    public const int MaxPageSize = 100;
    public const int MaxDeliveryItems = 1_000;

    /// <summary>The most entries one checkpoint answer proves; a longer proof is asked for in pages.</summary>
    public const int MaxProofEntries = 10_000;

    private static readonly string[] Capabilities = ["summary", "records", "product-lookup", "delivery", "audit-checkpoint"];

    private string Code => node.Value.Code;

    private IPolicyGrain Policy => grains.GetGrain<IPolicyGrain>(IPolicyGrain.NodePolicy);

    public override async Task<V1.PeerInfo> GetPeerInfo(V1.PeerInfoRequest request, ServerCallContext context)
    {
        // Unsigned, but for peers only, like everything this service answers.
        Sender(context);
        return new()
        {
            Code = Code,
            Name = node.Value.Name,
            Role = node.Value.Role,
            PublicKey = signer.PublicKey.ToBase64(),
            KeyId = signer.KeyId,
            PolicyVersion = (await Policy.GetAsync()).Version,
            Capabilities = { Capabilities },
        };
    }

    public override async Task<V1.SignedMessage> QuerySummary(V1.SignedMessage request, ServerCallContext context)
    {
        var (peer, query) = await OpenAsync(request, V1.SummaryQuery.Parser, context, once: true);
        CheckRecipient(query.Recipient);
        var dataset = Dataset(query.Dataset);
        var dimensions = query.Dimensions.ToList();
        var policy = await Policy.GetPolicyAsync();
        // Asked with no data first: a caller the policy refuses, or a bad dimension, costs no query of the registry.
        Unwrap(SharingEvaluator.Summary(policy, peer.AsCaller, dataset, dimensions, []));
        var cells = await index.TabulateAsync(SharingCatalogue.Name(dataset), dimensions, context.CancellationToken);
        var answer = Unwrap(SharingEvaluator.Summary(policy, peer.AsCaller, dataset, dimensions,
            cells.Select(c => new CountCell(c.Values, c.Count))));
        var reply = new V1.SummaryAnswer
        {
            Dataset = SharingCatalogue.Name(answer.Dataset),
            Dimensions = { answer.Dimensions },
            MinCount = answer.MinCount,
            Cells = { answer.Cells.Select(c => new V1.CountCell { Values = { c.Values }, Count = c.Count }) },
            AsOf = Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
            Nonce = query.Nonce,
        };
        return signer.Sign(reply, answer.PolicyVersion);
    }

    public override async Task<V1.SignedMessage> LookupProduct(V1.SignedMessage request, ServerCallContext context)
    {
        var (peer, query) = await OpenAsync(request, V1.ProductQuery.Parser, context, once: true);
        CheckRecipient(query.Recipient);
        if (!Identifiers.ProductIdShape.IsMatch(query.ProductId))
        {
            throw RpcErrors.Invalid("product_id", "must be " + Identifiers.ProductIdDescription);
        }
        var policy = await Policy.GetPolicyAsync();
        Unwrap(SharingEvaluator.Records(policy, peer.AsCaller, SharedDataset.Systems, []));
        var system = await grains.GetGrain<ISystemGrain>(Identifiers.SystemId(Code, query.ProductId)).GetAsync();
        var answer = Unwrap(SharingEvaluator.Records(policy, peer.AsCaller, SharedDataset.Systems,
            system is null ? [] : [SharedRecords.From(system)]));
        return signer.Sign(Records(answer, query.Nonce, nextPageToken: ""), answer.PolicyVersion);
    }

    public override async Task<V1.SignedMessage> QueryRecords(V1.SignedMessage request, ServerCallContext context)
    {
        var (peer, query) = await OpenAsync(request, V1.RecordsQuery.Parser, context, once: true);
        CheckRecipient(query.Recipient);
        var dataset = Dataset(query.Dataset);
        var rules = new FieldRules();
        if (query.PageSize is < 0 or > MaxPageSize)
        {
            rules.Add("page_size", $"must be between 0 and {MaxPageSize} (0 means 20)");
        }
        if (query.ProductId.Length > 0 && !Identifiers.ProductIdShape.IsMatch(query.ProductId))
        {
            rules.Add("product_id", "must be " + Identifiers.ProductIdDescription);
        }
        rules.Optional("page_token", query.PageToken, 500);
        RpcErrors.ThrowIfInvalid(rules.Violations);
        var policy = await Policy.GetPolicyAsync();
        Unwrap(SharingEvaluator.Records(policy, peer.AsCaller, dataset, []));
        var pageSize = query.PageSize == 0 ? 20 : query.PageSize;
        var productId = query.ProductId.Length > 0 ? query.ProductId : null;
        var pageToken = query.PageToken.Length > 0 ? query.PageToken : null;
        List<SharedRecord> records;
        string? next;
        try
        {
            if (dataset == SharedDataset.Systems)
            {
                var page = await index.QuerySystemsAsync(new SystemQuery { ProductId = productId, PageSize = pageSize, PageToken = pageToken }, context.CancellationToken);
                var systems = await Task.WhenAll(page.Items.Select(r => grains.GetGrain<ISystemGrain>(r.Id).GetAsync()));
                records = [.. systems.OfType<Domain.Registrations.AiSystem>().Select(SharedRecords.From)];
                next = page.NextPageToken;
            }
            else
            {
                var page = await index.QueryIncidentsAsync(new IncidentQuery { ProductId = productId, PageSize = pageSize, PageToken = pageToken }, context.CancellationToken);
                var incidents = await Task.WhenAll(page.Items.Select(r => grains.GetGrain<IIncidentGrain>(r.Id).GetAsync()));
                records = [.. incidents.OfType<Domain.Incidents.Incident>().Select(SharedRecords.From)];
                next = page.NextPageToken;
            }
        }
        catch (ArgumentException e) when (e.ParamName == "page_token")
        {
            throw RpcErrors.Invalid("page_token", "is not a token from a previous answer");
        }
        var answer = Unwrap(SharingEvaluator.Records(policy, peer.AsCaller, dataset, records));
        return signer.Sign(Records(answer, query.Nonce, next ?? ""), answer.PolicyVersion);
    }

    public override async Task<V1.SignedMessage> Deliver(V1.SignedMessage request, ServerCallContext context)
    {
        var opened = OpenEnvelope(request, V1.DeliveryBatch.Parser, context, once: false);
        var batch = opened.Payload;
        CheckRecipient(batch.Recipient);
        var items = InboundItems.Validate(batch, opened.Origin, Code);
        var result = await grains.GetGrain<IExchangeGrain>(opened.Origin).ReceiveAsync(opened.Envelope.Sequence, items);
        if (result.Error is { } error)
        {
            throw Rejected("replayed", error.Message);
        }
        var receipt = new V1.DeliveryReceipt { Accepted = { result.Value!.Accepted }, Duplicates = { result.Value.Duplicates }, Nonce = batch.Nonce };
        return signer.Sign(receipt, (await Policy.GetAsync()).Version);
    }

    public override async Task<V1.SignedMessage> GetAuditCheckpoint(V1.SignedMessage request, ServerCallContext context)
    {
        // Any peer may ask, whatever the sharing policy: checkpoints and entry hashes are public, payloads are not sent.
        var (_, query) = await OpenAsync(request, V1.CheckpointQuery.Parser, context, once: true);
        CheckRecipient(query.Recipient);
        if (query.KnownSize < 0)
        {
            throw RpcErrors.Invalid("known_size", "must not be negative (0 when no checkpoint of this node was kept)");
        }
        var ct = context.CancellationToken;
        var answer = new V1.CheckpointAnswer { Nonce = query.Nonce };
        if (await audit.ReadLatestCheckpointAsync(ct) is { } latest)
        {
            answer.Checkpoint = AuditMessages.ToProto(AuditRows.ToDomain(latest));
            if (latest.Size > query.KnownSize)
            {
                var entries = await audit.ReadEntriesAsync(query.KnownSize + 1, (int)Math.Min(latest.Size - query.KnownSize, MaxProofEntries), ct);
                answer.Proof.Add(entries.Where(e => e.Sequence <= latest.Size).Select(e => AuditMessages.ToProto(AuditRows.ToDomain(e))));
            }
        }
        return signer.Sign(answer, (await Policy.GetAsync()).Version);
    }

    private async Task<(Peer Peer, T Payload)> OpenAsync<T>(V1.SignedMessage request, MessageParser<T> parser, ServerCallContext context, bool once)
        where T : IMessage<T>
    {
        var opened = OpenEnvelope(request, parser, context, once);
        if (once && !await replays.FirstTimeAsync(opened.Envelope, context.CancellationToken))
        {
            throw Rejected("replayed", $"Message {opened.Origin} #{opened.Envelope.Sequence} was received before (by this node); a replayed message is refused.");
        }
        return (directory.TryGet(opened.Origin, out var peer) ? peer : throw Rejected("unknown_origin", $"{opened.Origin} is not a peer."), opened.Payload);
    }

    private Opened<T> OpenEnvelope<T>(V1.SignedMessage request, MessageParser<T> parser, ServerCallContext context, bool once) where T : IMessage<T>
    {
        var sender = Sender(context).Code;
        try
        {
            return once ? verifier.OpenOnce(request, parser, recent, sender) : verifier.Open(request, parser, sender);
        }
        catch (FederationRejectedException e)
        {
            throw Rejected(e.Reason, e.Message);
        }
    }

    // Kestrel already refused a handshake without a pinned certificate; checked again per call because the pin also
    // names the peer, and because a certificate may expire while its connection stays open.
    private Peer Sender(ServerCallContext context)
    {
        var certificate = context.GetHttpContext().Connection.ClientCertificate
            ?? throw Rejected("no_certificate", "The federation service answers only calls made with a peer's TLS client certificate.");
        var verdict = endpoint.Identify(directory, certificate, clock.GetUtcNow());
        return verdict.Peer ?? throw Rejected("unknown_certificate", $"The TLS client certificate is not accepted: {verdict.Reason}.");
    }

    private void CheckRecipient(string recipient)
    {
        if (recipient != Code)
        {
            // A message for another node, replayed here, is refused like any other replay.
            throw Rejected("wrong_recipient", $"The message is addressed to '{recipient}', not to {Code}.");
        }
    }

    private static SharedDataset Dataset(string name) =>
        SharingCatalogue.ParseDataset(name) ?? throw RpcErrors.Invalid("dataset", "must be one of " + string.Join(", ", SharingCatalogue.DatasetNames));

    private static V1.RecordsAnswer Records(RecordsAnswer answer, string nonce, string nextPageToken) => new()
    {
        Dataset = SharingCatalogue.Name(answer.Dataset),
        Records = { answer.Records.Select(RecordStructs.ToStruct) },
        NextPageToken = nextPageToken,
        Nonce = nonce,
    };

    private static T Unwrap<T>(Outcome<T> outcome) => outcome.Error is { } error ? throw RpcErrors.From(error) : outcome.Value!;

    private static RpcException Rejected(string reason, string message) =>
        new(new Status(StatusCode.Unauthenticated, $"{reason}: {message}"));
}
