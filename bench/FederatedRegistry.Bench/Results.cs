using System.Globalization;

namespace FederatedRegistry.Bench;

/// <summary>One line of the table: a measure of the node beside its baseline, and the target for their ratio.</summary>
/// <param name="Target">Human-readable target, e.g. "≥ 0.7×".</param>
/// <param name="Passes">Whether the measured value meets the target; null when the row is informational.</param>
public sealed record ResultRow(string Figure, string Measure, double Node, double Baseline, string Unit, string Target, bool? Passes, string? Note = null)
{
    public double Ratio => Baseline == 0 ? double.NaN : Node / Baseline;
}

public static class Results
{
    /// <summary>Markdown, so that the same text goes to the console and into bench/README.md.</summary>
    public static void Print(IReadOnlyList<ResultRow> rows, TextWriter output)
    {
        output.WriteLine("| figure | measure | node | baseline | ratio | target | result |");
        output.WriteLine("| --- | --- | ---: | ---: | ---: | --- | --- |");
        foreach (var row in rows)
        {
            var result = row.Passes switch { true => "pass", false => "FAIL", null => "info" };
            if (row.Note is not null)
            {
                result += $" ({row.Note})";
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Figure} | {row.Measure} | {Format(row.Node, row.Unit)} | {Format(row.Baseline, row.Unit)} | {row.Ratio:F2}× | {row.Target} | {result} |"));
        }
    }

    private static string Format(double value, string unit) => unit switch
    {
        "/s" => string.Create(CultureInfo.InvariantCulture, $"{value:F0}/s"),
        "answers" or "items" => string.Create(CultureInfo.InvariantCulture, $"{value:F0} {unit}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{value:F1} {unit}"),
    };
}
