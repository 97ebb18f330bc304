using System.Diagnostics;
using System.Runtime.InteropServices;
using FederatedRegistry.Testing;

namespace FederatedRegistry.Bench;

/// <summary>
/// Figure 6: a new process of the node as the Dockerfile publishes it (<c>dotnet publish -r &lt;platform&gt;</c>: self-contained,
/// one composite ReadyToRun image with the runtime; embedded store) until <c>/health/ready</c> first answers 200, against a
/// bare ASP.NET Core app (its build output, on the installed runtime) until its <c>/</c> first answers 200, started
/// alternately. In the same rounds, for comparison: the node's plain build output (JIT only), and the bare app published
/// the way the node is, so that the ratio can also be read without what the packaging alone gains.
/// </summary>
public static class Figure6ColdStart
{
    // Inherited variables that would configure a child behind the bench's back.
    private static readonly string[] ConfigurationPrefixes = ["Node__", "Storage__", "ConnectionStrings__", "Orleans__", "Kestrel__", "Auth__", "Federation__", "Limits__", "ASPNETCORE_", "DOTNET_ENVIRONMENT"];

    private const string NodeName = "fedreg-node";
    private const string BareName = "fedreg-bench-bare";

    public static async Task<IReadOnlyList<ResultRow>> RunAsync(BenchOptions options, CancellationToken ct)
    {
        Console.Error.WriteLine("figure 6: cold starts, node vs bare ASP.NET Core app");
        var root = RepositoryCheckout.FindRoot("figure 6 publishes the node from the checkout; run the bench from the repository");
        // As the Dockerfile publishes it: the project file decides how (self-contained, composite ReadyToRun).
        var published = await PublishAsync(Path.Combine(root, "src", "FederatedRegistry.Node", "FederatedRegistry.Node.csproj"), NodeName, [], ct);
        var barePublished = await PublishAsync(Path.Combine(root, "bench", "FederatedRegistry.Bench.BareApp", "FederatedRegistry.Bench.BareApp.csproj"), BareName,
            ["-p:SelfContained=true", "-p:PublishReadyToRun=true", "-p:PublishReadyToRunComposite=true"], ct);
        var built = Launch.OnInstalledRuntime(AppContext.BaseDirectory, NodeName);
        var bareBuilt = Launch.OnInstalledRuntime(AppContext.BaseDirectory, BareName);
        // The node's first start creates its database, signing key and TLS certificate; the measured starts find them,
        // as a restarted or rescheduled node does. That first start is reported on its own line.
        var dataDirectory = Path.GetDirectoryName(TempSqlite.NewDatabasePath("bench-cold"))!;
        var first = await StartNodeAsync(published, dataDirectory, ct);
        await StartBareAsync(bareBuilt, ct);
        await StartBareAsync(barePublished, ct);

        var node = new List<double>();
        var jit = new List<double>();
        var bare = new List<double>();
        var bareLikeNode = new List<double>();
        Func<Task>[] round =
        [
            async () => node.Add(await StartNodeAsync(published, dataDirectory, ct)),
            async () => bare.Add(await StartBareAsync(bareBuilt, ct)),
            async () => jit.Add(await StartNodeAsync(built, dataDirectory, ct)),
            async () => bareLikeNode.Add(await StartBareAsync(barePublished, ct)),
        ];
        for (var i = 0; i < options.Starts; i++)
        {
            // Alternated, so that a slow spell on the machine falls on every side in turn.
            foreach (var start in i % 2 == 0 ? round : round.Reverse())
            {
                await start();
            }
            Console.Error.WriteLine($"  start {i + 1}/{options.Starts}: node {node[^1]:F0} ms, bare {bare[^1]:F0} ms, " +
                $"node without ReadyToRun {jit[^1]:F0} ms, bare published like the node {bareLikeNode[^1]:F0} ms");
        }
        var nodeMedian = Median(node);
        var bareMedian = Median(bare);
        return
        [
            new ResultRow("6", "cold start to first request, median (published: self-contained, composite ReadyToRun)", nodeMedian, bareMedian, "ms", "≤ 5×", nodeMedian / bareMedian <= 5),
            new ResultRow("6", "cold start, node median vs 3 s", nodeMedian, 3000, "ms", "≤ 3000 ms", nodeMedian <= 3000),
            new ResultRow("6", "cold start, slowest of the starts", node.Max(), bare.Max(), "ms", "—", null),
            new ResultRow("6", "diagnostic: node median vs the bare app published like it", nodeMedian, Median(bareLikeNode), "ms", "—", null),
            new ResultRow("6", "diagnostic: the build output (JIT only), median", Median(jit), bareMedian, "ms", "—", null),
            new ResultRow("6", "first start (creates store, keys, certificate)", first, bareMedian, "ms", "—", null),
        ];
    }

