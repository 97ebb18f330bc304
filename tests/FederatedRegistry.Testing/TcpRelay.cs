using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace FederatedRegistry.Testing;

/// <summary>
/// A loopback TCP relay in front of a server. A node connects to the server through it, and a test cuts it to make the
/// server unreachable for that node alone, as a stopped server is (open connections reset, new ones refused), without
/// stopping the server that other tests share; <see cref="Resume"/> makes it reachable again on the same port.
/// <see cref="Stall"/> makes the server hang instead: connections stay open and nothing comes back.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly Lock _gate = new();
    private TcpListener? _listener;
    private CancellationTokenSource? _running;
    private Task _accepting = Task.CompletedTask;
    private volatile bool _stalled;
    private int _accepted;

    private TcpRelay(IPEndPoint target, int port)
    {
        _target = target;
        Port = port;
    }

    /// <summary>The loopback port to connect to instead of the server's.</summary>
    public int Port { get; }

    /// <summary>How many connections the relay has accepted so far: whether a client reuses its connections.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Relays a free loopback port to <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static TcpRelay Start(string host, int port)
    {
        var address = IPAddress.TryParse(host, out var ip) ? ip : Dns.GetHostAddresses(host).First(a => a.AddressFamily == AddressFamily.InterNetwork);
        var relay = new TcpRelay(new IPEndPoint(address, port), FreePorts.Next());
        relay.Resume();
        return relay;
    }

    /// <summary>Listens (again) and relays new connections.</summary>
    public void Resume()
    {
        lock (_gate)
        {
            if (_listener is not null)
            {
                return;
            }
            var listener = new TcpListener(IPAddress.Loopback, Port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            _listener = listener;
            _stalled = false;
            _running = new CancellationTokenSource();
            _accepting = AcceptAsync(listener, _running.Token);
        }
    }

    /// <summary>
    /// From now on the server looks hung, as a process that stopped scheduling or a peer behind a dead link does: open
    /// connections stay open but nothing more crosses them either way, and new connections are accepted and never
    /// answered (not even a TLS handshake). Unlike a cut, a caller learns nothing until its own deadline. Lasts until
    /// <see cref="CutAsync"/>; a <see cref="Resume"/> after that relays afresh.
    /// </summary>
    public void Stall() => _stalled = true;

    /// <summary>Stops listening and resets every relayed connection: the server is unreachable until <see cref="Resume"/>.</summary>
    public async Task CutAsync()
    {
        Task accepting;
        lock (_gate)
        {
            if (_listener is null)
            {
                return;
            }
            _running!.Cancel();
            _listener.Stop();
            _listener = null;
            accepting = _accepting;
        }
        foreach (var socket in _open.Keys)
        {
            Close(socket);
        }
        await accepting;
    }

    public async ValueTask DisposeAsync() => await CutAsync();

    private async Task AcceptAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            Interlocked.Increment(ref _accepted);
            _ = RelayAsync(client, ct);
        }
    }

    private async Task RelayAsync(Socket client, CancellationToken ct)
    {
        if (_stalled)
        {
            await HoldAsync(client, ct);
            return;
        }
        var server = new Socket(_target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _open[client] = 0;
        _open[server] = 0;
        try
        {
            await server.ConnectAsync(_target, ct);
            // Whichever direction ends first ends the pair, as a broken connection does.
            await Task.WhenAny(PumpAsync(client, server, ct), PumpAsync(server, client, ct));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            Close(client);
            Close(server);
        }
    }

    // Reads what the client sends, so that its writes never block, and answers nothing, until it gives up or the relay is cut.
    private async Task HoldAsync(Socket client, CancellationToken ct)
    {
        _open[client] = 0;
        var buffer = new byte[16 * 1024];
        try
        {
            while (await client.ReceiveAsync(buffer, SocketFlags.None, ct) > 0)
            {
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            Close(client);
        }
    }

    private async Task PumpAsync(Socket from, Socket to, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, ct)) > 0)
            {
                // Stalled: what arrives is dropped, in both directions, and the connection is left open.
                if (!_stalled)
                {
                    await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, ct);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private void Close(Socket socket)
    {
        if (_open.TryRemove(socket, out _))
        {
            // Linger 0: a reset, as when the server's process is gone, rather than an orderly close.
            try
            {
                socket.LingerState = new LingerOption(true, 0);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
            socket.Dispose();
        }
    }
}
