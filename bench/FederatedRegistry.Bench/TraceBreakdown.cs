using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace FederatedRegistry.Bench;

/// <summary>
/// <c>--breakdown</c>: listens to the activities the node's libraries already emit (ASP.NET Core, gRPC, Orleans,
/// Npgsql) while the figures run, and prints per activity how often it ran and how long it took. It tells where a
/// write's time goes — which SQL, how many round trips per request — without touching the node's code.
/// </summary>
public sealed class TraceBreakdown : IDisposable
{
    private static readonly string[] Sources = ["Npgsql", "Microsoft.AspNetCore", "Microsoft.Orleans", "Grpc", "FederatedRegistry"];

    // Which figure runs now, so that two stores measured one after the other are not added together.
    private static volatile string _section = "";

    private readonly ConcurrentDictionary<(string Section, string Name), Stat> _stats = new();
    private readonly ActivityListener _listener;

    public TraceBreakdown()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => Sources.Any(s => source.Name.StartsWith(s, StringComparison.Ordinal)),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Record,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Names what runs from now on (e.g. "1 PostgreSQL"); the table groups its activities under that name.</summary>
    public static void Section(string name) => _section = name;

    public void Print(TextWriter output)
    {
        output.WriteLine("| section | activity | count | mean ms | total s |");
        output.WriteLine("| --- | --- | ---: | ---: | ---: |");
        foreach (var ((section, name), stat) in _stats.OrderBy(s => s.Key.Section, StringComparer.Ordinal).ThenByDescending(s => s.Value.TotalTicks))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {section} | {name} | {stat.Count} | {TimeSpan.FromTicks(stat.TotalTicks).TotalMilliseconds / stat.Count:F2} | {TimeSpan.FromTicks(stat.TotalTicks).TotalSeconds:F1} |"));
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Activity activity)
    {
        var query = activity.GetTagItem("db.query.text") ?? activity.GetTagItem("db.statement");
        var name = $"{activity.Source.Name}: {(query is string text ? Shorten(text) : activity.DisplayName)}";
        var stat = _stats.GetOrAdd((_section, name), _ => new Stat());
        Interlocked.Increment(ref stat.Count);
        Interlocked.Add(ref stat.TotalTicks, activity.Duration.Ticks);
    }

    private static string Shorten(string sql)
    {
        var oneLine = string.Join(' ', sql.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries)).Replace("|", "/", StringComparison.Ordinal);
        return oneLine.Length <= 90 ? oneLine : oneLine[..90] + "…";
    }

    private sealed class Stat
    {
        public long Count;
        public long TotalTicks;
    }
}
