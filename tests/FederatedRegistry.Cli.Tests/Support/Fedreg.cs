using System.Diagnostics;
using System.Text;

namespace FederatedRegistry.Cli.Tests.Support;

/// <summary>What one run of the fedreg binary gave.</summary>
public sealed record FedregRun(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>
/// The built fedreg (fedreg.dll, copied beside the tests through the project reference) run as a child process, as a
/// user runs it. HOME is a fresh directory and FEDREG_* variables are removed, so no config of the machine leaks in.
/// </summary>
public sealed class Fedreg : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "fedreg-cli-home", Guid.NewGuid().ToString("N"));

    public Fedreg() => Directory.CreateDirectory(_home);

    /// <summary>Variables set for every run, e.g. FEDREG_TOKEN.</summary>
    public Dictionary<string, string> Environment { get; } = [];

    public string Home => _home;

    /// <summary>A file in this run's own directory, for manifests and imports.</summary>
    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(_home, name);
        File.WriteAllText(path, content);
        return path;
    }

    public async Task<FedregRun> RunAsync(params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new FedregRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Runs fedreg and kills it (SIGKILL: nothing in fedreg can react) as soon as a line of its stderr satisfies
    /// <paramref name="killWhen"/>. Returns whether it was killed before it ended by itself, and what it wrote.
    /// </summary>
    public async Task<(bool Killed, string Stderr)> RunAndKillAsync(Func<string, bool> killWhen, params string[] args)
    {
        using var process = Start(args);
        var stderr = new StringBuilder();
        var killed = false;
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (await process.StandardError.ReadLineAsync(timeout.Token) is { } line)
        {
            stderr.AppendLine(line);
            if (killWhen(line))
            {
                killed = !process.HasExited;
                process.Kill(entireProcessTree: true);
                break;
            }
        }
        await process.WaitForExitAsync(timeout.Token);
        return (killed, stderr.ToString());
    }

    /// <summary>
    /// Runs fedreg and sends it SIGINT (what Ctrl+C sends) once a line of its stderr satisfies <paramref name="when"/>,
    /// then lets it finish. Null when it ended before the signal could be sent.
    /// </summary>
    public async Task<FedregRun?> RunAndInterruptAsync(Func<string, bool> when, params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = new StringBuilder();
        var sent = false;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (await process.StandardError.ReadLineAsync(timeout.Token) is { } line)
        {
            stderr.AppendLine(line);
            if (!sent && when(line))
            {
                sent = !process.HasExited;
                using var kill = Process.Start("kill", ["-s", "INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync(timeout.Token);
            }
        }
        await process.WaitForExitAsync(timeout.Token);
        return sent ? new FedregRun(process.ExitCode, await stdout, stderr.ToString()) : null;
    }

    private Process Start(string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "fedreg.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"The built fedreg is missing at {dll}; the test project references FederatedRegistry.Cli so that it is copied there.");
        }
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _home,
        };
        startInfo.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }
        foreach (var name in startInfo.Environment.Keys.Where(k => k.StartsWith("FEDREG_", StringComparison.Ordinal)).ToList())
        {
            startInfo.Environment.Remove(name);
        }
        startInfo.Environment["HOME"] = _home;
        foreach (var (key, value) in Environment)
        {
            startInfo.Environment[key] = value;
        }
        return Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start fedreg.");
    }

    private static string DotnetHost()
    {
        if (System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }
        if (System.Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }
        return "dotnet";
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
