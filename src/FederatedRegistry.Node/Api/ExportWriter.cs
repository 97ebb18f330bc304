using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using CsvHelper;
using FederatedRegistry.Domain.Exports;

namespace FederatedRegistry.Node.Api;

/// <summary>
/// Writes export rows as a file, CSV or JSON, into a destination stream. After <see cref="Flush"/> the destination
/// holds everything written so far and ends with a whole row and a line break, so the file can be sent in pieces.
/// </summary>
internal abstract class ExportWriter : IDisposable
{
    public abstract string ContentType { get; }

    public abstract string Extension { get; }

    public abstract void WriteRow(IReadOnlyList<ExportCell> row);

    /// <summary>Writes what is buffered to the destination; it then ends at a row boundary with a line break.</summary>
    public abstract void Flush();

    /// <summary>Ends the file (JSON closes its document) and flushes it.</summary>
    public abstract void Complete();

    public abstract void Dispose();

    /// <param name="format">CSV or JSON.</param>
    /// <param name="destination">Where the bytes go (UTF-8).</param>
    /// <param name="dataset">"incidents" or "registrations": the JSON document's key for its records.</param>
    /// <param name="columns">The column names: the CSV header, and each JSON record's keys.</param>
    /// <param name="node">The exporting node's code, named in the JSON document.</param>
    /// <param name="at">The time of the export, named in the JSON document.</param>
    public static ExportWriter Create(ExportFormat format, Stream destination, string dataset, IReadOnlyList<string> columns, string node, DateTimeOffset at) =>
        format == ExportFormat.Csv
            ? new CsvExportWriter(destination, columns)
            : new JsonExportWriter(destination, dataset, columns, node, at);
}

/// <summary>
/// RFC 4180: a header row, records ending in CRLF, fields with a comma, quote or line break in double quotes with
/// quotes doubled. A text cell that starts with = + - @, a tab or a carriage return is written with a ' in front (and
/// quoted), so that a spreadsheet shows it as text instead of running it as a formula.
/// </summary>
internal sealed class CsvExportWriter : ExportWriter
{
    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with { Injection = CsvInjection.Escape };

    private readonly CsvWriter _csv;
    private readonly int _columns;

    public CsvExportWriter(Stream destination, IReadOnlyList<string> columns)
    {
        _csv = CsvWriter.Create(destination, Options, leaveOpen: true);
        _columns = columns.Count;
        _csv.WriteHeader([.. columns]);
    }

    public override string ContentType => "text/csv; charset=utf-8";

    public override string Extension => "csv";

    public override void WriteRow(IReadOnlyList<ExportCell> row)
    {
        if (row.Count != _columns)
        {
            throw new ArgumentException($"A row has {row.Count} cells for {_columns} columns.", nameof(row));
        }
        foreach (var cell in row)
        {
            _csv.WriteField(cell.CsvText);
        }
        _csv.EndRecord();
    }

    public override void Flush() => _csv.Flush();

    public override void Complete() => _csv.Flush();

    public override void Dispose() => _csv.Dispose();
}

/// <summary>
/// One JSON document, {"export": ..., "node": ..., "generated_at": ..., "&lt;dataset&gt;": [records]}, with one record
/// (an object keyed by column name) a line. Values are verbatim: the spreadsheet guard of the CSV does not apply.
/// </summary>
internal sealed class JsonExportWriter : ExportWriter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly byte[] NextRecord = ",\n"u8.ToArray();

    private readonly Stream _destination;
    private readonly IReadOnlyList<string> _columns;
    private readonly ArrayBufferWriter<byte> _record = new();
    private readonly Utf8JsonWriter _json;

    // A record is held back until the next one arrives or the document ends, which decides what follows it; so every
    // flush ends with ",\n" and the document can be cut there.
    private byte[]? _pending;

    public JsonExportWriter(Stream destination, string dataset, IReadOnlyList<string> columns, string node, DateTimeOffset at)
    {
        _destination = destination;
        _columns = columns;
        using (var header = new Utf8JsonWriter(destination, Options))
        {
            header.WriteStartObject();
            header.WriteString("export", dataset);
            header.WriteString("node", node);
            header.WriteString("generated_at", ExportCell.Of(at).Text);
            header.WritePropertyName(dataset);
            header.WriteStartArray();
        }
        destination.Write("\n"u8);
        _json = new Utf8JsonWriter(_record, Options);
    }

    public override string ContentType => "application/json";

    public override string Extension => "json";

    public override void WriteRow(IReadOnlyList<ExportCell> row)
    {
        if (row.Count != _columns.Count)
        {
            throw new ArgumentException($"A row has {row.Count} cells for {_columns.Count} columns.", nameof(row));
        }
        _record.ResetWrittenCount();
        _json.Reset(_record);
        _json.WriteStartObject();
        for (var i = 0; i < row.Count; i++)
        {
            _json.WritePropertyName(_columns[i]);
            var cell = row[i];
            switch (cell.Kind)
            {
                case ExportCellKind.Text:
                    _json.WriteStringValue(cell.Text);
                    break;
                case ExportCellKind.Flag:
                    _json.WriteBooleanValue(cell.Flag);
                    break;
                case ExportCellKind.List:
                    _json.WriteStartArray();
                    foreach (var item in cell.Items!)
                    {
                        _json.WriteStringValue(item);
                    }
                    _json.WriteEndArray();
                    break;
                default:
                    _json.WriteNullValue();
                    break;
            }
        }
        _json.WriteEndObject();
        _json.Flush();
        if (_pending is not null)
        {
            _destination.Write(_pending);
            _destination.Write(NextRecord);
        }
        _pending = _record.WrittenSpan.ToArray();
    }

    public override void Flush()
    {
    }

    public override void Complete()
    {
        if (_pending is not null)
        {
            _destination.Write(_pending);
            _destination.Write("\n"u8);
            _pending = null;
        }
        _destination.Write("]}\n"u8);
    }

    public override void Dispose() => _json.Dispose();
}
