using System.Diagnostics;
using Grpc.Core;

namespace FederatedRegistry.Node.Api;

/// <summary>
/// When a request reached the node's pipeline, so that a deadline given for the whole answer (a fan-out's) counts
/// authentication, rate limiting and everything else before the handler, not only the handler's own part.
/// </summary>
internal sealed class RequestArrival(long timestamp)
{
    public long Timestamp { get; } = timestamp;

    /// <summary>Time since the call's request arrived; zero when the pipeline did not record it.</summary>
    public static TimeSpan Elapsed(ServerCallContext context) =>
        context.GetHttpContext().Features.Get<RequestArrival>() is { } arrival ? Stopwatch.GetElapsedTime(arrival.Timestamp) : TimeSpan.Zero;
}

internal static class RequestArrivalMiddleware
{
    /// <summary>Records each request's arrival; first in the pipeline.</summary>
    public static IApplicationBuilder UseRequestArrival(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Features.Set(new RequestArrival(Stopwatch.GetTimestamp()));
        return next(context);
    });
}
