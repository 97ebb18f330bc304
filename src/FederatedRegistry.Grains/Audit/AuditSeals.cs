using FederatedRegistry.Domain.Audit;
using FederatedRegistry.Storage;

namespace FederatedRegistry.Grains;

/// <summary>How the sealer chains appended entries onto the head of the log.</summary>
public static class AuditSeals
{
    /// <summary>
    /// The seals that chain <paramref name="rows"/>, in order, onto <paramref name="head"/>, and the head they make; nothing
    /// is stored until the caller saves the seals.
    /// </summary>
    public static (IReadOnlyList<AuditSeal> Seals, AuditHead Head) Chain(AuditHead head, IReadOnlyList<UnsealedAuditRecord> rows)
    {
        var seals = new List<AuditSeal>(rows.Count);
        foreach (var row in rows)
        {
            var entry = AuditEntry.Seal(head.Size + 1, row.At, row.Actor, row.Action, row.Subject, AuditEntry.FromHex(row.PayloadHash), head.Hash);
            seals.Add(new AuditSeal(row.Id, entry.Sequence, AuditEntry.Hex(entry.PreviousHash), AuditEntry.Hex(entry.EntryHash)));
            head = new AuditHead(entry.Sequence, entry.EntryHash);
        }
        return (seals, head);
    }
}
