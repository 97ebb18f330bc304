using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace FederatedRegistry.Testing;

/// <summary>
/// A loopback port that accepts every connection and never sends a byte: a peer whose process hangs, so that a client's
/// TLS handshake and call wait on it. The connections stay open until it is disposed.
/// </summary>
public sealed class SilentListener : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentBag<TcpClient> _held = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;

    public SilentListener()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = Task.Run(async () =>
        {
            while (true)
            {
                _held.Add(await _listener.AcceptTcpClientAsync(_stopping.Token));
            }
        });
    }

    public int Port { get; }

    /// <summary>The listener as a peer's federation address.</summary>
    public Uri HttpsAddress => new($"https://127.0.0.1:{Port}");

    /// <summary>How many connections it has accepted: that the client did reach it.</summary>
    public int Accepted => _held.Count;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
            // How the accept loop ends.
        }
        foreach (var client in _held)
        {
            client.Dispose();
        }
        _listener.Dispose();
        _stopping.Dispose();
    }
}
