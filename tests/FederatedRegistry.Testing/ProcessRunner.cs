using System.Diagnostics;

namespace FederatedRegistry.Testing;

/// <summary>Runs a command to completion and fails with its output when it fails.</summary>
public static class ProcessRunner
{
    /// <summary>
    /// Runs <paramref name="fileName"/> and returns its output; kills it and throws <see cref="TimeoutException"/> after
    /// <paramref name="timeout"/>, or <see cref="OperationCanceledException"/> when <paramref name="ct"/> is cancelled.
    /// </summary>
    public static async Task<string> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken ct = default)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            ct.ThrowIfCancellationRequested();
            throw new TimeoutException($"{Describe(startInfo)} did not finish within {timeout}.");
        }

        var output = await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Describe(startInfo)} exited with {process.ExitCode}:\n{output}");
        }

        return output;
    }

    /// <summary>Runs synchronously, ignoring failures: for clean-up at process exit.</summary>
    public static void RunQuietly(string fileName, IEnumerable<string> arguments, TimeSpan timeout)
    {
        try
        {
            RunAsync(fileName, arguments, timeout).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
        }
    }

    private static string Describe(ProcessStartInfo startInfo) =>
        $"'{startInfo.FileName} {string.Join(' ', startInfo.ArgumentList)}'";
}
