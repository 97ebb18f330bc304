using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace FederatedRegistry.Domain.Exports;

/// <summary>What an export cell holds.</summary>
public enum ExportCellKind
{
    /// <summary>Nothing: the node holds no value here, or may not show it to this caller.</summary>
    Empty = 0,
    Text = 1,
    Flag = 2,
    List = 3,
}

/// <summary>
/// One value of an exported row. CSV writes it as <see cref="CsvText"/>; JSON as a string, a boolean, an array of
/// strings, or null for <see cref="ExportCellKind.Empty"/>. Times are ISO 8601 in UTC, enum values lower-case words.
/// </summary>
public readonly record struct ExportCell(ExportCellKind Kind, string? Text, bool Flag, IReadOnlyList<string>? Items)
{
    // Readable in a spreadsheet: non-ASCII letters stay as they are rather than \u escapes.
    private static readonly JsonSerializerOptions ListJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly ExportCell Empty = default;

    /// <summary>Text; an empty or missing string is <see cref="Empty"/>.</summary>
    public static ExportCell Of(string? text) => string.IsNullOrEmpty(text) ? Empty : new(ExportCellKind.Text, text, false, null);

    public static ExportCell Of(bool flag) => new(ExportCellKind.Flag, null, flag, null);

    public static ExportCell Of(IEnumerable<string> items) => new(ExportCellKind.List, null, false, [.. items]);

    /// <summary>An instant, e.g. "2026-11-02T08:30:00Z" (fractions of a second only when there are some).</summary>
    public static ExportCell Of(DateTimeOffset? time) =>
        time is { } t ? Of(t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)) : Empty;

    /// <summary>The UTC calendar day of an instant, e.g. "2026-11-02", as the AI Incident Database writes its dates.</summary>
    public static ExportCell DateOf(DateTimeOffset? time) =>
        time is { } t ? Of(t.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) : Empty;

    /// <summary>An enum value as lower-case words: <c>HarmType.HealthAndSafety</c> is "health and safety".</summary>
    public static ExportCell Words<T>(T? value) where T : struct, Enum => value is { } v ? Of(WordsOf(v)) : Empty;

    public static ExportCell Words<T>(T value) where T : struct, Enum => Of(WordsOf(value));

    /// <summary>Enum values as lower-case words, in the order given.</summary>
    public static ExportCell Words<T>(IEnumerable<T> values) where T : struct, Enum => Of(values.Select(WordsOf));

    public static string WordsOf<T>(T value) where T : struct, Enum => EnumNames.ToSnake(value).Replace('_', ' ');

    /// <summary>
    /// The cell as CSV text: text as it is, "true" or "false", a list as a JSON array of strings (as the AI Incident
    /// Database's incidents.csv writes its lists, e.g. ["patients over 65"]), and "" for <see cref="ExportCellKind.Empty"/>.
    /// </summary>
    public string CsvText => Kind switch
    {
        ExportCellKind.Text => Text!,
        ExportCellKind.Flag => Flag ? "true" : "false",
        ExportCellKind.List => JsonSerializer.Serialize(Items, ListJson),
        _ => "",
    };
}

/// <summary>One column of an export: its name, and how a record fills it.</summary>
public sealed record ExportColumn<TSource>(string Name, Func<TSource, ExportCell> Value);

/// <summary>The format an export is written in.</summary>
public enum ExportFormat
{
    /// <summary>RFC 4180 CSV with a header row, UTF-8.</summary>
    Csv = 1,

    /// <summary>One JSON document: the node, the time of the export, and the records as objects keyed by column name.</summary>
    Json = 2,
}

public static class ExportFormats
{
    public const string Rule = "must be csv or json";

    /// <summary>"csv" or "json", in any case; null for anything else, empty included.</summary>
    public static ExportFormat? Parse(string? name) => name?.ToLowerInvariant() switch
    {
        "csv" => ExportFormat.Csv,
        "json" => ExportFormat.Json,
        _ => null,
    };

    /// <summary>Refuses a format that is not csv or json, naming the field.</summary>
    public static ExportFormat? Validate(FieldRules rules, string field, string? name)
    {
        var format = Parse(name);
        if (format is null)
        {
            rules.Add(field, Rule);
        }
        return format;
    }
}
