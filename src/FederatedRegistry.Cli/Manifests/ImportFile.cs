using System.Text;
using FederatedRegistry.Cli.Errors;
using YamlDotNet.RepresentationModel;

namespace FederatedRegistry.Cli.Manifests;

/// <summary>One row of an import: its number (1 for the first record), and the manifest or why it cannot be sent.</summary>
internal sealed record ImportRow(int Number, string? ProductId, ProductManifest? Manifest, IReadOnlyList<FieldProblem> Problems);

/// <summary>
/// registrations.csv (a header row naming the columns, one registration a row) or registrations.json / .yaml (a list
/// of product manifests, or {"registrations": [...]}). A bad row is reported and skipped; a file that cannot be read
/// at all stops the import before anything is sent.
/// </summary>
internal static class ImportFile
{
    private static readonly string[] TopLevel = ["product_id", "provider", "provider_id", "submit"];
    private static readonly string[] Assessment = ["conformity_evidence", "bias_evaluation", "human_oversight", "explainability", "data_governance"];
    private static readonly string[] Details = ["name", "version", "intended_purpose", "category", "proposed_risk_tier", "markets", "deployment_status", "contact_email"];

    public static IReadOnlyList<ImportRow> Read(string text, string source)
    {
        var extension = Path.GetExtension(source).ToLowerInvariant();
        return extension == ".csv" ? ReadCsv(text, source) : ReadDocument(text, source);
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

    private static List<ImportRow> ReadCsv(string text, string source)
    {
        var records = Csv.Parse(text);
        if (records.Count == 0)
        {
            throw new ManifestException(source, [new FieldProblem("(file)", "is empty: the first line names the columns (product_id,provider,name,category,...)")]);
        }
        var header = records[0].Select(h => h.Trim().ToLowerInvariant().Replace('-', '_')).ToList();
        var unknown = header.Where(h => !TopLevel.Contains(h) && !Details.Contains(h) && !Assessment.Contains(h)).ToList();
        if (unknown.Count > 0)
        {
            throw new ManifestException(source, [.. unknown.Select(u => new FieldProblem(u, $"is not a column of an import; columns are {string.Join(", ", TopLevel.Concat(Details).Concat(Assessment))}"))]);
        }
        var rows = new List<ImportRow>();
        foreach (var (record, i) in records.Skip(1).Select((r, i) => (r, i)))
        {
            if (record.All(string.IsNullOrWhiteSpace))
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
            rows.Add(ToRow(i + 1, top, source));
        }
        return rows;
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
    public static List<List<string>> Parse(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                record.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }
                record.Add(field.ToString());
                field.Clear();
                records.Add(record);
                record = [];
            }
            else
            {
                field.Append(c);
            }
        }
        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            records.Add(record);
        }
        return records;
    }
}
