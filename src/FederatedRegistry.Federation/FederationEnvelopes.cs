using System.Collections.Concurrent;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Domain.Signing;
using Google.Protobuf;

namespace FederatedRegistry.Federation;

/// <summary>
/// Sequence numbers for everything this node signs: the microseconds since 1970, and one more than the last number
/// when the clock has not moved on. Numbers therefore never repeat in a process, and a restarted node starts above
/// any number it issued before (unless its clock went back), without a durable counter to write on every message.
/// </summary>
public sealed class SequenceSource(TimeProvider time)
{
    private long _last;

    public long Next()
    {
        var now = (time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
        while (true)
        {
            var last = Interlocked.Read(ref _last);
            var next = Math.Max(last + 1, now);
            if (Interlocked.CompareExchange(ref _last, next, last) == last)
            {
                return next;
            }
        }
    }
}

/// <summary>Signs this node's federation messages: a protobuf payload in an envelope with origin, policy version, time and sequence.</summary>
public sealed class FederationSigner(NodeKey key, string origin, SequenceSource sequences, TimeProvider time)
{
    public string Origin { get; } = origin;

    public string KeyId => key.KeyId;

    public NodePublicKey PublicKey => key.PublicKey;

    /// <param name="payload">The message; its full protobuf name becomes the payload type.</param>
    /// <param name="policyVersion">The policy version that allowed the payload to leave (for a query: the version in force).</param>
    public SignedMessage Sign(IMessage payload, int policyVersion)
    {
        var envelope = key.Sign(Origin, policyVersion, time.GetUtcNow(), sequences.Next(), payload.Descriptor.FullName,
            CanonicalValue.Bytes(payload.ToByteArray()));
        return new SignedMessage { Envelope = ByteString.CopyFrom(envelope.Encode()) };
    }
}

/// <summary>Why a federation message was not believed.</summary>
public sealed class FederationRejectedException(string reason, string message) : Exception(message)
{
    /// <summary>A short name: the envelope rejection (bad_signature, replayed, ...), or wrong_payload, wrong_recipient, wrong_nonce.</summary>
    public string Reason { get; } = reason;
}

/// <summary>A verified message: its envelope and its payload.</summary>
public sealed record Opened<T>(SignedEnvelope Envelope, T Payload) where T : IMessage<T>
{
    public string Origin => Envelope.Origin;

    public int PolicyVersion => (int)Math.Clamp(Envelope.PolicyVersion, 0, int.MaxValue);
}

/// <summary>
/// Reads and verifies federation messages: the envelope against the peer directory, then the payload type, then the
/// payload. Nothing in a payload is read before its envelope is verified.
/// </summary>
public sealed class FederationVerifier(EnvelopeVerifier verifier)
{
    /// <summary>Verifies form, origin, key, signature and freshness (no replay check).</summary>
    /// <param name="message">The signed message.</param>
    /// <param name="parser">The payload type expected.</param>
    /// <param name="sender">
    /// The peer the connection authenticated (by its TLS client certificate), when known: a message signed as any other
    /// node is refused as wrong_origin, so that one peer cannot pass on another's messages as if it were that peer.
    /// </param>
    /// <exception cref="FederationRejectedException">The message is not to be believed; the message says why.</exception>
    public Opened<T> Open<T>(SignedMessage message, MessageParser<T> parser, string? sender = null) where T : IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(message);
        var verdict = verifier.Verify(message.Envelope.Span);
        if (!verdict.IsAccepted)
        {
            throw new FederationRejectedException(RejectionName(verdict.Rejection!.Value), verdict.Message);
        }
        if (sender is not null && !string.Equals(verdict.Envelope!.Origin, sender, StringComparison.Ordinal))
        {
            throw new FederationRejectedException("wrong_origin",
                $"The message is signed as {verdict.Envelope.Origin}, but it came over {sender}'s connection (its TLS client certificate); a peer sends only its own messages.");
        }
        return Read(verdict.Envelope!, parser);
    }

    /// <summary>
    /// As <see cref="Open{T}"/>, and refuses an envelope whose origin and sequence <paramref name="seen"/> has met before.
    /// A message refused for any other reason is not recorded, so it cannot use up the real sender's sequence number.
    /// </summary>
    public Opened<T> OpenOnce<T>(SignedMessage message, MessageParser<T> parser, RecentEnvelopes seen, string? sender = null) where T : IMessage<T>
    {
        var opened = Open(message, parser, sender);
        if (!seen.TryRecord(opened.Envelope))
        {
            throw new FederationRejectedException("replayed",
                $"Message {opened.Envelope.Origin} #{opened.Envelope.Sequence} was received before; a replayed message is refused.");
        }
        return opened;
    }

    private static Opened<T> Read<T>(SignedEnvelope envelope, MessageParser<T> parser) where T : IMessage<T>
    {
        var expected = parser.ParseFrom(ByteString.Empty).Descriptor.FullName;
        if (!string.Equals(envelope.PayloadType, expected, StringComparison.Ordinal))
        {
            throw new FederationRejectedException("wrong_payload",
                $"The envelope from {envelope.Origin} carries {envelope.PayloadType}, where {expected} was expected.");
        }
        if (envelope.Payload is not CanonicalBytes bytes)
        {
            throw new FederationRejectedException("wrong_payload", $"The envelope from {envelope.Origin} does not carry protobuf bytes.");
        }
        try
        {
            return new Opened<T>(envelope, parser.ParseFrom(bytes.Value.AsSpan()));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new FederationRejectedException("malformed", $"The {expected} from {envelope.Origin} cannot be read: {e.Message}");
        }
    }

    private static string RejectionName(EnvelopeRejection rejection) => rejection switch
    {
        EnvelopeRejection.Malformed => "malformed",
        EnvelopeRejection.UnknownOrigin => "unknown_origin",
        EnvelopeRejection.UnknownKey => "unknown_key",
        EnvelopeRejection.BadSignature => "bad_signature",
        EnvelopeRejection.Expired => "expired",
        EnvelopeRejection.IssuedInFuture => "issued_in_future",
        EnvelopeRejection.Replayed => "replayed",
        EnvelopeRejection.SequenceTooOld => "sequence_too_old",
        _ => "rejected",
    };
}

/// <summary>
/// The envelopes accepted within the verifier's freshness window, by origin and sequence, so that a query replayed
/// while it is still fresh is refused. An older replay is refused as expired, so nothing older needs keeping.
/// Held in memory: the node's database ledger (FederationReplayGuard in the host) also refuses a replay to another
/// silo or after a restart; this cache spares it the replays one process meets itself.
/// </summary>
public sealed class RecentEnvelopes(TimeProvider time, TimeSpan keepFor, int capacity = 100_000)
{
    private readonly ConcurrentDictionary<(string Origin, long Sequence), DateTimeOffset> _seen = new();
    private long _lastSweep;

    /// <summary>False when the envelope was recorded before; also false when the store is full of fresh envelopes (fail closed).</summary>
    public bool TryRecord(SignedEnvelope envelope)
    {
        var now = time.GetUtcNow();
        Sweep(now);
        if (_seen.Count >= capacity)
        {
            return false;
        }
        return _seen.TryAdd((envelope.Origin, envelope.Sequence), now + keepFor);
    }

    private void Sweep(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref _lastSweep);
        if (now.UtcTicks - last < TimeSpan.TicksPerSecond || Interlocked.CompareExchange(ref _lastSweep, now.UtcTicks, last) != last)
        {
            return;
        }
        foreach (var entry in _seen)
        {
            if (entry.Value < now)
            {
                _seen.TryRemove(entry.Key, out _);
            }
        }
    }
}
