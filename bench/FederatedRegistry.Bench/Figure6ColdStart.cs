using System.Diagnostics;
using System.Runtime.InteropServices;
using FederatedRegistry.Testing;

namespace FederatedRegistry.Bench;

/// <summary>
/// Figure 6: a new process of the node as the Dockerfile publishes it (<c>dotnet publish -r &lt;platform&gt;</c>, ReadyToRun,
/// embedded store) until <c>/health/ready</c> first answers 200, against a bare ASP.NET Core app until its <c>/</c> first
/// answers 200, started alternately. The plain build output (JIT only) is started in the same rounds, for comparison.
/// </summary>
public static class Figure6ColdStart
{
    // Inherited variables that would configure a child behind the bench's back.
    internal static readonly string[] ConfigurationPrefixes = ["Node__", "Storage__", "ConnectionStrings__", "Orleans__", "Kestrel__", "Auth__", "Federation__", "Limits__", "ASPNETCORE_", "DOTNET_ENVIRONMENT"];

    public static async Task<IReadOnlyList<ResultRow>> RunAsync(BenchOptions options, CancellationToken ct)
    {
        Console.Error.WriteLine("figure 6: cold starts, node vs bare ASP.NET Core app");
        // The node's first start creates its database, signing key and TLS certificate; the measured starts find them,
        // as a restarted or rescheduled node does. That first start is reported on its own line.
        var published = await PublishNodeAsync(ct);
        var built = AppContext.BaseDirectory;
        var dataDirectory = Path.GetDirectoryName(TempSqlite.NewDatabasePath("bench-cold"))!;
        var first = await StartNodeAsync(published, dataDirectory, ct);
        await StartBareAsync(ct);

        var node = new List<double>();
        var jit = new List<double>();
        var bare = new List<double>();
        for (var i = 0; i < options.Starts; i++)
        {
            // Alternated, so that a slow spell on the machine falls on every side in turn.
            if (i % 2 == 0)
            {
                node.Add(await StartNodeAsync(published, dataDirectory, ct));
                bare.Add(await StartBareAsync(ct));
                jit.Add(await StartNodeAsync(built, dataDirectory, ct));
            }
            else
            {
                jit.Add(await StartNodeAsync(built, dataDirectory, ct));
                bare.Add(await StartBareAsync(ct));
                node.Add(await StartNodeAsync(published, dataDirectory, ct));
            }
            Console.Error.WriteLine($"  start {i + 1}/{options.Starts}: node {node[^1]:F0} ms, bare {bare[^1]:F0} ms, node without ReadyToRun {jit[^1]:F0} ms");
        }
        var nodeMedian = Median(node);
        var bareMedian = Median(bare);
        return
        [
            new ResultRow("6", "cold start to first request, median (published: ReadyToRun)", nodeMedian, bareMedian, "ms", "≤ 5×", nodeMedian / bareMedian <= 5),
            new ResultRow("6", "cold start, node median vs 3 s", nodeMedian, 3000, "ms", "≤ 3000 ms", nodeMedian <= 3000),
            new ResultRow("6", "cold start, slowest of the starts", node.Max(), bare.Max(), "ms", "—", null),
            new ResultRow("6", "diagnostic: the build output (JIT only), median", Median(jit), bareMedian, "ms", "—", null),
            new ResultRow("6", "first start (creates store, keys, certificate)", first, bareMedian, "ms", "—", null),
        ];
    }

    private static Task<double> StartNodeAsync(string directory, string dataDirectory, CancellationToken ct)
    {
        var settings = BenchNodeSettings.Create(null, dataDirectory);
        return TimeToFirstResponseAsync(directory, "fedreg-node.dll", settings.AsEnvironment(), settings.HttpAddress, "/health/ready", ct);
    }

    /// <summary>Publishes the node for this platform, as the Dockerfile does, into a new directory; returns it.</summary>
    private static async Task<string> PublishNodeAsync(CancellationToken ct)
    {
        var project = Path.Combine(RepositoryCheckout.FindRoot("figure 6 publishes the node from the checkout; run the bench from the repository"), "src", "FederatedRegistry.Node", "FederatedRegistry.Node.csproj");
        var output = Directory.CreateTempSubdirectory("fedreg-bench-published-").FullName;
        Console.Error.WriteLine($"  publishing the node for {RuntimeInformation.RuntimeIdentifier} (ReadyToRun) into {output} ...");
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "publish", project, "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "-o", output, "--nologo" })
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0 || !File.Exists(Path.Combine(output, "fedreg-node.dll")))
        {
            throw new InvalidOperationException($"dotnet publish of the node failed (exit {process.ExitCode}):\n{await stdout}\n{await stderr}");
        }
        return output;
    }

    private static Task<double> StartBareAsync(CancellationToken ct)
    {
        var address = new Uri($"http://127.0.0.1:{FreePorts.Next()}");
        // The node's appsettings.json sits in the same output directory and would bind the bare app to the node's
        // ports; an empty content root gives the bare app nothing but its own defaults.
        var contentRoot = Directory.CreateTempSubdirectory("fedreg-bench-bare-").FullName;
        return TimeToFirstResponseAsync(AppContext.BaseDirectory, "fedreg-bench-bare.dll", [KeyValuePair.Create("ASPNETCORE_URLS", address.ToString())], address, "/", ct,
            ["--contentRoot", contentRoot]);
    }

    private static async Task<double> TimeToFirstResponseAsync(
        string directory, string dll, IEnumerable<KeyValuePair<string, string>> environment, Uri address, string path, CancellationToken ct,
        string[]? arguments = null)
    {
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(Path.Combine(directory, dll));
        foreach (var argument in arguments ?? [])
        {
            startInfo.ArgumentList.Add(argument);
        }
        foreach (var name in startInfo.Environment.Keys.ToList())
        {
            if (ConfigurationPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            {
                startInfo.Environment.Remove(name);
            }
        }
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        using var probe = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        using var process = new Process { StartInfo = startInfo };
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        var clock = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            while (!await Health.IsReadyAsync(probe, ct, path))
            {
                if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(120))
                {
                    lock (output)
                    {
                        throw new InvalidOperationException($"{dll} did not answer {path} (exit: {(process.HasExited ? process.ExitCode : "still running")}):\n{output}");
                    }
                }
                // Polling faster than this would take CPU from the process being timed on a 2-core machine.
                await Task.Delay(10, ct);
            }
            return clock.Elapsed.TotalMilliseconds;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    // Under `dotnet run` the harness itself runs on the dotnet host; use the same one for the children.
    internal static string DotnetHost() =>
        Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
}
