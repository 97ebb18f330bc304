using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Advisories;
using FederatedRegistry.Domain.Sharing;
using FederatedRegistry.Federation;
using FederatedRegistry.Grains;
using Google.Protobuf.WellKnownTypes;
using FederatedRegistry.Node.Hosting;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using V1 = FederatedRegistry.Contracts.V1;

namespace FederatedRegistry.Node.Api;

// The national API's federation routes: alerts, advisories, and the questions this node asks its peers.
internal sealed partial class RegistryApi
{
    public const int MaxDeadlineMs = 30_000;
    public const int MaxDimensions = 4;

    // ---------- alerts ----------

    [Authorize(Policy = AccessPolicies.Authority)]
    public override async Task<V1.ListAlertsResponse> ListAlerts(V1.ListAlertsRequest request, ServerCallContext context)
    {
        var rules = new FieldRules();
        var sent = request.Direction switch
        {
            "" or "received" => false,
            "sent" => true,
            _ => Fail(rules, "direction", "must be 'received' (the default) or 'sent'"),
        };
        if (request.Peer.Length > 0 && !Identifiers.IsNodeCode(request.Peer))
        {
            rules.Add("peer", "must be a node code such as FR or INTL");
        }
        if (request.ProductId.Length > 0 && !Identifiers.ProductIdShape.IsMatch(request.ProductId))
        {
            rules.Add("product_id", "must be " + Identifiers.ProductIdDescription);
        }
        RpcErrors.ThrowIfInvalid(rules.Violations);

        var codes = peers.Peers.Select(p => p.Code).Where(c => request.Peer.Length == 0 || c == request.Peer).ToList();
        var response = new V1.ListAlertsResponse();
        if (sent)
        {
            var lists = await Task.WhenAll(codes.Select(c => grains.GetGrain<IOutboxGrain>(c).GetSentAlertsAsync()));
            response.Alerts.Add(lists.SelectMany(l => l)
                .Where(a => request.ProductId.Length == 0 || a.ProductId == request.ProductId)
                .OrderBy(a => a.RaisedAt).ThenBy(a => a.AlertId, StringComparer.Ordinal).ThenBy(a => a.Recipient, StringComparer.Ordinal)
                .Select(a => new V1.AlertView
                {
                    Id = a.AlertId,
                    Origin = Code,
                    Recipient = a.Recipient,
                    PolicyVersion = a.PolicyVersion,
                    Incident = DeliveryItems.FromJson(a.IncidentJson),
                    RaisedAt = Timestamp.FromDateTimeOffset(a.RaisedAt),
                    DeliveredAt = Time(a.DeliveredAt),
                    AcknowledgedAt = Time(a.AcknowledgedAt),
                    AcknowledgementNote = a.AcknowledgementNote ?? "",
                }));
        }
        else
        {
            var lists = await Task.WhenAll(codes.Select(c => grains.GetGrain<IExchangeGrain>(c).GetAlertsAsync()));
            response.Alerts.Add(lists.SelectMany(l => l)
                .Where(a => request.ProductId.Length == 0 || a.ProductId == request.ProductId)
                .OrderBy(a => a.ReceivedAt).ThenBy(a => a.AlertId, StringComparer.Ordinal)
                .Select(ToView));
        }
        return response;
    }

    [Authorize(Policy = AccessPolicies.Authority)]
    public override async Task<V1.AlertView> AcknowledgeAlert(V1.AcknowledgeAlertRequest request, ServerCallContext context)
    {
        var rules = new FieldRules();
        if (!Identifiers.IsIncidentId(request.Id))
        {
            rules.Add("id", "must be the id of a received alert, such as FR-INC-0123456789ABCDEFGHJKMNPQRS");
        }
        else if (Identifiers.NodeOf(request.Id) == Code)
        {
            rules.Add("id", "is an alert this node sent; only its recipient acknowledges it");
        }
        rules.Optional("note", request.Note, 1_000, multiLine: true);
        RpcErrors.ThrowIfInvalid(rules.Violations);
        var origin = Identifiers.NodeOf(request.Id);
        if (!peers.TryGet(origin, out _))
        {
            throw RpcErrors.NotFound($"The alert {request.Id}");
        }
        return ToView(Unwrap(await grains.GetGrain<IExchangeGrain>(origin).AcknowledgeAsync(request.Id, request.Note)));
    }

