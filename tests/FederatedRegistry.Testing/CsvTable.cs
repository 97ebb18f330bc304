using System.Text;
using CsvHelper;

namespace FederatedRegistry.Testing;

/// <summary>
/// A CSV file read strictly (comma separator, RFC 4180 quoting, every record as wide as the header, no empty lines),
/// as a spreadsheet or a script would take it: a stray quote or a blank line between records fails the read.
/// </summary>
public sealed class CsvTable
{
    private static readonly CsvReaderOptions Strict = CsvReaderOptions.Default with
    {
        Separator = ',',
        MalformedData = CsvMalformedDataHandling.Throw,
        FieldCountMismatch = CsvFieldCountHandling.Throw,
        SkipEmptyLines = false,
    };

    private CsvTable(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyDictionary<string, string>> rows)
    {
        Header = header;
        Rows = rows;
    }

    /// <summary>The column names, in order.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>The records, each by column name.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Rows { get; }

    public static CsvTable Parse(string text) => Parse(Encoding.UTF8.GetBytes(text));

    public static CsvTable Parse(byte[] utf8)
    {
        using var reader = CsvReader.Create(utf8, Strict);
        var header = reader.Headers.ToArray();
        var rows = new List<IReadOnlyDictionary<string, string>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++)
            {
                row[header[i]] = reader.GetString(i);
            }
            rows.Add(row);
        }
        return new CsvTable(header, rows);
    }

    /// <summary>The one row whose <paramref name="column"/> is <paramref name="value"/>; throws unless there is exactly one.</summary>
    public IReadOnlyDictionary<string, string> Single(string column, string value) => Rows.Single(r => r[column] == value);
}
