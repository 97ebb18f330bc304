using System.Runtime.InteropServices;

namespace FederatedRegistry.Bench;

/// <summary>
/// What a table was measured on. The load average goes beside every table because the machines are shared: a ratio
/// measured while other builds ran says so itself.
/// </summary>
public static class Machine
{
    /// <summary>The 1-minute load average, or null where /proc/loadavg does not exist.</summary>
    public static string? LoadAverage()
    {
        const string path = "/proc/loadavg";
        return File.Exists(path) ? File.ReadAllText(path).Split(' ')[0] : null;
    }

    public static string Describe(string? loadBefore, string? loadAfter) =>
        $"machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024 * 1024)} GiB, " +
        $"{RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}; " +
        $"1-minute load average {loadBefore ?? "n/a"} before, {loadAfter ?? "n/a"} after";
}