    // ---------- advisories ----------

    [Authorize(Policy = AccessPolicies.Authority)]
    public override async Task<V1.Advisory> PublishAdvisory(V1.PublishAdvisoryRequest request, ServerCallContext context)
    {
        var command = ToCommand(request);
        RpcErrors.ThrowIfInvalid(AdvisoryRules.Validate(command));
        return ToProto(new KeptAdvisory(await grains.GetGrain<IExchangeGrain>(Code).PublishAsync(command), null));
    }

    [Authorize(Policy = AccessPolicies.Authority)]
    public override async Task<V1.PublishAdvisoriesResponse> PublishAdvisories(V1.PublishAdvisoriesRequest request, ServerCallContext context)
    {
        var commands = request.Advisories.Select(ToCommand).ToList();
        RpcErrors.ThrowIfInvalid(AdvisoryRules.ValidateBatch(commands));
        var published = await grains.GetGrain<IExchangeGrain>(Code).PublishManyAsync(commands);
        return new V1.PublishAdvisoriesResponse { Advisories = { published.Select(a => ToProto(new KeptAdvisory(a, null))) } };
    }

    private static PublishAdvisory ToCommand(V1.PublishAdvisoryRequest request) =>
        new(request.Title, request.Summary, request.LessonsLearned, [.. request.Mitigations], [.. request.Categories.Select(c => (Category)(int)c)]);

    [Authorize(Policy = AccessPolicies.AuthorityOrObserver)]
    public override async Task<V1.ListAdvisoriesResponse> ListAdvisories(V1.ListAdvisoriesRequest request, ServerCallContext context)
    {
        var origin = request.Origin.Length == 0 ? Code : request.Origin;
        if (!Identifiers.IsNodeCode(origin))
        {
            throw RpcErrors.Invalid("origin", "must be a node code such as FR, or empty for this node's own advisories");
        }
        var response = new V1.ListAdvisoriesResponse();
        // A node that is neither this one nor a peer has sent nothing; no grain is woken for it.
        if (origin == Code || peers.TryGet(origin, out _))
        {
            response.Advisories.Add((await grains.GetGrain<IExchangeGrain>(origin).GetAdvisoriesAsync()).Select(ToProto));
        }
        return response;
    }

    // ---------- asking the peers ----------

    [Authorize(Policy = AccessPolicies.AuthorityOrObserver)]
    public override async Task<V1.FederationSummary> GetFederationSummary(V1.GetFederationSummaryRequest request, ServerCallContext context)
    {
        var rules = new FieldRules();
        var dataset = request.Dataset.Length == 0 ? SharedDataset.Systems : SharingCatalogue.ParseDataset(request.Dataset);
        if (dataset is null)
        {
            rules.Add("dataset", "must be one of " + string.Join(", ", SharingCatalogue.DatasetNames));
        }
        var dimensions = request.Dimensions.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        // Its length first: the answer quotes the dimensions it does not know.
        if (!rules.Optional("dimensions", request.Dimensions, 200))
        {
            dimensions = [];
        }
        else if (dimensions.Length is 0 or > MaxDimensions)
        {
            rules.Add("dimensions", $"must name 1 to {MaxDimensions} dimensions, comma-separated, e.g. risk_tier,category");
        }
        else if (dataset is { } d)
        {
            foreach (var dimension in dimensions.Where(x => !SharingCatalogue.IsDimension(d, x)))
            {
                rules.Add("dimensions", $"'{dimension}' is not a dimension of {SharingCatalogue.Name(d)}: use {string.Join(", ", SharingCatalogue.Dimensions(d))}");
            }
            if (dimensions.Distinct(StringComparer.Ordinal).Count() != dimensions.Length)
            {
                rules.Add("dimensions", "must not name a dimension twice");
            }
        }
        var peerWait = PeerWait(rules, request.DeadlineMs, context);
        RpcErrors.ThrowIfInvalid(rules.Violations);

        var datasetName = SharingCatalogue.Name(dataset!.Value);
        var (answers, unanswered) = await AskSummariesAsync(datasetName, dimensions, peerWait, context.CancellationToken);

        var summary = new V1.FederationSummary { Dataset = datasetName, Dimensions = { dimensions }, AsOf = Timestamp.FromDateTimeOffset(clock.GetUtcNow()) };
        var totals = new SortedDictionary<string, (IReadOnlyList<string> Values, long Count, List<string> Nodes)>(StringComparer.Ordinal);
        foreach (var (peer, answer) in answers)
        {
            var payload = answer.Payload;
            var row = new V1.CountryRow
            {
                Node = peer.Code,
                PolicyVersion = answer.PolicyVersion,
                KeyId = answer.Envelope.KeyId,
                SignatureVerified = true,
                AsOf = payload.AsOf,
                MinCount = payload.MinCount,
            };
            foreach (var cell in payload.Cells)
            {
                row.Cells.Add(Provenanced(peer, answer, cell));
                var key = string.Join('\u001f', cell.Values);
                var total = totals.TryGetValue(key, out var t) ? t : ([.. cell.Values], 0L, new List<string>());
                total.Nodes.Add(peer.Code);
                totals[key] = (total.Values, total.Count + cell.Count, total.Nodes);
            }
            summary.Rows.Add(row);
        }
        summary.Totals.Add(totals.Values.Select(t => new V1.TotalCell { Values = { t.Values }, Count = t.Count, Nodes = { t.Nodes } }));
        summary.Unanswered.Add(unanswered.OrderBy(f => f.Node, StringComparer.Ordinal).Select(ToProto));
        summary.Partial = unanswered.Count > 0;
        return summary;
    }

