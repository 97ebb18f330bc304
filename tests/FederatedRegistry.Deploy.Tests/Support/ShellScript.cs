using System.Diagnostics;

namespace FederatedRegistry.Deploy.Tests.Support;

/// <summary>Runs a shell script with an environment of its own, as the schema Job's container does.</summary>
internal static class ShellScript
{
    public sealed record Result(int ExitCode, string Output);

    public static async Task<Result> RunAsync(string script, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var startInfo = new ProcessStartInfo("sh", [script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start sh {script}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"sh {script} did not finish within {timeout}.");
        }

        return new Result(process.ExitCode, await stdout + await stderr);
    }

    /// <summary>The directory of psql: on PATH, or beside the PostgreSQL server binaries the tests start.</summary>
    public static string? FindPsqlDirectory()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(directory, "psql")))
            {
                return directory;
            }
        }

        return Directory.Exists("/usr/lib/postgresql")
            ? Directory.EnumerateDirectories("/usr/lib/postgresql")
                .Select(version => Path.Combine(version, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "psql")))
                .OrderDescending(StringComparer.Ordinal)
                .FirstOrDefault()
            : null;
    }
}
