using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Advisories;

namespace FederatedRegistry.Grains;

/// <summary>What an outbox item is.</summary>
public static class OutboxKinds
{
    public const string Alert = "alert";
    public const string Advisory = "advisory";
    public const string Acknowledgement = "acknowledgement";
}

/// <summary>One item waiting for a peer: its id (what the peer deduplicates by), and the serialized DeliveryItem.</summary>
/// <param name="Id">Alert id, advisory id, or "ack:" and the acknowledged alert's id.</param>
/// <param name="Kind">One of <see cref="OutboxKinds"/>.</param>
/// <param name="Item">The fedreg.v1.DeliveryItem, serialized: what is signed and sent, unchanged by retries.</param>
/// <param name="PolicyVersion">The policy version that allowed the item to leave.</param>
/// <param name="EnqueuedAt">When it was queued.</param>
[GenerateSerializer, Immutable, Alias("fedreg.OutboxItem")]
public sealed record OutboxItem(
    [property: Id(0)] string Id,
    [property: Id(1)] string Kind,
    [property: Id(2)] byte[] Item,
    [property: Id(3)] int PolicyVersion,
    [property: Id(4)] DateTimeOffset EnqueuedAt);

/// <summary>An alert this node sent (or is sending) to a peer, with what became of it.</summary>
/// <param name="AlertId">The incident's id.</param>
/// <param name="Recipient">The peer's code.</param>
/// <param name="PolicyVersion">The policy version that allowed the alert to leave.</param>
/// <param name="ProductId">The incident's product, when known: alerts are listed by product.</param>
/// <param name="RaisedAt">When the alert was queued.</param>
/// <param name="AcknowledgementNote">What the peer said when it acknowledged.</param>
/// <param name="IncidentJson">The shared incident fields as JSON (a protobuf Struct).</param>
/// <param name="DeliveredAt">When the peer took it; null while it waits in the outbox.</param>
/// <param name="AcknowledgedAt">When the peer acknowledged it; null until then.</param>
[GenerateSerializer, Immutable, Alias("fedreg.SentAlert")]
public sealed record SentAlert(
    [property: Id(0)] string AlertId,
    [property: Id(1)] string Recipient,
    [property: Id(2)] int PolicyVersion,
    [property: Id(3)] string IncidentJson,
    [property: Id(4)] string? ProductId,
    [property: Id(5)] DateTimeOffset RaisedAt,
    [property: Id(6)] DateTimeOffset? DeliveredAt,
    [property: Id(7)] DateTimeOffset? AcknowledgedAt,
    [property: Id(8)] string? AcknowledgementNote);

/// <summary>How deliveries to one peer stand.</summary>
[GenerateSerializer, Immutable, Alias("fedreg.OutboxStatus")]
public sealed record OutboxStatus(
    [property: Id(0)] string Peer,
    [property: Id(1)] int Depth,
    [property: Id(2)] long Delivered,
    [property: Id(3)] DateTimeOffset? LastSuccessAt,
    [property: Id(4)] DateTimeOffset? LastAttemptAt,
    [property: Id(5)] string? LastError);

/// <summary>
/// The durable outbox of one peer, keyed by the peer's code: alerts, advisories and acknowledgements for it, kept in
/// the order queued and delivered at least once, in that order, with exponential backoff while the peer is away.
/// </summary>
public interface IOutboxGrain : IGrainWithStringKey
{
    /// <summary>Queues the items durably (an item whose id is already queued is skipped) and starts delivery. Returns once stored.</summary>
    /// <param name="items">The items, in the order to deliver them.</param>
    /// <param name="alerts">The sent-alert records for the alerts among the items.</param>
    Task EnqueueAsync(IReadOnlyList<OutboxItem> items, IReadOnlyList<SentAlert> alerts);

    /// <summary>Starts delivery if anything waits (after a restart, the node wakes every peer's outbox).</summary>
    Task WakeAsync();

    Task<OutboxStatus> GetStatusAsync();

    /// <summary>The alerts sent to this peer, oldest first.</summary>
    Task<IReadOnlyList<SentAlert>> GetSentAlertsAsync();

