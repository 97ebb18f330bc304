namespace FederatedRegistry.Testing;

/// <summary>Paths for throwaway SQLite database files, removed when the test process exits.</summary>
public static class TempSqlite
{
    private static readonly Lazy<string> ProcessRoot = new(CreateProcessRoot);

    /// <summary>
    /// A path to a database file that does not exist yet, in a directory that does not exist yet either
    /// (so that the code under test has to create it).
    /// </summary>
    public static string NewDatabasePath(string prefix) =>
        Path.Combine(ProcessRoot.Value, $"{prefix}-{Guid.NewGuid():N}", "registry.db");

    private static string CreateProcessRoot()
    {
        var parent = Path.Combine(Path.GetTempPath(), "fedreg-tests");
        RemoveLeftovers(parent);
        var root = Path.Combine(parent, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(root);
        return root;
    }

    // Directories of test processes that died without cleaning up.
    private static void RemoveLeftovers(string parent)
    {
        if (!Directory.Exists(parent))
        {
            return;
        }

        foreach (var directory in Directory.GetDirectories(parent))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && !ProcessIds.IsAlive(pid))
            {
                TryDelete(directory);
            }
        }
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
