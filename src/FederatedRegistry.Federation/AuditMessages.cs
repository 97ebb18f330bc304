using System.Collections.Immutable;
using FederatedRegistry.Domain.Audit;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using V1 = FederatedRegistry.Contracts.V1;

namespace FederatedRegistry.Federation;

/// <summary>Audit checkpoints and entries between the domain and their protobuf messages, byte for byte.</summary>
public static class AuditMessages
{
    public static V1.AuditCheckpoint ToProto(AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return new()
        {
            NodeCode = checkpoint.NodeCode,
            Size = checkpoint.Size,
            HeadHash = Bytes(checkpoint.HeadHash),
            At = Timestamp.FromDateTimeOffset(checkpoint.At),
            KeyId = checkpoint.KeyId,
            Signature = Bytes(checkpoint.Signature),
        };
    }

    /// <summary>The checkpoint a message carries; a missing time reads as the epoch, which no signature covers.</summary>
    public static AuditCheckpoint ToDomain(V1.AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return new(checkpoint.NodeCode, checkpoint.Size, [.. checkpoint.HeadHash.Span], Time(checkpoint.At), checkpoint.KeyId,
            [.. checkpoint.Signature.Span]);
    }

    public static V1.AuditEntry ToProto(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new()
        {
            Sequence = entry.Sequence,
            At = Timestamp.FromDateTimeOffset(entry.At),
            Actor = entry.Actor,
            Action = entry.Action,
            Subject = entry.Subject,
            PayloadHash = Bytes(entry.PayloadHash),
            PreviousHash = Bytes(entry.PreviousHash),
            EntryHash = Bytes(entry.EntryHash),
        };
    }

    public static AuditEntry ToDomain(V1.AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new(entry.Sequence, Time(entry.At), entry.Actor, entry.Action, entry.Subject, [.. entry.PayloadHash.Span],
            [.. entry.PreviousHash.Span], [.. entry.EntryHash.Span]);
    }

    private static ByteString Bytes(ImmutableArray<byte> bytes) => bytes.IsDefault ? ByteString.Empty : ByteString.CopyFrom(bytes.AsSpan());

    private static DateTimeOffset Time(Timestamp? at) => at is null ? DateTimeOffset.UnixEpoch : at.ToDateTimeOffset();
}