    /// <summary>The peer acknowledged one of the alerts sent to it; false when no such alert was sent.</summary>
    Task<bool> RecordAcknowledgementAsync(string alertId, DateTimeOffset acknowledgedAt, string note);
}

/// <summary>An alert received from a peer.</summary>
[GenerateSerializer, Immutable, Alias("fedreg.ReceivedAlert")]
public sealed record ReceivedAlert(
    [property: Id(0)] string AlertId,
    [property: Id(1)] string Origin,
    [property: Id(2)] int PolicyVersion,
    [property: Id(3)] string IncidentJson,
    [property: Id(4)] string? ProductId,
    [property: Id(5)] DateTimeOffset RaisedAt,
    [property: Id(6)] DateTimeOffset ReceivedAt,
    [property: Id(7)] DateTimeOffset? AcknowledgedAt,
    [property: Id(8)] string? AcknowledgementNote);

/// <summary>An advisory as this node keeps it: published here, or received (then with the time it arrived).</summary>
[GenerateSerializer, Immutable, Alias("fedreg.KeptAdvisory")]
public sealed record KeptAdvisory(
    [property: Id(0)] Advisory Advisory,
    [property: Id(1)] DateTimeOffset? ReceivedAt);

/// <summary>One verified, validated item of a delivery from a peer; exactly one of the three is set.</summary>
[GenerateSerializer, Immutable, Alias("fedreg.InboundItem")]
public sealed record InboundItem(
    [property: Id(0)] ReceivedAlert? Alert,
    [property: Id(1)] Advisory? Advisory,
    [property: Id(2)] InboundAcknowledgement? Acknowledgement)
{
    public string Id => Alert?.AlertId ?? Advisory?.Id ?? "ack:" + Acknowledgement!.AlertId;
}

/// <summary>A peer acknowledged an alert this node sent it.</summary>
[GenerateSerializer, Immutable, Alias("fedreg.InboundAcknowledgement")]
public sealed record InboundAcknowledgement(
    [property: Id(0)] string AlertId,
    [property: Id(1)] DateTimeOffset AcknowledgedAt,
    [property: Id(2)] string Note);

/// <summary>What a delivery changed: the ids stored, and the ids held before.</summary>
[GenerateSerializer, Immutable, Alias("fedreg.DeliveryResult")]
public sealed record DeliveryResult(
    [property: Id(0)] IReadOnlyList<string> Accepted,
    [property: Id(1)] IReadOnlyList<string> Duplicates);

/// <summary>
/// What this node holds from one origin, keyed by the origin's code: the alerts and advisories it sent, in the order
/// they arrived, and the replay guard of its deliveries. Keyed by this node's own code, it holds the advisories this
/// node published.
/// </summary>
public interface IExchangeGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores a verified delivery from this grain's origin: refused (Invalid naming <c>envelope.sequence</c>) when its
    /// sequence number was seen before or is too old to tell; otherwise each item is stored once by id, in order.
    /// </summary>
    Task<Outcome<DeliveryResult>> ReceiveAsync(long sequence, IReadOnlyList<InboundItem> items);

    Task<IReadOnlyList<ReceivedAlert>> GetAlertsAsync();

    /// <summary>Marks a received alert acknowledged and queues the acknowledgement to its origin; NotFound when unknown.</summary>
    Task<Outcome<ReceivedAlert>> AcknowledgeAsync(string alertId, string note);

    Task<IReadOnlyList<KeptAdvisory>> GetAdvisoriesAsync();

    /// <summary>How many <see cref="GetAdvisoriesAsync"/> would give, without reading them.</summary>
    Task<int> CountAdvisoriesAsync();

    /// <summary>Publishes an advisory of this node (the grain keyed by its own code) and queues it to every peer the policy allows.</summary>
    Task<Advisory> PublishAsync(PublishAdvisory command);

    /// <summary>
    /// Publishes several advisories as <see cref="PublishAsync"/> does one, stored together in one write and queued to
    /// each peer together; returned in the order given.
    /// </summary>
    Task<IReadOnlyList<Advisory>> PublishManyAsync(IReadOnlyList<PublishAdvisory> commands);
}
