using System.Collections.Immutable;
using FederatedRegistry.Domain.Audit;
using FederatedRegistry.Storage;

namespace FederatedRegistry.Grains;

/// <summary>Audit checkpoints and entries between the store's rows (hex text) and the domain (bytes).</summary>
public static class AuditRows
{
    /// <summary>The checkpoint a row holds; a hash or signature that is no longer hex (edited in the database) reads as no bytes, which fails verification.</summary>
    public static AuditCheckpoint ToDomain(AuditCheckpointRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(row.NodeCode, row.Size, Bytes(row.HeadHash), row.At, row.KeyId, Bytes(row.Signature));
    }

    public static AuditCheckpointRow ToRow(AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return new(checkpoint.Size, AuditEntry.Hex(checkpoint.HeadHash), checkpoint.At, checkpoint.NodeCode, checkpoint.KeyId, AuditEntry.Hex(checkpoint.Signature));
    }

    /// <summary>The sealed entry a row holds, without its payload and source key; hashes that are not hex read as no bytes.</summary>
    public static AuditEntry ToDomain(SealedAuditEntry row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(row.Sequence, row.At, row.Actor, row.Action, row.Subject, Bytes(row.PayloadHash), Bytes(row.PreviousHash), Bytes(row.EntryHash));
    }

    public static PeerCheckpoint ToPeerCheckpoint(AuditCheckpointRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(row.NodeCode, row.Size, row.HeadHash, row.At, row.KeyId, row.Signature);
    }

    private static ImmutableArray<byte> Bytes(string hex)
    {
        try
        {
            return AuditEntry.FromHex(hex);
        }
        catch (FormatException)
        {
            return [];
        }
    }
}
