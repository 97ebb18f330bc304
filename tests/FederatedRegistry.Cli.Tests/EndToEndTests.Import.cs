using System.Globalization;
using System.Text;
using System.Text.Json;
using FederatedRegistry.Cli.Tests.Support;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Testing;

namespace FederatedRegistry.Cli.Tests;

/// <summary>fedreg import registering several rows at once (--parallel) into KE.</summary>
public sealed partial class EndToEndTests
{
    private const int ParallelRows = 40;

    // Spread through the file so that they finish before the valid rows started ahead of them, which call the node.
    private static readonly int[] InvalidRows = [9, 20, 31];

    /// <summary>A CSV of <see cref="ParallelRows"/> rows of a fresh batch, those in <see cref="InvalidRows"/> with a category the node does not know.</summary>
    private (string File, string Batch) WriteParallelImport()
    {
        var batch = Guid.NewGuid().ToString("N")[..10];
        // No deployment_status: the node stores "planned" for it, and a rerun must still find the same registration.
        var csv = new StringBuilder("product_id,provider,name,version,category,proposed_risk_tier,contact_email,intended_purpose\n");
        for (var row = 1; row <= ParallelRows; row++)
        {
            var category = InvalidRows.Contains(row) ? "astrology" : "finance";
            csv.Append($"par-{batch}.example/p{row},{TwoNodes.Provider},Par{batch} {row},1.0.{row},{category},minimal,par@acme-health.example,Scores loan applications ({row}).\n");
        }
        return (_fedreg.WriteFile("registrations.csv", csv.ToString()), batch);
    }

    /// <summary>The product ids on KE that start with <paramref name="prefix"/>, read page after page.</summary>
    private async Task<List<string>> ProductsOnKeAsync(string prefix)
    {
        var found = new List<string>();
        var request = new ListSystemsRequest { ProviderId = $"KE-PRV-{TwoNodes.Provider}", PageSize = 500 };
        do
        {
            var page = await nodes.Ke.Client.ListSystemsAsync(request, TestNode.AsAuthority);
            found.AddRange(page.Systems.Select(s => s.ProductId).Where(p => p.StartsWith(prefix, StringComparison.Ordinal)));
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        return found;
    }

    private static IEnumerable<string> ValidProducts(string batch) =>
        Enumerable.Range(1, ParallelRows).Where(r => !InvalidRows.Contains(r)).Select(r => $"par-{batch}.example/p{r}");

    [Fact]
    public async Task Import_EightRowsAtOnce_ReportsEveryRowOnceInRowOrderAndRegistersOnlyTheValidOnes()
    {
        var (file, batch) = WriteParallelImport();
        _fedreg.Environment["FEDREG_TOKEN"] = TestIssuer.Authority();

        var run = await _fedreg.RunAsync("import", file, "--parallel", "8", "--node", nodes.Ke.Url, "--output", "json");

        Assert.True(run.ExitCode == 1, run.ToString());
        var report = JsonDocument.Parse(run.Stdout).RootElement;
        var results = report.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(1, ParallelRows), results.Select(r => r.GetProperty("row").GetInt32()));
        Assert.Equal(ParallelRows, report.GetProperty("processed").GetInt32());
        Assert.Equal(ParallelRows - InvalidRows.Length, report.GetProperty("accepted").GetInt32());
        Assert.Equal(ParallelRows - InvalidRows.Length, report.GetProperty("created").GetInt32());
        Assert.Equal(InvalidRows.Length, report.GetProperty("rejected").GetInt32());
        Assert.Equal(InvalidRows, results.Where(r => !r.GetProperty("accepted").GetBoolean()).Select(r => r.GetProperty("row").GetInt32()));
        Assert.All(results, r => Assert.Equal($"par-{batch}.example/p{r.GetProperty("row").GetInt32()}", r.GetProperty("productId").GetString()));
        Assert.Equal(Enumerable.Range(1, ParallelRows), run.Stderr.Split('\n')
            .Select(line => ProgressLine().Match(line)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
        Assert.Equal(ValidProducts(batch).Order(), (await ProductsOnKeAsync($"par-{batch}.")).Order());
    }

    [Fact]
    public async Task Import_RerunOfAFinishedParallelImport_CreatesNothingAndFindsEveryValidRowAlreadyRegistered()
    {
        var (file, batch) = WriteParallelImport();
        _fedreg.Environment["FEDREG_TOKEN"] = TestIssuer.Authority();
        var first = await _fedreg.RunAsync("import", file, "--parallel", "8", "--node", nodes.Ke.Url, "--output", "json");

        var rerun = await _fedreg.RunAsync("import", file, "--parallel", "8", "--node", nodes.Ke.Url, "--output", "json");

        Assert.True(first.ExitCode == 1, first.ToString());
        Assert.True(rerun.ExitCode == 1, rerun.ToString());
        var report = JsonDocument.Parse(rerun.Stdout).RootElement;
        Assert.Equal(0, report.GetProperty("created").GetInt32());
        Assert.Equal(ParallelRows - InvalidRows.Length, report.GetProperty("alreadyRegistered").GetInt32());
        Assert.All(report.GetProperty("results").EnumerateArray().Where(r => r.GetProperty("accepted").GetBoolean()),
            r => Assert.Equal("already registered", r.GetProperty("result").GetString()));
        Assert.Equal(ValidProducts(batch).Order(), (await ProductsOnKeAsync($"par-{batch}.")).Order());
    }

    [Fact]
    public async Task Import_EightRowsAtOnceWithoutAToken_StopsWithFourNamingTheRefusalOnceAndRegistersNothing()
    {
        var (file, batch) = WriteParallelImport();

        var run = await _fedreg.RunAsync("import", file, "--parallel", "8", "--node", nodes.Ke.Url, "--output", "json");

        Assert.True(run.ExitCode == 4, run.ToString());
        var results = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.DoesNotContain(results, r => r.GetProperty("accepted").GetBoolean());
        Assert.Single(results, r => r.GetProperty("result").GetString() == "refused");
        Assert.Contains($"{nodes.Ke.Url} did not accept the token", run.Stderr);
        Assert.Contains($"Stopped after {results.Count} of {ParallelRows} rows; rerun the same command to continue.", run.Stderr);
        Assert.Empty(await ProductsOnKeAsync($"par-{batch}."));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65")]
    public async Task Import_WithParallelOutsideOneTo64_ExitsTwoNamingTheOptionAndSendsNothing(string parallel)
    {
        var (file, batch) = WriteParallelImport();

        var run = await _fedreg.RunAsync("import", file, "--parallel", parallel, "--node", nodes.Ke.Url, "--token", TestIssuer.Authority());

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--parallel must be between 1 and 64", run.Stderr);
        Assert.Empty(run.Stdout);
        Assert.Empty(await ProductsOnKeAsync($"par-{batch}."));
    }
}
