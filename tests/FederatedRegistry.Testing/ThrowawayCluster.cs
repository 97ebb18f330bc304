using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace FederatedRegistry.Testing;

/// <summary>
/// A PostgreSQL cluster in a temporary directory, on a free loopback port, for one test process. It trades
/// durability for speed (fsync off): tests kill nodes, never this server.
/// </summary>
internal sealed class ThrowawayCluster
{
    private const string DirectoryPrefix = "fedreg-pg-";
    private const string SuperUser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);

    // Not TMPDIR: the postgres user must be able to reach it, and a unix socket path must stay under ~100 bytes.
    private static readonly string ClustersDirectory = Directory.Exists("/tmp") ? "/tmp" : Path.GetTempPath();

    private readonly string binDirectory;
    private readonly string root;
    private readonly bool runAsPostgresUser;

    private ThrowawayCluster(string binDirectory, string root, bool runAsPostgresUser, string connectionString)
    {
        this.binDirectory = binDirectory;
        this.root = root;
        this.runAsPostgresUser = runAsPostgresUser;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    private string DataDirectory => Path.Combine(root, "data");

    public static async Task<ThrowawayCluster> StartAsync()
    {
        var binDirectory = FindBinDirectory();
        var runAsPostgresUser = Environment.UserName == "root";
        StopLeftovers(binDirectory, runAsPostgresUser);

        var root = Path.Combine(ClustersDirectory, $"{DirectoryPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(root);
        var password = Guid.NewGuid().ToString("N");
        var passwordFile = Path.Combine(root, "pwfile");
        await File.WriteAllTextAsync(passwordFile, password).ConfigureAwait(false);
        if (runAsPostgresUser)
        {
            // initdb refuses to run as root; the cluster belongs to the postgres user instead.
            await ProcessRunner.RunAsync("chown", ["-R", $"{SuperUser}:{SuperUser}", root], CommandTimeout).ConfigureAwait(false);
        }

        var cluster = new ThrowawayCluster(binDirectory, root, runAsPostgresUser, string.Empty);
        cluster.StopWhenThisProcessExits();
        await cluster.PgAsync("initdb",
        [
            "-D", cluster.DataDirectory, "-U", SuperUser, "--pwfile", passwordFile,
            "--auth-local=trust", "--auth-host=scram-sha-256", "--no-locale", "-E", "UTF8", "--no-sync",
        ]).ConfigureAwait(false);

        for (var attempt = 1; ; attempt++)
        {
            var port = FreePorts.Next();
            try
            {
                await cluster.PgAsync("pg_ctl", ["-D", cluster.DataDirectory, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "-o", ServerOptions(port, root), "start"]).ConfigureAwait(false);
                var connectionString = new NpgsqlConnectionStringBuilder
                {
                    Host = "127.0.0.1",
                    Port = port,
                    Username = SuperUser,
                    Password = password,
                    Database = "postgres",
                    MaxPoolSize = 20,
                }.ToString();
                return new ThrowawayCluster(binDirectory, root, runAsPostgresUser, connectionString);
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Most likely the port was taken between choosing and binding it; try another.
            }
            catch (InvalidOperationException ex)
            {
                var log = Path.Combine(root, "server.log");
                var tail = File.Exists(log) ? await File.ReadAllTextAsync(log).ConfigureAwait(false) : "(no server log)";
                throw new InvalidOperationException($"The throwaway PostgreSQL cluster in {root} did not start:\n{ex.Message}\n{tail}", ex);
            }
        }
    }

    /// <summary>
    /// Stops the cluster and removes its directory once this process has exited, however it exits. A ProcessExit
    /// handler is not enough: the test host is killed soon after it reports its results.
    /// </summary>
    private void StopWhenThisProcessExits()
    {
        var pgCtl = Quote(Path.Combine(binDirectory, "pg_ctl"));
        var stop = $"{(runAsPostgresUser ? $"runuser -u {SuperUser} -- " : string.Empty)}{pgCtl} -D {Quote(DataDirectory)} -m immediate -w stop";
        var script = $"exec </dev/null >/dev/null 2>&1; while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; {stop}; rm -rf {Quote(root)}";
        // setsid -f detaches the watcher from this process tree, so killing the test host does not kill it.
        using var watcher = Process.Start(new ProcessStartInfo("setsid", ["-f", "sh", "-c", script]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("Could not start the clean-up watcher of the throwaway PostgreSQL cluster.");
        watcher.WaitForExit();
    }

    private static string Quote(string path) => "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string ServerOptions(int port, string socketDirectory) => string.Join(' ',
        $"-p {port.ToString(CultureInfo.InvariantCulture)}",
        $"-k {socketDirectory}",
        "-c listen_addresses=127.0.0.1",
        "-c max_connections=400",
        "-c fsync=off",
        "-c synchronous_commit=off",
        "-c full_page_writes=off");

    private Task<string> PgAsync(string program, IReadOnlyList<string> arguments) =>
        RunPgAsync(binDirectory, runAsPostgresUser, program, arguments);

    private static Task<string> RunPgAsync(string binDirectory, bool runAsPostgresUser, string program, IReadOnlyList<string> arguments)
    {
        var executable = Path.Combine(binDirectory, program);
        return runAsPostgresUser
            ? ProcessRunner.RunAsync("runuser", ["-u", SuperUser, "--", executable, .. arguments], CommandTimeout)
            : ProcessRunner.RunAsync(executable, arguments, CommandTimeout);
    }

    private static void StopDataDirectory(string binDirectory, string dataDirectory, bool runAsPostgresUser)
    {
        if (!File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
        {
            return;
        }

        var pgCtl = Path.Combine(binDirectory, "pg_ctl");
        string[] stop = ["-D", dataDirectory, "-m", "immediate", "-w", "stop"];
        if (runAsPostgresUser)
        {
            ProcessRunner.RunQuietly("runuser", ["-u", SuperUser, "--", pgCtl, .. stop], TimeSpan.FromSeconds(30));
        }
        else
        {
            ProcessRunner.RunQuietly(pgCtl, stop, TimeSpan.FromSeconds(30));
        }
    }

    // Clusters of test processes that were killed before they could stop theirs.
    private static void StopLeftovers(string binDirectory, bool runAsPostgresUser)
    {
        foreach (var directory in Directory.GetDirectories(ClustersDirectory, DirectoryPrefix + "*"))
        {
            var pidText = Path.GetFileName(directory)[DirectoryPrefix.Length..].Split('-')[0];
            if (int.TryParse(pidText, out var pid) && !ProcessIds.IsAlive(pid))
            {
                StopDataDirectory(binDirectory, Path.Combine(directory, "data"), runAsPostgresUser);
                TryDelete(directory);
            }
        }
    }

    private static string FindBinDirectory()
    {
        const string Installations = "/usr/lib/postgresql";
        var candidates = Directory.Exists(Installations)
            ? Directory.GetDirectories(Installations)
                .Select(version => (Version: decimal.TryParse(Path.GetFileName(version), CultureInfo.InvariantCulture, out var v) ? v : 0, Bin: Path.Combine(version, "bin")))
                .Where(c => File.Exists(Path.Combine(c.Bin, "initdb")) && File.Exists(Path.Combine(c.Bin, "pg_ctl")))
                .OrderByDescending(c => c.Version)
                .ToList()
            : [];
        if (candidates.Count == 0)
        {
            throw new InvalidOperationException(
                "PostgreSQL is needed for these tests but no server binaries were found under /usr/lib/postgresql/*/bin. "
                + "Install PostgreSQL (Debian/Ubuntu: apt-get install postgresql; tests/run.sh does this when run as root), "
                + $"or set {PostgresServer.EnvironmentVariable} to the connection string of a server where the user may create databases.");
        }

        return candidates[0].Bin;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