    /// <summary>
    /// Asks every national peer for its summary of <paramref name="dataset"/> by <paramref name="dimensions"/>, and keeps
    /// the verified answers that answer that question; the others join the failures as rejected.
    /// </summary>
    private async Task<(List<(Peer Peer, Opened<V1.SummaryAnswer> Answer)> Answers, List<PeerFailure> Failures)> AskSummariesAsync(
        string dataset, string[] dimensions, TimeSpan peerWait, CancellationToken ct)
    {
        var policyVersion = (await Policy.GetAsync()).Version;
        var result = await FanOut.AskAllAsync([.. peers.NationalPeers], peerWait,
            (peer, due, token) => federation.QuerySummaryAsync(peer, dataset, dimensions, policyVersion, due, token), ct);
        var answers = new List<(Peer, Opened<V1.SummaryAnswer>)>();
        var failures = result.Failures.ToList();
        foreach (var (peer, answer) in result.Answers)
        {
            var payload = answer.Payload;
            if (payload.Dataset != dataset || !payload.Dimensions.SequenceEqual(dimensions, StringComparer.Ordinal) ||
                payload.Cells.Any(c => c.Values.Count != dimensions.Length || c.Count < 0))
            {
                failures.Add(new PeerFailure(peer.Code, "rejected", "The signed answer does not match the question asked (dataset, dimensions or cell shape)."));
                continue;
            }
            answers.Add((peer, answer));
        }
        return (answers, failures);
    }

    private static V1.ProvenancedCell Provenanced(Peer peer, Opened<V1.SummaryAnswer> answer, V1.CountCell cell) =>
        new() { Values = { cell.Values }, Count = cell.Count, Node = peer.Code, PolicyVersion = answer.PolicyVersion };

    [Authorize(Policy = AccessPolicies.Authority)]
    public override async Task<V1.FederationProduct> LookupFederationProduct(V1.LookupFederationProductRequest request, ServerCallContext context)
    {
        var rules = new FieldRules();
        if (!Identifiers.ProductIdShape.IsMatch(request.ProductId))
        {
            rules.Add("product_id", "must be " + Identifiers.ProductIdDescription);
        }
        var peerWait = PeerWait(rules, request.DeadlineMs, context);
        RpcErrors.ThrowIfInvalid(rules.Violations);

        var policyVersion = (await Policy.GetAsync()).Version;
        var result = await FanOut.AskAllAsync([.. peers.NationalPeers], peerWait,
            (peer, due, ct) => federation.LookupProductAsync(peer, request.ProductId, policyVersion, due, ct), context.CancellationToken);
        var product = new V1.FederationProduct { ProductId = request.ProductId };
        var unanswered = result.Failures.ToList();
        foreach (var (peer, answer) in result.Answers)
        {
            var record = answer.Payload.Records.FirstOrDefault();
            // A policy may withhold product_id itself; when it is shared it must be the product asked about.
            if (answer.Payload.Records.Count > 1 || (record is not null && RecordStructs.String(record, "product_id") is { } shared && shared != request.ProductId))
            {
                unanswered.Add(new PeerFailure(peer.Code, "rejected", "The signed answer holds records of another product."));
                continue;
            }
            product.Jurisdictions.Add(new V1.ProductJurisdiction
            {
                Node = peer.Code,
                Registered = record is not null,
                Record = record,
                PolicyVersion = answer.PolicyVersion,
                KeyId = answer.Envelope.KeyId,
                AsOf = Timestamp.FromDateTimeOffset(answer.Envelope.IssuedAt),
            });
        }
        product.Unanswered.Add(unanswered.OrderBy(f => f.Node, StringComparer.Ordinal).Select(ToProto));
        product.Partial = unanswered.Count > 0;
        return product;
    }

