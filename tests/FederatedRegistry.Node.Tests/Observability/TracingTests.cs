using System.Diagnostics;
using System.Net;
using FederatedRegistry.Node.Tests.Support;

namespace FederatedRegistry.Node.Tests.Observability;

/// <summary>What the node's tracer provider exports: requests and the grain calls they make, in one trace.</summary>
[Collection(ObservedNodeCollection.Name)]
public sealed class TracingTests(ObservedNodeFixture node)
{
    private sealed record Trace(Activity Server, Activity Grain, IReadOnlyList<Activity> Spans);

    [Fact]
    public async Task A_request_and_the_grain_call_it_makes_are_spans_of_one_trace()
    {
        var provider = await node.Client.Grpc.CreateProviderAsync(Messages.Provider(), deadline: NodeClient.Deadline);
        var system = await node.Client.Grpc.RegisterSystemAsync(Messages.Registration(provider.Id, submit: false), deadline: NodeClient.Deadline);
        // The path names this system only: the request's server span is told apart from every other request's.
        var path = $"/v1/systems/{system.Id}";

        var response = await node.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var trace = await Eventually.Find(() =>
        {
            var spans = node.Spans;
            var server = spans.FirstOrDefault(s => s.Source.Name == "Microsoft.AspNetCore" && s.Kind == ActivityKind.Server && s.GetTagItem("url.path") as string == path);
            var inTrace = server is null ? [] : spans.Where(s => s.TraceId == server.TraceId).ToList();
            var grain = inTrace.FirstOrDefault(s => s.Source.Name == "Microsoft.Orleans.Application" && s.DisplayName.Contains("ISystemGrain", StringComparison.Ordinal));
            return Task.FromResult(server is null || grain is null ? null : new Trace(server, grain, inTrace));
        }, $"the server span of GET {path} and an ISystemGrain call in its trace");

        // The grain call descends from the request: its chain of parents reaches the server span.
        var byId = trace.Spans.ToDictionary(s => s.SpanId);
        var ancestor = trace.Grain;
        while (ancestor.SpanId != trace.Server.SpanId && byId.TryGetValue(ancestor.ParentSpanId, out var parent))
        {
            ancestor = parent;
        }
        Assert.Equal(trace.Server.SpanId, ancestor.SpanId);
    }
}
