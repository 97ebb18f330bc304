using System.Diagnostics;

namespace FederatedRegistry.Bench;

/// <summary>
/// Processor time this process spends per operation: on a shared machine, where latency mostly measures the wait for
/// a turn on a core, CPU time per operation says how much work an operation is. What the idle nodes burn meanwhile
/// (timers, membership, audit sealing) is measured first and taken off.
/// </summary>
public static class CpuTime
{
    /// <summary>Runs <paramref name="operation"/> with one caller for <paramref name="duration"/>; gives it and its CPU milliseconds per operation.</summary>
    public static async Task<(Measured Measured, double CpuMsPerOperation)> PerOperationAsync(
        string name, TimeSpan duration, Load.Operation operation, CancellationToken ct)
    {
        var idleStart = Now();
        var idleClock = Stopwatch.StartNew();
        await Task.Delay(duration, ct);
        var idlePerSecond = (Now() - idleStart).TotalMilliseconds / idleClock.Elapsed.TotalSeconds;

        var start = Now();
        var measured = await Load.RunAsync(name, 1, duration, operation, ct);
        var busy = (Now() - start).TotalMilliseconds - idlePerSecond * measured.Elapsed.TotalSeconds;
        return (measured, measured.Operations == 0 ? double.NaN : Math.Max(0, busy) / measured.Operations);
    }

    private static TimeSpan Now()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }
}
