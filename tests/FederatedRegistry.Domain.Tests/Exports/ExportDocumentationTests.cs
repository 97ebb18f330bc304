using System.Text.RegularExpressions;
using FederatedRegistry.Domain.Exports;
using FederatedRegistry.Testing;

namespace FederatedRegistry.Domain.Tests.Exports;

/// <summary>docs/exports.md documents each export column by column: exactly the columns the code writes, in its order.</summary>
public sealed partial class ExportDocumentationTests
{
    [Fact]
    public void ExportsDoc_DocumentsEveryIncidentColumnInOrder() =>
        Assert.Equal(IncidentExport.Columns, DocumentedColumns("## Incidents"));

    [Fact]
    public void ExportsDoc_DocumentsEveryRegistrationColumnInOrder() =>
        Assert.Equal(RegistrationExport.Columns, DocumentedColumns("## Registrations"));

    /// <summary>The first cell of each row of the first table under <paramref name="heading"/>.</summary>
    private static List<string> DocumentedColumns(string heading)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryCheckout.FindRoot("the test reads docs/exports.md from the checkout"), "docs", "exports.md")).Replace("\r\n", "\n");
        var section = text[(text.IndexOf("\n" + heading + "\n", StringComparison.Ordinal) + 1)..];
        var table = section.Split('\n').SkipWhile(l => !l.StartsWith("| column |", StringComparison.Ordinal)).Skip(2).TakeWhile(l => l.StartsWith('|'));
        return [.. table.Select(l => FirstCell().Match(l).Groups[1].Value)];
    }

    [GeneratedRegex(@"^\| `([^`]+)` \|")]
    private static partial Regex FirstCell();
}
