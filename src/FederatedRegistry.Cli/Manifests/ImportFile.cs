using System.Text;
using FederatedRegistry.Cli.Errors;
using YamlDotNet.RepresentationModel;

namespace FederatedRegistry.Cli.Manifests;

/// <summary>One row of an import: its number (1 for the first record), and the manifest or why it cannot be sent.</summary>
internal sealed record ImportRow(int Number, string? ProductId, ProductManifest? Manifest, IReadOnlyList<FieldProblem> Problems);

/// <summary>An import file's rows, read as they are taken; how many there are is known before the first is sent.</summary>
internal sealed record ImportRows(int Count, IEnumerable<ImportRow> Rows);

/// <summary>
/// registrations.csv (a header row naming the columns, one registration a row) or registrations.json / .yaml (a list
/// of product manifests, or {"registrations": [...]}). A bad row is reported and skipped; a file that cannot be read
/// at all stops the import before anything is sent. A CSV file is read as the rows are sent, never whole: a million
/// rows cost the memory of the rows in flight, not of the file.
/// </summary>
internal static class ImportFile
{
    private static readonly string[] TopLevel = ["product_id", "provider", "provider_id", "submit"];
    private static readonly string[] Assessment = ["conformity_evidence", "bias_evaluation", "human_oversight", "explainability", "data_governance"];
    private static readonly string[] Details = ["name", "version", "intended_purpose", "category", "proposed_risk_tier", "markets", "deployment_status", "contact_email"];

    /// <summary>The rows of <paramref name="text"/>, all read now.</summary>
    public static IReadOnlyList<ImportRow> Read(string text, string source)
    {
        var rows = Open(() => new StringReader(text), source);
        return [.. rows.Rows];
    }

    /// <summary>
    /// The rows of the file <paramref name="open"/> reads. A CSV file is read once here, to check its header and count
    /// its rows, and again as <see cref="ImportRows.Rows"/> is enumerated; any other file is read whole now.
    /// </summary>
    public static ImportRows Open(Func<TextReader> open, string source)
    {
        if (!Path.GetExtension(source).Equals(".csv", StringComparison.OrdinalIgnoreCase))
        {
            using var reader = open();
            var document = ReadDocument(reader.ReadToEnd(), source);
            return new ImportRows(document.Count, document);
        }
        int count;
        using (var reader = open())
        {
            using var records = Csv.Records(reader).GetEnumerator();
            Header(records, source);
            count = 0;
            while (records.MoveNext())
            {
                count += IsBlank(records.Current) ? 0 : 1;
            }
        }
        // A file that grew since it was counted gives no more rows than the count the progress and report were sized for.
        return new ImportRows(count, ReadCsv(open, source).Take(count));
    }

    private static List<ImportRow> ReadDocument(string text, string source)
    {
        var root = ManifestDocument.Load(text, source);
        if (root is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode("registrations"), out var inner))
        {
            root = inner;
        }
        if (root is not YamlSequenceNode rows)
        {
            throw new ManifestException(source, [new FieldProblem("(file)", "must be a list of registrations, or {\"registrations\": [...]}")]);
        }
        return [.. rows.Select((node, i) => node is YamlMappingNode row
            ? ToRow(i + 1, row, source)
            : new ImportRow(i + 1, null, null, [new FieldProblem("(row)", "must be a mapping of fields")]))];
    }

    // The header's column names, or why the file cannot be imported.
    private static List<string> Header(IEnumerator<List<string>> records, string source)
    {
        if (!records.MoveNext())
        {
            throw new ManifestException(source, [new FieldProblem("(file)", "is empty: the first line names the columns (product_id,provider,name,category,...)")]);
        }
        var header = records.Current.Select(h => h.Trim().ToLowerInvariant().Replace('-', '_')).ToList();
        var unknown = header.Where(h => !TopLevel.Contains(h) && !Details.Contains(h) && !Assessment.Contains(h)).ToList();
        if (unknown.Count > 0)
        {
            throw new ManifestException(source, [.. unknown.Select(u => new FieldProblem(u, $"is not a column of an import; columns are {string.Join(", ", TopLevel.Concat(Details).Concat(Assessment))}"))]);
        }
        return header;
    }

    private static bool IsBlank(List<string> record) => record.All(string.IsNullOrWhiteSpace);

    private static IEnumerable<ImportRow> ReadCsv(Func<TextReader> open, string source)
    {
        using var reader = open();
        using var records = Csv.Records(reader).GetEnumerator();
        var header = Header(records, source);
        // Numbered by data record, blank ones included, so that a row's number is its place in the file after the header.
        for (var number = 1; records.MoveNext(); number++)
        {
            var record = records.Current;
            if (IsBlank(record))
            {
                continue;
            }
            var top = new YamlMappingNode();
            var details = new YamlMappingNode();
            var assessment = new YamlMappingNode();
            for (var c = 0; c < header.Count && c < record.Count; c++)
            {
                if (string.IsNullOrWhiteSpace(record[c]))
                {
                    continue;
                }
                var target = TopLevel.Contains(header[c]) ? top : Details.Contains(header[c]) ? details : assessment;
                target.Add(header[c], record[c]);
            }
            if (assessment.Children.Count > 0)
            {
                details.Add("assessment", assessment);
            }
            top.Add("details", details);
            yield return ToRow(number, top, source);
        }
    }

    private static ImportRow ToRow(int number, YamlMappingNode node, string source)
    {
        var productId = node.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: "product_id" or "productId" }).Value is YamlScalarNode { Value: { } p } ? p : null;
        try
        {
            return new ImportRow(number, productId, ProductManifest.Read(node, "", source), []);
        }
        catch (ManifestException e)
        {
            return new ImportRow(number, productId, null, e.Problems);
        }
    }
}

/// <summary>RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks.</summary>
internal static class Csv
{
    /// <summary>The records of <paramref name="reader"/>, one at a time, as they are read.</summary>
    public static IEnumerable<List<string>> Records(TextReader reader)
    {
        var buffer = new char[64 * 1024];
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        // A quote inside a quoted field: the next character tells a doubled quote from the field's closing one.
        var quoteInQuoted = false;
        // A record ended with \r: a \n right after it belongs to the same line end.
        var afterCarriageReturn = false;
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                var c = buffer[i];
                if (afterCarriageReturn)
                {
                    afterCarriageReturn = false;
                    if (c == '\n')
                    {
                        continue;
                    }
                }
                if (quoteInQuoted)
                {
                    quoteInQuoted = false;
                    if (c == '"')
                    {
                        field.Append('"');
                        continue;
                    }
                    quoted = false;
                }
                if (quoted)
                {
                    if (c == '"')
                    {
                        quoteInQuoted = true;
                    }
                    else
                    {
                        field.Append(c);
                    }
                    continue;
                }
                switch (c)
                {
                    case '"':
                        quoted = true;
                        break;
                    case ',':
                        record.Add(field.ToString());
                        field.Clear();
                        break;
                    case '\n' or '\r':
                        record.Add(field.ToString());
                        field.Clear();
                        yield return record;
                        record = [];
                        afterCarriageReturn = c == '\r';
                        break;
                    default:
                        field.Append(c);
                        break;
                }
            }
        }
        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            yield return record;
        }
    }
}
