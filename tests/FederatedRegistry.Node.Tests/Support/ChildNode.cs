using System.Diagnostics;
using System.Text;

namespace FederatedRegistry.Node.Tests.Support;

/// <summary>
/// The built node (<c>fedreg-node.dll</c>, copied beside the tests through the project reference) run as a separate
/// process, configured only through environment variables, as an operator would run it. It can be killed with
/// SIGKILL, which no code in the node can intercept.
/// </summary>
public sealed class ChildNode : IAsyncDisposable
{
    // Inherited variables that would configure the node behind the test's back.
    private static readonly string[] ConfigurationPrefixes = ["Node__", "Storage__", "ConnectionStrings__", "Orleans__", "Kestrel__", "Reporting__", "Sharing__", "Federation__", "Limits__", "ASPNETCORE_", "DOTNET_ENVIRONMENT"];

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ChildNode(NodeSettings settings, Process process)
    {
        Settings = settings;
        _process = process;
        Client = new NodeClient(settings.HttpAddress, settings.GrpcAddress);
    }

    public NodeSettings Settings { get; }

    public NodeClient Client { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the process without waiting for it to become healthy.</summary>
    public static ChildNode Launch(NodeSettings settings)
    {
        var directory = AppContext.BaseDirectory;
        var dll = Path.Combine(directory, "fedreg-node.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"The built node is missing at {dll}; the test project references FederatedRegistry.Node so that it is copied there.");
        }
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(dll);
        foreach (var name in startInfo.Environment.Keys.ToList())
        {
            if (ConfigurationPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            {
                startInfo.Environment.Remove(name);
            }
        }
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        startInfo.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in settings.AsEnvironment())
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var node = new ChildNode(settings, process);
        process.OutputDataReceived += (_, e) => node.Append(e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Starts the process and waits until it is ready (<c>/health/ready</c>); fails with its output if it exits first.</summary>
    public static async Task<ChildNode> StartAsync(NodeSettings settings)
    {
        for (var attempt = 1; ; attempt++)
        {
            var node = Launch(settings);
            try
            {
                await node.WaitHealthyAsync(TimeSpan.FromSeconds(120));
                return node;
            }
            catch (InvalidOperationException) when (attempt < 3 && node.Output.Contains("already in use", StringComparison.OrdinalIgnoreCase))
            {
                // A port that was free when chosen was taken before the node bound it; choose others.
                await node.DisposeAsync();
                settings.AssignFreePorts();
            }
            catch
            {
                await node.DisposeAsync();
                throw;
            }
        }
    }

    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (!await Client.IsHealthyAsync(cts.Token))
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"The node exited with {_process.ExitCode} before it became healthy:\n{Output}");
                }
                await Task.Delay(100, cts.Token);
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"The node did not become healthy within {timeout}:\n{Output}");
        }
    }

    /// <summary>Waits for the process to exit by itself; false when it is still running after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL: the node gets no chance to flush, stop or say goodbye.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await KillAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    // `dotnet test` tells child processes where its host is; otherwise the test host itself runs on it.
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }
        return "dotnet";
    }
}
