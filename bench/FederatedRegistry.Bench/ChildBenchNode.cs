using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using FederatedRegistry.Contracts.V1;
using Grpc.Net.Client;

namespace FederatedRegistry.Bench;

/// <summary>
/// The built node (<c>dotnet fedreg-node.dll</c>) as a process of its own, configured by environment as a deployment
/// configures it, with a gRPC client of it as the authority. A process of its own so that its memory (VmRSS, VmHWM) is
/// the node's alone, not the harness's.
/// </summary>
public sealed class ChildBenchNode : IAsyncDisposable
{
    // The last lines the node wrote, for the message when it fails to start or dies.
    private const int KeptLines = 200;

    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly HttpClient _http;
    private bool _disposed;

    private ChildBenchNode(Process process, BenchNodeSettings settings)
    {
        _process = process;
        HttpAddress = settings.HttpAddress;
        _http = new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = true }) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", BenchNodeSettings.AuthorityToken());
        Channel = GrpcChannel.ForAddress(settings.GrpcAddress, new GrpcChannelOptions { HttpClient = _http });
        Grpc = new Registry.RegistryClient(Channel);
        GrpcAddress = settings.GrpcAddress;
    }

    public int ProcessId => _process.Id;

    public Uri HttpAddress { get; }

    public Uri GrpcAddress { get; }

    public GrpcChannel Channel { get; }

    public Registry.RegistryClient Grpc { get; }

    /// <summary>How long the process took from its start until <c>/health/ready</c> first answered 200.</summary>
    public TimeSpan StartTime { get; private set; }

    /// <param name="runtime">Environment for the .NET runtime beside the settings (e.g. <c>DOTNET_GCHeapHardLimit</c>).</param>
    public static async Task<ChildBenchNode> StartAsync(BenchNodeSettings settings, CancellationToken ct, IReadOnlyDictionary<string, string>? runtime = null)
    {
        var startInfo = Figure6ColdStart.ChildStartInfo(Figure6ColdStart.DotnetHost(), AppContext.BaseDirectory,
            [Path.Combine(AppContext.BaseDirectory, "fedreg-node.dll")], settings.AsEnvironment().Concat(runtime ?? new Dictionary<string, string>()));

        var process = new Process { StartInfo = startInfo };
        var node = new ChildBenchNode(process, settings);
        process.OutputDataReceived += (_, e) => node.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => node.Keep(e.Data);
        var clock = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var probe = new HttpClient { BaseAddress = settings.HttpAddress, Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            while (!await Health.IsReadyAsync(probe, ct))
            {
                if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(180))
                {
                    throw new InvalidOperationException(
                        $"fedreg-node.dll did not become ready (exit: {(process.HasExited ? process.ExitCode : "still running")}):\n{node.Output()}");
                }
                await Task.Delay(50, ct);
            }
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
        node.StartTime = clock.Elapsed;
        return node;
    }

    /// <summary>The process's resident memory now and at its peak (VmRSS, VmHWM from /proc), in MiB.</summary>
    public ProcessMemory Memory() => ProcessMemory.Read(_process.Id)
        ?? throw new InvalidOperationException($"The node process {_process.Id} has no /proc status (exited?):\n{Output()}");

    /// <summary>The node's Prometheus scrape (<c>/metrics</c>): the .NET runtime's own GC and memory gauges among them.</summary>
    public async Task<string> MetricsAsync(CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = HttpAddress, Timeout = TimeSpan.FromSeconds(30) };
        return await client.GetStringAsync(new Uri("/metrics", UriKind.Relative), ct);
    }

    public string Output()
    {
        lock (_output)
        {
            return string.Join('\n', _output);
        }
    }

    /// <summary>Stops the node; may be called again (an early stop, then the <c>await using</c>).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        Channel.Dispose();
        _http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            await _process.WaitForExitAsync(CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            // Never started: nothing to stop.
        }
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > KeptLines)
            {
                _output.Dequeue();
            }
        }
    }
}

/// <summary>A process's resident set now (VmRSS) and its peak so far (VmHWM), in MiB, as the kernel counts them.</summary>
public sealed record ProcessMemory(double RssMiB, double PeakMiB)
{
    /// <summary>Null when the process has no /proc entry (exited, or not Linux).</summary>
    public static ProcessMemory? Read(int processId)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines($"/proc/{processId}/status");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        double? rss = null;
        double? peak = null;
        foreach (var line in lines)
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = KiB(line) / 1024;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = KiB(line) / 1024;
            }
        }
        return rss is { } r && peak is { } p ? new ProcessMemory(r, p) : null;
    }

    // "VmRSS:	  123456 kB"
    private static double KiB(string line) =>
        double.Parse(line.Split(' ', '\t').Where(p => p.Length > 0).ElementAt(1), NumberStyles.Integer, CultureInfo.InvariantCulture);
}
