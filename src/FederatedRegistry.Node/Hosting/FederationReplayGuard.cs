using FederatedRegistry.Domain.Signing;
using FederatedRegistry.Storage;

namespace FederatedRegistry.Node.Hosting;

/// <summary>
/// The node-wide half of replay protection. The verifier's in-memory cache refuses a replay to the same process at no
/// cost; this ledger, in the node's database, refuses it on every other silo of the node and after a restart, for as
/// long as the envelope is fresh enough to be believed at all.
/// </summary>
internal sealed class FederationReplayGuard(IEnvelopeLedger ledger, TimeProvider clock, TimeSpan keepFor)
{
    public TimeSpan KeepFor => keepFor;

    /// <summary>True the first time the node meets <paramref name="envelope"/>; false for a replay.</summary>
    public Task<bool> FirstTimeAsync(SignedEnvelope envelope, CancellationToken ct) =>
        ledger.TryRecordAsync(envelope.Origin, envelope.Sequence, clock.GetUtcNow() + keepFor, ct);
}

/// <summary>Forgets expired ledger entries now and then, so the table holds only the last few minutes of queries.</summary>
internal sealed class EnvelopeLedgerSweeper(IEnvelopeLedger ledger, TimeProvider clock, ILogger<EnvelopeLedgerSweeper> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ledger.ForgetExpiredAsync(clock.GetUtcNow(), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A missed sweep only leaves expired rows for the next one.
                logger.LogWarning(e, "Forgetting expired federation envelopes failed; retrying in {Interval}", Interval);
            }
        }
    }
}
