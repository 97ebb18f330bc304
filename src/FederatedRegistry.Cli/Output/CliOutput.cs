using System.Text.Json;
using System.Text.Json.Nodes;
using FederatedRegistry.Cli.Errors;
using Google.Protobuf;

namespace FederatedRegistry.Cli.Output;

public enum OutputFormat
{
    Table,
    Json,
}

/// <summary>
/// Where results go: stdout, as an aligned table for people or as JSON for scripts (proto JSON for the node's messages,
/// so it reads like the HTTP API). Errors and progress always go to stderr, so a script's stdout stays parseable.
/// </summary>
internal sealed class CliOutput(TextWriter output, TextWriter errors, OutputFormat format)
{
    private static readonly JsonFormatter ProtoJson = JsonFormatter.Default;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public OutputFormat Format { get; } = format;

    public TextWriter Out { get; } = output;

    public TextWriter Errors { get; } = errors;

    public static JsonNode ToJson(IMessage message) => JsonNode.Parse(ProtoJson.Format(message))!;

    public void Json(JsonNode node) => Out.WriteLine(node.ToJsonString(Indented));

    /// <summary>
    /// JSON written as it is produced, for a document too large to build first (an import's report of every row):
    /// <paramref name="write"/> gets the writer and a flush that passes what is written so far to stdout.
    /// </summary>
    public void JsonStream(Action<Utf8JsonWriter, Action> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = Indented.Encoder });
        void Flush()
        {
            writer.Flush();
            Out.Write(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
            buffer.ResetWrittenCount();
        }
        write(writer, Flush);
        Flush();
        Out.WriteLine();
    }

    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows) => Out.Write(TableText.Render(headers, rows));

    public void Error(CliError error)
    {
        foreach (var line in error.Lines())
        {
            Errors.WriteLine(line);
        }
    }

    public static JsonObject ErrorJson(CliError error) => new()
    {
        ["kind"] = error.Kind,
        ["message"] = error.Sentence,
        ["fieldViolations"] = new JsonArray([.. error.Fields.Select(f => (JsonNode)new JsonObject { ["field"] = f.Field, ["rule"] = f.Rule })]),
    };
}

/// <summary>Columns padded to their widest cell; the last column is not padded, so long text wraps as the terminal likes.</summary>
internal static class TableText
{
    public static string Render(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = new List<IReadOnlyList<string>> { headers };
        all.AddRange(rows);
        var widths = headers.Select((_, c) => all.Max(r => c < r.Count ? r[c].Length : 0)).ToArray();
        var text = new System.Text.StringBuilder();
        foreach (var row in all)
        {
            var cells = headers.Select((_, c) => c < row.Count ? row[c] : "").ToArray();
            var line = string.Join("  ", cells.Select((cell, c) => c == cells.Length - 1 ? cell : cell.PadRight(widths[c])));
            text.Append(line.TrimEnd()).Append('\n');
        }
        return text.ToString();
    }
}
