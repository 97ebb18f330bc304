using System.CommandLine;

namespace FederatedRegistry.Bench;

public static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        var figure = new Option<string>("--figure") { Description = "Figures to measure, comma-separated (implemented: 1-6; the default leaves out 3, which seeds a million rows).", DefaultValueFactory = _ => "1,2,4,5,6" };
        var duration = new Option<string>("--duration") { Description = "Length of one side of one round, e.g. 5s.", DefaultValueFactory = _ => "5s" };
        var rounds = new Option<int>("--rounds") { Description = "Alternated A/B rounds per comparison.", DefaultValueFactory = _ => 5 };
        var concurrency = new Option<int>("--concurrency") { Description = "Concurrent writers (figure 1).", DefaultValueFactory = _ => 16 };
        var starts = new Option<int>("--starts") { Description = "Cold starts per side (figure 6).", DefaultValueFactory = _ => 5 };
        var output = new Option<FileInfo?>("--markdown") { Description = "Also write the table to this file." };
        var importMemory = new Option<int>("--import-memory")
        {
            Description = "Instead of the figures: import this many registrations with fedreg import into an empty node on PostgreSQL, then let it idle, following its memory and live registration grains (figure 3's memory over time).",
        };
        var memoryLimit = new Option<string>("--memory-limit")
        {
            Description = "The node's container memory limit for --import-memory, in MiB, as the Helm chart sets it (its GC heap gets 75% of it, as in a container), or none.",
            DefaultValueFactory = _ => "1024",
        };
        var idle = new Option<string>("--idle") { Description = "How long --import-memory follows the node after the import, e.g. 4m.", DefaultValueFactory = _ => "4m" };
        var breakdown = new Option<bool>("--breakdown") { Description = "Also print where the time went: every activity the node's libraries emit (SQL, gRPC, grain calls), counted and timed." };
        var root = new RootCommand("FederatedRegistry benchmarks: the node against baselines timed in the same run.")
        {
            figure, duration, rounds, concurrency, starts, output, breakdown, importMemory, memoryLimit, idle,
        };
        root.SetAction(async (result, ct) =>
        {
            BenchOptions options;
            try
            {
                options = new BenchOptions(
                    BenchOptions.ParseFigures(result.GetValue(figure)!),
                    BenchOptions.ParseDuration(result.GetValue(duration)!),
                    Math.Max(1, result.GetValue(rounds)),
                    Math.Max(1, result.GetValue(concurrency)),
                    Math.Max(1, result.GetValue(starts)));
            }
            catch (FormatException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 2;
            }

            var importRows = result.GetValue(importMemory);
            TimeSpan idleFor;
            try
            {
                idleFor = BenchOptions.ParseDuration(result.GetValue(idle)!);
            }
            catch (FormatException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 2;
            }
            int? limitMiB = null;
            if (result.GetValue(memoryLimit) is { } limitText && !string.Equals(limitText, "none", StringComparison.OrdinalIgnoreCase))
            {
                if (!int.TryParse(limitText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) || parsed < 64)
                {
                    await Console.Error.WriteLineAsync($"--memory-limit '{limitText}' must be a number of MiB, 64 or more, or none.");
                    return 2;
                }
                limitMiB = parsed;
            }
            if (importRows < 0)
            {
                await Console.Error.WriteLineAsync("--import-memory must be a number of rows, 1 or more.");
                return 2;
            }
            if (importRows > 0)
            {
                var memoryRows = await ImportMemory.RunAsync(importRows, idleFor, limitMiB, Console.Out, ct);
                Results.Print(memoryRows, Console.Out);
                return 0;
            }

            Console.Error.WriteLine($"figures {string.Join(",", options.Figures)}; {options.Rounds} rounds x {options.Duration.TotalSeconds:F1} s per side; concurrency {options.Concurrency}; {Environment.ProcessorCount} cores");
            using var trace = result.GetValue(breakdown) ? new TraceBreakdown() : null;
            var loadBefore = Machine.LoadAverage();
            var rows = new List<ResultRow>();
            if (options.Figures.Contains(1))
            {
                rows.AddRange(await Figure1Writes.RunAsync(options, ct));
            }
            if (options.Figures.Contains(2))
            {
                rows.AddRange(await Figure2Crud.RunAsync(options, ct));
            }
            if (options.Figures.Contains(3))
            {
                rows.AddRange(await Figure3Summary.RunAsync(options, ct));
            }
            if (options.Figures.Contains(6))
            {
                rows.AddRange(await Figure6ColdStart.RunAsync(options, ct));
            }
            rows.AddRange(await FederationFigures.RunAsync(options, ct));
            var machine = Machine.Describe(loadBefore, Machine.LoadAverage());
            Console.Out.WriteLine(machine);
            Console.Out.WriteLine();
            Results.Print(rows, Console.Out);
            if (trace is not null)
            {
                Console.Out.WriteLine();
                trace.Print(Console.Out);
            }
            if (result.GetValue(output) is { } file)
            {
                await using var writer = file.CreateText();
                await writer.WriteLineAsync(machine);
                await writer.WriteLineAsync();
                Results.Print(rows, writer);
            }
            // A missed target is a finding for the table, not a failure of the harness.
            return 0;
        });
        return await root.Parse(args).InvokeAsync();
    }
}
