using FederatedRegistry.Domain.Audit;
using FederatedRegistry.Federation;
using FederatedRegistry.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FederatedRegistry.Grains;

/// <remarks>
/// The kept checkpoint and the evidence are read from the store at activation and then kept in memory; only the timer
/// writes them. The timer interleaves with calls, so that reading the status never waits for a peer that is slow, and a
/// check never overlaps another. A long proof is read in pages within one check; only a proved checkpoint is kept.
/// </remarks>
public sealed partial class AuditWitnessGrain(
    IAuditWitnessStore store,
    FederationClient client,
    IOptions<AuditOptions> options,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<AuditWitnessGrain> logger) : Grain, IAuditWitnessGrain, IRemindable
{
    /// <summary>How many pieces of evidence the status shows (the newest).</summary>
    public const int EvidenceShown = 10;

    // One page of proof is at most 10,000 entries: a generous bound for one call.
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stopping = new();
    private WitnessedCheckpointRow? _kept;
    private IReadOnlyList<WitnessEvidenceRow> _evidence = [];
    private bool _checking;
    private DateTimeOffset? _checkedAt;
    private DateTimeOffset? _lastAttemptAt;
    private string? _lastError;

    private string PeerCode => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _kept = await store.ReadLatestCheckpointAsync(PeerCode, cancellationToken);
        _evidence = await store.ReadEvidenceAsync(PeerCode, EvidenceShown, cancellationToken);
        var interval = options.Value.WitnessInterval > TimeSpan.Zero ? options.Value.WitnessInterval : TimeSpan.FromMinutes(1);
        this.RegisterGrainTimer(CheckAsync, new GrainTimerCreationOptions(TimeSpan.Zero, interval) { KeepAlive = true, Interleave = true });
        // Witnessing a peer must outlive the silo it runs on.
        await this.KeepWorkingAsync();
        await base.OnActivateAsync(cancellationToken);
    }

    public Task WakeAsync() => Task.CompletedTask;

    // Being activated is the point: the timer does the work.
    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;

    public Task<AuditWitnessStatus> GetStatusAsync() => Task.FromResult(new AuditWitnessStatus(
        PeerCode,
        _evidence.Count > 0 ? WitnessState.Inconsistent : _kept is not null ? WitnessState.Consistent : WitnessState.NeverSeen,
        _kept is null ? null : AuditRows.ToPeerCheckpoint(_kept.Checkpoint),
        _kept?.WitnessedAt,
        _checkedAt,
        _lastAttemptAt,
        _lastError,
        [.. _evidence.Select(e => new WitnessEvidence(e.DetectedAt, e.Seen is null ? null : AuditRows.ToPeerCheckpoint(e.Seen),
            e.Answered is null ? null : AuditRows.ToPeerCheckpoint(e.Answered), e.Findings.Split('\n'), e.AnswerEnvelope))]));

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    private async Task CheckAsync(CancellationToken timerToken)
    {
        if (_checking)
        {
            return;
        }
        _checking = true;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, timerToken, lifetime.ApplicationStopping);
        try
        {
            _lastAttemptAt = clock.GetUtcNow();
            await CheckPeerAsync(stop.Token);
        }
        catch (Exception e) when (!stop.IsCancellationRequested)
        {
            var failure = FanOut.Classify(PeerCode, e, deadlinePassed: false);
            _lastError = $"{failure.Reason}: {failure.Detail}";
            LogCheckFailed(PeerCode, _lastError);
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // The node is stopping: the next start checks again.
        }
        finally
        {
            _checking = false;
        }
    }

    private async Task CheckPeerAsync(CancellationToken ct)
    {
        if (!client.Directory.TryGet(PeerCode, out var peer))
        {
            _lastError = $"{PeerCode} is not in the peer directory (Federation:Peers); it is not witnessed.";
            return;
        }
        var policyVersion = (await GrainFactory.GetGrain<IPolicyGrain>(IPolicyGrain.NodePolicy).GetAsync()).Version;
        var seen = _kept is null ? null : AuditRows.ToDomain(_kept.Checkpoint);
        AuditHead? reached = null;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var knownSize = reached?.Size ?? seen?.Size ?? 0;
            var answer = await client.GetAuditCheckpointAsync(peer, knownSize, policyVersion, clock.GetUtcNow().UtcDateTime + CallTimeout, ct);
            var answered = answer.Payload.Checkpoint is { } signed ? AuditMessages.ToDomain(signed) : null;
            var judgement = AuditWitness.Judge(peer.Code, peer.Key, seen, reached, answered, [.. answer.Payload.Proof.Select(AuditMessages.ToDomain)]);
            switch (judgement.Verdict)
            {
                case WitnessVerdict.Partial:
                    reached = judgement.Reached;
                    continue;
                case WitnessVerdict.Consistent:
                    await KeepAsync(seen, answered, ct);
                    _checkedAt = clock.GetUtcNow();
                    _lastError = null;
                    return;
                case WitnessVerdict.Inconsistent:
                    await RecordEvidenceAsync(answered, judgement, answer.Envelope.Encode(), ct);
                    _checkedAt = clock.GetUtcNow();
                    _lastError = judgement.Reason;
                    return;
                default:
                    _lastError = "unusable_answer: " + judgement.Reason;
                    LogUnusable(PeerCode, judgement.Reason);
                    return;
            }
        }
    }

    private async Task KeepAsync(AuditCheckpoint? seen, AuditCheckpoint? answered, CancellationToken ct)
    {
        if (answered is null || answered.Size <= (seen?.Size ?? 0))
        {
            return;
        }
        var row = AuditRows.ToRow(answered);
        var now = clock.GetUtcNow();
        await store.SaveCheckpointAsync(PeerCode, row, now, ct);
        _kept = new WitnessedCheckpointRow(PeerCode, row, now);
        LogKept(PeerCode, row.Size);
    }

    // The kept checkpoint stays: the next check is judged against it again, and evidence against it is recorded once.
    private async Task RecordEvidenceAsync(AuditCheckpoint? answered, WitnessJudgement judgement, byte[] envelope, CancellationToken ct)
    {
        var evidence = new WitnessEvidenceRow(PeerCode, clock.GetUtcNow(), _kept?.Checkpoint, answered is null ? null : AuditRows.ToRow(answered),
            string.Join('\n', judgement.Findings.Select(f => f.Message)), Convert.ToBase64String(envelope));
        if (await store.RecordEvidenceAsync(evidence, ct))
        {
            _evidence = await store.ReadEvidenceAsync(PeerCode, EvidenceShown, ct);
            LogInconsistent(PeerCode, _kept?.Checkpoint.Size ?? 0, answered?.Size ?? 0, judgement.Reason);
        }
        else
        {
            LogStillInconsistent(PeerCode, _kept?.Checkpoint.Size ?? 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Witness of {Peer}: kept its checkpoint of size {Size}")]
    private partial void LogKept(string peer, long size);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Witness of {Peer}: its audit log is inconsistent with its checkpoint of size {SeenSize} (it answered size {AnsweredSize}); evidence recorded: {Reason}")]
    private partial void LogInconsistent(string peer, long seenSize, long answeredSize, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Witness of {Peer}: still inconsistent with its checkpoint of size {SeenSize} (evidence recorded before)")]
    private partial void LogStillInconsistent(string peer, long seenSize);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Witness of {Peer}: its answer proves nothing: {Reason}")]
    private partial void LogUnusable(string peer, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Witness of {Peer}: the check failed ({Error}); retrying at the next interval")]
    private partial void LogCheckFailed(string peer, string error);
}
