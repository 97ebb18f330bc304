using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Domain;
using RiskTier = FederatedRegistry.Domain.RiskTier;

namespace FederatedRegistry.Bench;

/// <summary>What one run of <c>fedreg import</c> did, timed from the CLI process's start to its exit.</summary>
/// <param name="PeakMiB">The CLI process's own peak resident memory (VmHWM), sampled while it ran.</param>
public sealed record ImportRun(int Rows, int Created, int Rejected, TimeSpan Elapsed, double PeakMiB, string? FirstRejection, int ExitCode)
{
    public double RowsPerSecond => Created / Elapsed.TotalSeconds;
}

/// <summary>
/// The node's real bulk path: the built CLI (<c>dotnet fedreg.dll import registrations.csv</c>) as a child process,
/// as an operator runs it, with its own concurrency (fedreg import's default of 8 rows in flight, each a RegisterSystem call).
/// </summary>
public static class FedregImport
{
    public const string Columns =
        "product_id,provider,submit,name,version,intended_purpose,category,proposed_risk_tier,markets,deployment_status,contact_email,conformity_evidence,human_oversight";

    /// <summary>Writes <paramref name="rows"/> registrations of one provider (by slug) as the import's CSV, with the seeded mix of values.</summary>
    /// <returns>The file, and the registration id each row will get.</returns>
    public static (string Path, string[] SystemIds) WriteCsv(string providerSlug, int rows, string productPrefix)
    {
        var random = new Random(11);
        var path = System.IO.Path.Combine(Directory.CreateTempSubdirectory("fedreg-bench-import-").FullName, "registrations.csv");
        var ids = new string[rows];
        var csv = new StringBuilder(rows * 400).Append(Columns).Append('\n');
        for (var i = 0; i < rows; i++)
        {
            var productId = $"{productPrefix}.example/imported-system-{i}";
            ids[i] = Identifiers.SystemId(RegistrySeed.NodeCode, productId);
            var category = SeedValues.Pick(random, SeedValues.Categories);
            // A fifth stay drafts; a draft may leave its tier open, a submission must propose one.
            var submit = random.Next(5) != 0;
            RiskTier? tier = !submit && random.Next(10) < 3 ? null : SeedValues.Pick(random, SeedValues.Tiers);
            var deployment = SeedValues.Pick(random, SeedValues.Deployments);
            string[] fields =
            [
                productId,
                providerSlug,
                submit ? "true" : "false",
                SeedValues.Name(random),
                $"{random.Next(5)}.{random.Next(10)}.{random.Next(20)}",
                SeedValues.Purpose(random, category),
                EnumNames.ToSnake(category),
                tier is { } t ? EnumNames.ToSnake(t) : "",
                string.Join(';', SeedValues.Pick(random, SeedValues.Markets)),
                deployment is { } d ? EnumNames.ToSnake(d) : "",
                $"contact-{i}@{productPrefix}.example",
                "Validated on a held-out national sample; results published with the registration.",
                "A trained officer confirms or overrides every output.",
            ];
            csv.AppendJoin(',', fields.Select(Quote)).Append('\n');
        }
        File.WriteAllText(path, csv.ToString());
        return (path, ids);
    }

    /// <summary>Creates the provider the CSV names, through the API.</summary>
    public static async Task CreateProviderAsync(Registry.RegistryClient grpc, string slug, CancellationToken ct) =>
        await grpc.CreateProviderAsync(new CreateProviderRequest
        {
            Slug = slug,
            Name = "Bench Import Ltd",
            Country = RegistrySeed.NodeCode,
            ContactEmail = "import@bench-import.example",
            Website = "https://bench-import.example",
        }, cancellationToken: ct);

    public static async Task<ImportRun> RunAsync(string csv, Uri grpcAddress, int rows, CancellationToken ct)
    {
        var startInfo = new ProcessStartInfo(Figure6ColdStart.DotnetHost())
        {
            WorkingDirectory = System.IO.Path.GetDirectoryName(csv)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[System.IO.Path.Combine(AppContext.BaseDirectory, "fedreg.dll"), "import", csv,
            "--node", grpcAddress.ToString(), "--token", BenchNodeSettings.AuthorityToken(), "--output", "json"])
        {
            startInfo.ArgumentList.Add(argument);
        }
        // An operator's own defaults must not redirect the bench's import.
        startInfo.Environment.Remove("FEDREG_NODE");
        startInfo.Environment.Remove("FEDREG_TOKEN");

        using var process = new Process { StartInfo = startInfo };
        var clock = Stopwatch.StartNew();
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        // One progress line per row on stderr: read and dropped, keeping the last for a failure message.
        var lastError = "";
        var stderr = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync(ct) is { } line)
            {
                lastError = line;
            }
        }, ct);
        var peak = 0.0;
        while (!process.HasExited)
        {
            if (ProcessMemory.Read(process.Id) is { } memory)
            {
                peak = Math.Max(peak, memory.PeakMiB);
            }
            await Task.WhenAny(process.WaitForExitAsync(ct), Task.Delay(250, ct));
        }
        var elapsed = clock.Elapsed;
        var output = await stdout;
        await stderr;

        try
        {
            using var report = JsonDocument.Parse(output);
            var root = report.RootElement;
            var firstRejection = root.GetProperty("results").EnumerateArray()
                .Where(r => !r.GetProperty("accepted").GetBoolean())
                .Select(r => r.GetProperty("reason").GetString())
                .FirstOrDefault();
            return new ImportRun(rows, root.GetProperty("created").GetInt32(), root.GetProperty("rejected").GetInt32(), elapsed, peak,
                firstRejection, process.ExitCode);
        }
        catch (JsonException)
        {
            throw new InvalidOperationException($"fedreg import exited {process.ExitCode} without a JSON report: {output[..Math.Min(500, output.Length)]} {lastError}");
        }
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    internal static string Describe(ImportRun run) => string.Create(CultureInfo.InvariantCulture,
        $"{run.Created} of {run.Rows} created in {run.Elapsed.TotalSeconds:F1} s, CLI peak RSS {run.PeakMiB:F0} MiB");
}
