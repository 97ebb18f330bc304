using System.Globalization;

namespace FederatedRegistry.Bench;

/// <summary>The command line, parsed: which figures, and how long and how hard each side of a figure is driven.</summary>
public sealed record BenchOptions(IReadOnlySet<int> Figures, TimeSpan Duration, int Rounds, int Concurrency, int Starts)
{
    public static readonly int[] Implemented = [1, 2, 3, 4, 5, 6];

    /// <summary>"10s", "500ms", "2m" or a TimeSpan ("00:00:10").</summary>
    public static TimeSpan ParseDuration(string text)
    {
        text = text.Trim();
        (string Suffix, double Scale)[] units = [("ms", 0.001), ("s", 1), ("m", 60)];
        foreach (var (suffix, scale) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) &&
                double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0)
            {
                return TimeSpan.FromSeconds(value * scale);
            }
        }
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero
            ? span
            : throw new FormatException($"'{text}' is not a duration; write e.g. 10s, 500ms or 00:00:10.");
    }

    public static IReadOnlySet<int> ParseFigures(string text)
    {
        var figures = new SortedSet<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var figure) || !Implemented.Contains(figure))
            {
                throw new FormatException($"'{part}' is not a figure this harness measures; it measures {string.Join(", ", Implemented)}.");
            }
            figures.Add(figure);
        }
        return figures;
    }
}
