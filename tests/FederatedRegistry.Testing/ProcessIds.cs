using System.Diagnostics;

namespace FederatedRegistry.Testing;

internal static class ProcessIds
{
    public static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
