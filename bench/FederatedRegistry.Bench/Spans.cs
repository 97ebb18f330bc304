using System.Diagnostics;
using System.Globalization;

namespace FederatedRegistry.Bench;

/// <summary>
/// Where a figure's time goes, when <c>FEDREG_BENCH_SPANS=1</c>: every ASP.NET Core request and Orleans grain call the
/// nodes in this process trace, summed by name and printed to stderr after each measured phase. Off by default, because
/// creating every activity costs the nodes a little.
/// </summary>
public sealed class Spans : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<double>> _byName = new(StringComparer.Ordinal);

    private Spans()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) ||
                source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
            Sample = (ref _) => ActivitySamplingResult.AllData,
            ActivityStopped = Stopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>A listener when FEDREG_BENCH_SPANS=1, else null.</summary>
    public static Spans? StartIfAsked() => Environment.GetEnvironmentVariable("FEDREG_BENCH_SPANS") == "1" ? new Spans() : null;

    /// <summary>Prints the spans since the last print, by total time, and forgets them.</summary>
    public void Print(string phase, long operations)
    {
        List<(string Name, List<double> Ms)> spans;
        lock (_gate)
        {
            spans = [.. _byName.Select(p => (p.Key, p.Value))];
            _byName.Clear();
        }
        Console.Error.WriteLine($"  spans of {phase} ({operations} operations): name, count, p50 ms, p99 ms, total ms per operation");
        foreach (var (name, ms) in spans.OrderByDescending(s => s.Ms.Sum()).Take(25))
        {
            ms.Sort();
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {name}: {ms.Count}, {ms[ms.Count / 2]:F2}, {ms[Math.Min(ms.Count - 1, (int)Math.Ceiling(0.99 * ms.Count) - 1)]:F2}, {ms.Sum() / Math.Max(1, operations):F2}"));
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Stopped(Activity activity)
    {
        var name = activity.Source.Name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
            ? $"server {activity.GetTagItem("server.port")} {activity.GetTagItem("url.path") ?? activity.DisplayName}"
            : activity.DisplayName;
        lock (_gate)
        {
            if (!_byName.TryGetValue(name, out var list))
            {
                _byName[name] = list = [];
            }
            list.Add(activity.Duration.TotalMilliseconds);
        }
    }
}
