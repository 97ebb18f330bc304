using FederatedRegistry.Domain.Audit;
using FederatedRegistry.Domain.Signing;
using FederatedRegistry.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FederatedRegistry.Grains;

/// <remarks>
/// The chain's head is read from the database by the first seal and then kept in memory; a failed seal (nothing of it is
/// stored) makes the next one read it again. The timer does not interleave with calls, so a seal never overlaps another.
/// </remarks>
public sealed partial class AuditChainGrain(
    IAuditLog log,
    NodeKey key,
    IOptions<NodeOptions> node,
    IOptions<AuditOptions> options,
    TimeProvider clock,
    ILogger<AuditChainGrain> logger) : Grain, IAuditChainGrain, IRemindable
{
    private readonly AuditSealer _sealer = new(log, options.Value.SealBatchSize);
    private AuditCheckpointRow? _checkpoint;
    private bool _checkpointRead;
    private string? _lastError;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var interval = options.Value.SealInterval > TimeSpan.Zero ? options.Value.SealInterval : TimeSpan.FromMilliseconds(250);
        this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TimeSpan.Zero, interval) { KeepAlive = true, Interleave = false });
        // The node's one sealer must outlive the silo it runs on.
        await this.KeepWorkingAsync();
        await base.OnActivateAsync(cancellationToken);
    }

    public Task WakeAsync() => Task.CompletedTask;

    // Being activated is the point: the timer does the work.
    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;

    public async Task<AuditChainStatus> SealNowAsync()
    {
        await TickAsync(CancellationToken.None);
        return Status();
    }

    public Task<AuditChainStatus> GetStatusAsync() => Task.FromResult(Status());

    private AuditChainStatus Status() => new(_sealer.Head?.Size ?? 0, _checkpoint?.Size ?? 0, _checkpoint?.At, _lastError);

    private async Task TickAsync(CancellationToken ct)
    {
        try
        {
            var added = await _sealer.SealPendingAsync(ct);
            await CheckpointIfDueAsync(ct);
            if (added > 0)
            {
                LogSealed(added, _sealer.Head!.Size);
            }
            _lastError = null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Nothing of a failed seal is stored: read the head again and retry at the next tick.
            _sealer.Forget();
            _checkpointRead = false;
            _lastError = e.Message;
            LogSealFailed(e);
        }
    }

    private async Task CheckpointIfDueAsync(CancellationToken ct)
    {
        if (!_checkpointRead)
        {
            _checkpoint = await log.ReadLatestCheckpointAsync(ct);
            _checkpointRead = true;
        }
        var head = _sealer.Head!;
        var now = clock.GetUtcNow();
        if (head.Size == 0 || head.Size <= (_checkpoint?.Size ?? 0)
            || (_checkpoint is { } last && now - last.At < options.Value.CheckpointInterval))
        {
            return;
        }
        var checkpoint = AuditCheckpoint.Sign(key, node.Value.Code, head.Size, head.Hash, now);
        var row = new AuditCheckpointRow(checkpoint.Size, AuditEntry.Hex(checkpoint.HeadHash), checkpoint.At, checkpoint.NodeCode, checkpoint.KeyId,
            AuditEntry.Hex(checkpoint.Signature));
        await log.SaveCheckpointAsync(row, ct);
        _checkpoint = row;
        LogCheckpoint(row.Size);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Audit chain: sealed {Count} entries, size {Size}")]
    private partial void LogSealed(long count, long size);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit chain: signed a checkpoint at size {Size}")]
    private partial void LogCheckpoint(long size);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit chain: sealing failed; retrying at the next tick")]
    private partial void LogSealFailed(Exception error);
}
