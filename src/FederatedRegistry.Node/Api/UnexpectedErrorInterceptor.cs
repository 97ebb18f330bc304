using Grpc.Core;
using Grpc.Core.Interceptors;

namespace FederatedRegistry.Node.Api;

/// <summary>
/// Logs what escaped the service as a failure of the node, with the method, and answers with a status that
/// says so without leaking internals. Deliberate answers (RpcException) pass through, cut short when they quote so much
/// of the request that a client could not read them.
/// </summary>
internal sealed partial class UnexpectedErrorInterceptor(ILogger<UnexpectedErrorInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (RpcException e) when (RpcErrors.IsOversized(e))
        {
            throw RpcErrors.Bounded(e);
        }
        catch (Exception e) when (e is not RpcException && !context.CancellationToken.IsCancellationRequested)
        {
            throw Unexpected(e, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (RpcException e) when (RpcErrors.IsOversized(e))
        {
            throw RpcErrors.Bounded(e);
        }
        catch (Exception e) when (e is not RpcException && !context.CancellationToken.IsCancellationRequested)
        {
            throw Unexpected(e, context);
        }
    }

    private RpcException Unexpected(Exception e, ServerCallContext context)
    {
        LogFailure(e, context.Method);
        var status = e is TimeoutException or Orleans.Runtime.SiloUnavailableException
            ? new Status(StatusCode.Unavailable, "The node is busy or restarting; retry shortly.")
            : new Status(StatusCode.Internal, "The node failed to handle the request; the failure is logged.");
        return new RpcException(status);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled failure in {Method}")]
    private partial void LogFailure(Exception exception, string method);
}
