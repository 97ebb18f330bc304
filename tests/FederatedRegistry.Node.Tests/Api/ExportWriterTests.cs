using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Exports;
using FederatedRegistry.Domain.Incidents;
using FederatedRegistry.Domain.Providers;
using FederatedRegistry.Domain.Registrations;
using FederatedRegistry.Node.Api;
using FederatedRegistry.Testing;

namespace FederatedRegistry.Node.Tests.Api;

/// <summary>The export files as bytes: what a spreadsheet, a CSV reader or a JSON parser gets.</summary>
public sealed class ExportWriterTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 4, 9, 12, 0, TimeSpan.Zero);

    private static string Write(ExportFormat format, IReadOnlyList<string> columns, IEnumerable<ExportCell[]> rows, Action<string>? afterEachFlush = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = ExportWriter.Create(format, buffer, "things", columns, "KE", At))
        {
            foreach (var row in rows)
            {
                writer.WriteRow(row);
                writer.Flush();
                afterEachFlush?.Invoke(Encoding.UTF8.GetString(buffer.ToArray()));
            }
            writer.Complete();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    [Fact]
    public void Csv_QuotesCommasQuotesAndLineBreaks_AndEndsEveryRecordWithCrLf()
    {
        var text = Write(ExportFormat.Csv, ["a", "b", "c", "d"],
            [[ExportCell.Of("plain"), ExportCell.Of("one, two"), ExportCell.Of("say \"hi\""), ExportCell.Of("line 1\nline 2")]]);

        Assert.Equal("a,b,c,d\r\nplain,\"one, two\",\"say \"\"hi\"\"\",\"line 1\nline 2\"\r\n", text);
    }

    [Theory]
    [InlineData("=SUM(A1:A9)")]
    [InlineData("+254 700 000000")]
    [InlineData("-1 point")]
    [InlineData("@handle")]
    [InlineData("\tindented")]
    public void Csv_CellStartingLikeAFormula_IsPrefixedWithAQuoteSoSpreadsheetsShowItAsText(string value)
    {
        var text = Write(ExportFormat.Csv, ["value", "list"], [[ExportCell.Of(value), ExportCell.Of([value])]]);

        var row = Assert.Single(CsvTable.Parse(text).Rows);
        Assert.Equal("'" + value, row["value"]);
        // A list cell starts with its bracket, which no spreadsheet runs; its items stay as they are.
        Assert.Equal([value], JsonSerializer.Deserialize<string[]>(row["list"])!);
    }

    [Fact]
    public void Csv_EmptyFlagAndListCells_AreWrittenAsDocumented()
    {
        var text = Write(ExportFormat.Csv, ["empty", "yes", "no", "none", "some"],
            [[ExportCell.Empty, ExportCell.Of(true), ExportCell.Of(false), ExportCell.Of(Array.Empty<string>()), ExportCell.Of(["KE", "TZ"])]]);

        Assert.Equal("empty,yes,no,none,some\r\n,true,false,[],\"[\"\"KE\"\",\"\"TZ\"\"]\"\r\n", text);
    }

    [Fact]
    public void Json_IsOneDocumentWithARecordALine_AndEveryFlushEndsAtARecordWithALineBreak()
    {
        var flushed = new List<string>();
        var rows = Enumerable.Range(1, 3).Select(i => new[] { ExportCell.Of($"=row {i}"), ExportCell.Of(i % 2 == 0), ExportCell.Of(["x"]), ExportCell.Empty });

        var text = Write(ExportFormat.Json, ["name", "even", "list", "nothing"], rows, flushed.Add);

        var document = JsonNode.Parse(text)!.AsObject();
        Assert.Equal("things", (string?)document["export"]);
        Assert.Equal("KE", (string?)document["node"]);
        Assert.Equal("2026-11-04T09:12:00Z", (string?)document["generated_at"]);
        var records = document["things"]!.AsArray();
        Assert.Equal(["=row 1", "=row 2", "=row 3"], records.Select(r => (string?)r!["name"]));
        Assert.Equal([false, true, false], records.Select(r => (bool)r!["even"]!));
        Assert.All(records, r => Assert.Null(r!["nothing"]));
        Assert.Equal(5, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.All(flushed, f => Assert.EndsWith("\n", f));
    }

    [Fact]
    public void Json_WithoutRecords_IsAnEmptyList()
    {
        var text = Write(ExportFormat.Json, ["name"], []);

        Assert.Empty(JsonNode.Parse(text)!["things"]!.AsArray());
    }

    [Fact]
    public void Csv_OfAiidIncidents_ReadsBackEveryIncidentAsTheAiidHasIt()
    {
        var aiid = CsvTable.Parse(AiidIncidents());
        var provider = new Provider("KE-PRV-aiid", "AI Incident Database sample", "US", "aiid@example.org", null, At);

        var rows = aiid.Rows.Select(r => IncidentExport.Row(new IncidentExportSource(FromAiid(r), null, provider, At)));
        var exported = CsvTable.Parse(Write(ExportFormat.Csv, IncidentExport.Columns, rows));

        // The columns named after the AIID's are spelled as its header spells them.
        Assert.Equal(7, IncidentExport.Columns.Intersect(aiid.Header).Count());
        Assert.Equal(aiid.Rows.Count, exported.Rows.Count);
        foreach (var (original, row) in aiid.Rows.Zip(exported.Rows))
        {
            Assert.Equal("AIID-" + original["incident_id"], row["incident_id"]);
            Assert.Equal(original["date"], row["date"]);
            Assert.Equal(original["title"], row["title"]);
            Assert.Equal(original["description"], row["description"]);
            Assert.Equal(
                JsonSerializer.Deserialize<string[]>(original[IncidentExport.HarmedParties]),
                JsonSerializer.Deserialize<string[]>(row[IncidentExport.HarmedParties]));
        }
    }

    // An AIID incident as a node would hold it: its id, date, title, description and harmed parties.
    private static Incident FromAiid(IReadOnlyDictionary<string, string> r)
    {
        var occurred = DateTimeOffset.Parse(r["date"] + "T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var details = new IncidentDetails(r["title"], r["description"], null, $"aiid.example/{r["incident_id"]}", Severity.Moderate,
            [HarmType.FundamentalRights], null, JsonSerializer.Deserialize<string[]>(r[IncidentExport.HarmedParties])!,
            occurred, occurred, occurred, ["US"], false, false, "AI Incident Database");
        return new Incident("AIID-" + r["incident_id"], "KE", details, IncidentStatus.Reported, null, 1, [], occurred);
    }

    // The AI Incident Database's 1,367 incidents where the project's shared data sits beside the checkout (../shared/data,
    // or FEDREG_SHARED_DATA); that data may not be copied into the repository, so a checkout without it gets incidents
    // written here in the AIID's layout with the values that break naive CSV: quotes, commas, line breaks, non-ASCII
    // text and empty lists. (Formula starts are changed on purpose by the export; the guard's own tests cover them.)
    private static byte[] AiidIncidents()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("FEDREG_SHARED_DATA") is { Length: > 0 } configured)
        {
            candidates.Add(configured);
        }
        if (RepositoryCheckout.TryFindRoot() is { } root)
        {
            candidates.Add(Path.Combine(root, "..", "shared", "data"));
        }
        foreach (var data in candidates)
        {
            var path = Path.Combine(data, "aiid-incidents", "incidents.csv");
            if (File.Exists(path))
            {
                return File.ReadAllBytes(path);
            }
        }

        static string Quote(string value) => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        var lines = new List<string>
        {
            "_id,incident_id,date,reports,Alleged deployer of AI system,Alleged developer of AI system,Alleged harmed or nearly harmed parties,description,title",
        };
        string[] titles = ["Chatbot says \"yes\", then \"no\"", "Crédit refusé, à tort", "Five stars\nfor a bot", "Plain title"];
        for (var i = 0; i < 60; i++)
        {
            string[] harmed = i % 4 == 0 ? [] : [$"party-{i}", "pedestrians, cyclists"];
            var harmedJson = JsonSerializer.Serialize(harmed);
            lines.Add(string.Join(',',
                $"ObjectId({i:x24})", (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), $"20{10 + i % 16:00}-{1 + i % 12:00}-{1 + i % 28:00}",
                Quote("[1,2]"), Quote("[\"deployer\"]"), Quote("[\"developer\"]"), Quote(harmedJson),
                Quote($"Line one of {i}, with a comma.\r\nLine two: \"quoted\"."), Quote(titles[i % titles.Length])));
        }
        return System.Text.Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n");
    }
}