    /// <summary>How to start one build of an app: its own executable when self-contained, else the dotnet host with its dll.</summary>
    private sealed record Launch(string Directory, string FileName, string[] Arguments)
    {
        public static Launch OnInstalledRuntime(string directory, string name) =>
            new(directory, DotnetHost(), [Path.Combine(directory, name + ".dll")]);

        public static Launch SelfContained(string directory, string name) => new(directory, Path.Combine(directory, name), []);
    }

    private static Task<double> StartNodeAsync(Launch node, string dataDirectory, CancellationToken ct)
    {
        var settings = BenchNodeSettings.Create(null, dataDirectory);
        return TimeToFirstResponseAsync(node, [], settings.AsEnvironment(), settings.HttpAddress, "/health/ready", ct);
    }

    private static Task<double> StartBareAsync(Launch bare, CancellationToken ct)
    {
        var address = new Uri($"http://127.0.0.1:{FreePorts.Next()}");
        // The node's appsettings.json sits in the same output directory and would bind the bare app to the node's
        // ports; an empty content root gives the bare app nothing but its own defaults.
        var contentRoot = Directory.CreateTempSubdirectory("fedreg-bench-bare-").FullName;
        return TimeToFirstResponseAsync(bare, ["--contentRoot", contentRoot], [KeyValuePair.Create("ASPNETCORE_URLS", address.ToString())], address, "/", ct);
    }

    /// <summary>Publishes a project for this platform into a new directory, as the Dockerfile does the node.</summary>
    private static async Task<Launch> PublishAsync(string project, string name, string[] properties, CancellationToken ct)
    {
        var output = Directory.CreateTempSubdirectory("fedreg-bench-published-").FullName;
        Console.Error.WriteLine($"  publishing {name} for {RuntimeInformation.RuntimeIdentifier} into {output} (a composite image with the runtime takes minutes) ...");
        // dotnet publish's own output is in the exception when it fails.
        await ProcessRunner.RunAsync(DotnetHost(),
            ["publish", project, "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "-o", output, "--nologo", .. properties],
            Timeout.InfiniteTimeSpan, ct);
        if (!File.Exists(Path.Combine(output, name + ".dll")))
        {
            throw new InvalidOperationException($"dotnet publish of {name} left no {name}.dll in {output}.");
        }
        // Self-contained (the runtime's host library is beside it), it starts as its own executable, as the Dockerfile's
        // entry point does; otherwise on the installed runtime.
        return Directory.EnumerateFiles(output, "*hostfxr*").Any()
            ? Launch.SelfContained(output, name)
            : Launch.OnInstalledRuntime(output, name);
    }

    private static async Task<double> TimeToFirstResponseAsync(
        Launch launch, string[] arguments, IEnumerable<KeyValuePair<string, string>> environment, Uri address, string path, CancellationToken ct)
    {
        var startInfo = ChildStartInfo(launch.FileName, launch.Directory, launch.Arguments.Concat(arguments), environment);

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
                        throw new InvalidOperationException($"{Path.GetFileName(launch.Arguments.FirstOrDefault() ?? launch.FileName)} did not answer {path} (exit: {(process.HasExited ? process.ExitCode : "still running")}):\n{output}");
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

    /// <summary>
    /// How the bench starts a node or app of its own: output redirected, in Production, configured by
    /// <paramref name="environment"/> alone (the variables the bench itself inherited that would configure it are removed).
    /// </summary>
    internal static ProcessStartInfo ChildStartInfo(string fileName, string directory, IEnumerable<string> arguments,
        IEnumerable<KeyValuePair<string, string>> environment)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
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
        return startInfo;
    }

    // Under `dotnet run` the harness itself runs on the dotnet host; use the same one for the children.
    internal static string DotnetHost() =>
        Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
}
