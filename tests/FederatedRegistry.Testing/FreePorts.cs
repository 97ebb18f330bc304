using System.Net;
using System.Net.Sockets;

namespace FederatedRegistry.Testing;

/// <summary>Loopback TCP ports that are free now, never the same one twice in a process.</summary>
public static class FreePorts
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>A port that nothing listens on at the moment of the call (Orleans' defaults 11111/30000 are never returned).</summary>
    public static int Next()
    {
        lock (HandedOut)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (port is not (11111 or 30000) && HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
