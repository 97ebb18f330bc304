using FederatedRegistry.Domain.Audit;
using FederatedRegistry.Storage;

namespace FederatedRegistry.Grains;

/// <summary>
/// Chains the entries appended to one audit log onto its head, a batch at a time, in the order appended. The head is
/// read from the log by the first seal and then kept in memory; after a failure <see cref="Forget"/> makes the next seal
/// read it again, since nothing of a failed batch is stored. One sealer per log at a time: two would chain the same
/// entries twice, and the log refuses the second.
/// </summary>
public sealed class AuditSealer(IAuditLog log, int batchSize)
{
    private readonly int _batchSize = Math.Max(1, batchSize);

    /// <summary>The last sealed entry as this sealer knows it; null before the first seal and after <see cref="Forget"/>.</summary>
    public AuditHead? Head { get; private set; }

    /// <summary>Drops the head kept in memory, for the next seal to read it from the log.</summary>
    public void Forget() => Head = null;

    /// <summary>Seals every entry appended and not yet sealed, a batch per transaction; gives how many it sealed.</summary>
    public async Task<long> SealPendingAsync(CancellationToken ct)
    {
        var head = Head ?? await ReadHeadAsync(ct);
        Head = head;
        var added = 0L;
        while (!ct.IsCancellationRequested)
        {
            var rows = await log.ReadUnsealedAsync(_batchSize, ct);
            if (rows.Count == 0)
            {
                break;
            }
            var seals = new List<AuditSeal>(rows.Count);
            foreach (var row in rows)
            {
                var entry = AuditEntry.Seal(head.Size + 1, row.At, row.Actor, row.Action, row.Subject, AuditEntry.FromHex(row.PayloadHash), head.Hash);
                seals.Add(new AuditSeal(row.Id, entry.Sequence, AuditEntry.Hex(entry.PreviousHash), AuditEntry.Hex(entry.EntryHash)));
                head = new AuditHead(entry.Sequence, entry.EntryHash);
            }
            await log.SealAsync(seals, ct);
            Head = head;
            added += rows.Count;
            if (rows.Count < _batchSize)
            {
                break;
            }
        }
        return added;
    }

    private async Task<AuditHead> ReadHeadAsync(CancellationToken ct)
    {
        var stored = await log.ReadHeadAsync(ct);
        return stored.EntryHash is null ? AuditHead.Genesis : new AuditHead(stored.Size, AuditEntry.FromHex(stored.EntryHash));
    }
}
