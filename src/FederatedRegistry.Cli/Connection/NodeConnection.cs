using FederatedRegistry.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace FederatedRegistry.Cli.Connection;

/// <summary>One node: its channel, the generated Registry client, and the token sent with every call.</summary>
internal sealed class NodeConnection : IDisposable
{
    // Long enough for a node under load, short enough that a hung node does not hang a script.
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan LongCallTimeout = TimeSpan.FromHours(1);

    private readonly GrpcChannel _channel;
    private readonly string? _token;

    public NodeConnection(Uri address, string? token)
    {
        Address = address;
        _token = token;
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxRetryAttempts = 0 });
        Client = new Registry.RegistryClient(_channel);
    }

    public Uri Address { get; }

    /// <summary>The address as people wrote it, for messages: "http://127.0.0.1:5081".</summary>
    public string Name => Address.GetLeftPart(UriPartial.Authority);

    public Registry.RegistryClient Client { get; }

    public CallOptions Call(CancellationToken cancellationToken) => Call(cancellationToken, CallTimeout);

    /// <summary>For a call that streams a whole export: it may take long on a large registry, yet not forever.</summary>
    public CallOptions LongCall(CancellationToken cancellationToken) => Call(cancellationToken, LongCallTimeout);

    private CallOptions Call(CancellationToken cancellationToken, TimeSpan timeout)
    {
        var headers = new Metadata();
        if (_token is not null)
        {
            headers.Add("authorization", "Bearer " + _token);
        }
        return new CallOptions(headers, DateTime.UtcNow.Add(timeout), cancellationToken);
    }

    public void Dispose() => _channel.Dispose();
}