    [Authorize(Policy = AccessPolicies.Authority)]
    public override async Task<V1.ListPeersResponse> ListPeers(V1.ListPeersRequest request, ServerCallContext context)
    {
        var statuses = await Task.WhenAll(peers.Peers.Select(p => grains.GetGrain<IOutboxGrain>(p.Code).GetStatusAsync()));
        var response = new V1.ListPeersResponse();
        response.Peers.Add(peers.Peers.Zip(statuses, (peer, status) => new V1.PeerStatus
        {
            Code = peer.Code,
            Role = peer.RoleName,
            Address = peer.Address.ToString(),
            KeyId = peer.Key.KeyId,
            OutboxDepth = status.Depth,
            Delivered = status.Delivered,
            LastSuccessAt = Time(status.LastSuccessAt),
            LastAttemptAt = Time(status.LastAttemptAt),
            LastError = status.LastError ?? "",
        }));
        return response;
    }

    /// <summary>
    /// How long the fan-out may wait for the peers: the answer's deadline (<paramref name="deadlineMs"/>, or
    /// Federation:QueryDeadline) counts from the request's arrival, and keeps Federation:ReplyReserve for the reply.
    /// </summary>
    private TimeSpan PeerWait(FieldRules rules, int deadlineMs, ServerCallContext context)
    {
        var options = federationOptions.Value;
        if (deadlineMs is < 0 or > MaxDeadlineMs)
        {
            rules.Add("deadline_ms", $"must be between 1 and {MaxDeadlineMs}, or 0 for the node's default ({options.QueryDeadline.TotalMilliseconds:0})");
        }
        var deadline = deadlineMs > 0 ? TimeSpan.FromMilliseconds(deadlineMs) : options.QueryDeadline;
        TimeSpan? callerRemaining = context.Deadline == DateTime.MaxValue ? null : context.Deadline - DateTime.UtcNow;
        return FanOut.PeerWait(deadline, RequestArrival.Elapsed(context), options.ReplyReserve, callerRemaining);
    }

    private V1.AlertView ToView(ReceivedAlert a) => new()
    {
        Id = a.AlertId,
        Origin = a.Origin,
        Recipient = Code,
        PolicyVersion = a.PolicyVersion,
        Incident = DeliveryItems.FromJson(a.IncidentJson),
        RaisedAt = Timestamp.FromDateTimeOffset(a.RaisedAt),
        DeliveredAt = Timestamp.FromDateTimeOffset(a.ReceivedAt),
        AcknowledgedAt = Time(a.AcknowledgedAt),
        AcknowledgementNote = a.AcknowledgementNote ?? "",
    };

    private static V1.Advisory ToProto(KeptAdvisory kept) => new()
    {
        Id = kept.Advisory.Id,
        Origin = kept.Advisory.Origin,
        PolicyVersion = kept.Advisory.PolicyVersion,
        Title = kept.Advisory.Title,
        Summary = kept.Advisory.Summary,
        LessonsLearned = kept.Advisory.LessonsLearned,
        Mitigations = { kept.Advisory.Mitigations },
        Categories = { kept.Advisory.Categories },
        PublishedAt = Timestamp.FromDateTimeOffset(kept.Advisory.PublishedAt),
        ReceivedAt = Time(kept.ReceivedAt),
    };

    private static V1.UnansweredPeer ToProto(PeerFailure f) => new() { Node = f.Node, Reason = f.Reason, Detail = f.Detail ?? "" };

    private static Timestamp? Time(DateTimeOffset? t) => t is { } v ? Timestamp.FromDateTimeOffset(v) : null;

    private static bool Fail(FieldRules rules, string field, string rule)
    {
        rules.Add(field, rule);
        return false;
    }
}
