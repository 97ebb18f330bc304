using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Node.Hosting;
using FederatedRegistry.Node.Tests.Support;
using FederatedRegistry.Testing;
using Google.Protobuf;
using Grpc.Core;
using Xunit.Abstractions;

namespace FederatedRegistry.Node.Tests.Malformed;

/// <summary>
/// Ten thousand generated requests no client should send, per store, over every route of the national API (read from
/// the service descriptor) and both transports: the node never answers 5xx or INTERNAL / UNKNOWN, refuses what is
/// malformed with a 4xx or a client-error status that says what is wrong, names the field whenever the request got as
/// far as the API's own checks, and is still healthy at the end. Set FEDREG_MALFORMED_SEED to replay a run.
/// </summary>
public abstract class GeneratedMalformedInputTests(MalformedInputNodeFixture node, ITestOutputHelper output)
{
    private const int HttpCases = 6_000;
    private const int GrpcCases = 4_000;

    private static readonly StatusCode[] ServerFaults =
    [
        StatusCode.Unknown, StatusCode.Internal, StatusCode.DataLoss, StatusCode.Unavailable, StatusCode.Unimplemented,
        StatusCode.DeadlineExceeded, StatusCode.Cancelled,
    ];

    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(b => b, b => b);

    [Fact]
    public async Task GeneratedMalformedRequests_OnEveryRoute_AreRefusedAsClientErrorsAndTheNodeKeepsServing()
    {
        var seed = Environment.GetEnvironmentVariable("FEDREG_MALFORMED_SEED") is { Length: > 0 } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        var limits = new LimitsOptions();
        var cases = new MalformedCases(seed, limits.MaxRequestBytes, limits.MaxJsonDepth, node.Examples).Generate(HttpCases, GrpcCases);
        var results = new ConcurrentBag<(MalformedCase Case, string Answer, string? Failure)>();
        using var anonymous = node.Client.As("");

        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (c, _) =>
        {
            var (answer, failure) = c switch
            {
                HttpCase http => await RunAsync(http.Anonymous ? anonymous : node.Client, http),
                GrpcCase grpc => await RunAsync(node.Client, grpc),
                _ => throw new InvalidOperationException(c.GetType().Name),
            };
            results.Add((c, answer, failure));
        });

        Report(seed, cases, results);
        var failures = results.Where(r => r.Failure is not null).OrderBy(r => r.Case.Number).ToList();
        Assert.True(await node.Client.IsHealthyAsync(CancellationToken.None), "The node is not healthy after the malformed requests.");
        Assert.Equal(node.Settings.Code, (await node.Client.Grpc.GetNodeInfoAsync(new GetNodeInfoRequest(), deadline: NodeClient.Deadline)).Code);
        // One example of each kind of case and answer that went wrong, with how many there were.
        Assert.True(failures.Count == 0,
            $"{failures.Count} of {cases.Count} malformed requests were answered wrongly (seed {seed}; FEDREG_MALFORMED_SEED={seed} replays them):\n" +
            string.Join("\n", failures.GroupBy(f => (f.Case.Kind, f.Answer)).Take(40).Select(g =>
                $"{g.Count()} x {g.Key.Kind} answered {g.Key.Answer}, e.g. {g.First().Case.Describe()}\n    -> {g.First().Failure}")));
    }

    [Fact]
    public void EveryRouteOfTheNationalApi_IsServedAsHttpJsonToo()
    {
        // ApiRoute.All reads each method's google.api.http rule and fails for a method without one.
        Assert.Equal(Registry.Descriptor.Methods.Count, ApiRoute.All.Count);
        Assert.All(ApiRoute.All, r => Assert.StartsWith("/v1/", r.Template, StringComparison.Ordinal));
    }

    private static async Task<(string Answer, string? Failure)> RunAsync(NodeClient client, HttpCase c)
    {
        using var request = new HttpRequestMessage(c.Verb, new Uri(client.HttpAddress, c.PathAndQuery));
        if (c.Body is not null)
        {
            HttpContent content = c.Chunked ? new ChunkedContent(c.Body) : new ByteArrayContent(c.Body);
            if (c.ContentType is not null)
            {
                content.Headers.TryAddWithoutValidation("Content-Type", c.ContentType);
            }
            request.Content = content;
            // An over-limit body is refused on its declared length; without 100-continue the client would still be sending.
            request.Headers.ExpectContinue = c.Body.Length > 1_000_000;
        }
        HttpStatusCode status;
        string body;
        try
        {
            using var response = await client.Http.SendAsync(request);
            status = response.StatusCode;
            body = await response.Content.ReadAsStringAsync();
        }
        catch (HttpRequestException e) when (c.Chunked && c.Kind == "json/over-limit")
        {
            // The node answered 413 and closed the connection while the client was still streaming the body.
            return ("HTTP closed while sending", e.InnerException is IOException ? null : "transport failure: " + e.Message);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return ("transport failure", $"{e.GetType().Name}: {e.Message}");
        }
        var code = (int)status;
        var answer = $"HTTP {code}";
        if (code >= 500)
        {
            return (answer, $"answered {code}: {Cut(body)}");
        }
        if (c.MustBeRefused && code < 400)
        {
            return (answer, $"accepted with {code}: {Cut(body)}");
        }
        if (code >= 400 && body.Length > 0)
        {
            if (JsonResponse(status, body) is not { } error || string.IsNullOrWhiteSpace((string?)error["message"]))
            {
                return (answer, $"{code} without a google.rpc.Status message: {Cut(body)}");
            }
            var statusCode = (int?)error["code"];
            answer += $" ({(StatusCode)(statusCode ?? 0)})";
            if (c.NamesField && code == 400 && statusCode == (int)StatusCode.InvalidArgument &&
                new Support.JsonResponse(status, body).ViolatedFields.Count == 0)
            {
                return (answer, $"INVALID_ARGUMENT without naming a field: {Cut(body)}");
            }
        }
        return (answer, null);
    }

    private static async Task<(string Answer, string? Failure)> RunAsync(NodeClient client, GrpcCase c)
    {
        var method = new Method<byte[], byte[]>(MethodType.Unary, c.Route.Method.Service.FullName, c.Route.Name, Raw, Raw);
        try
        {
            await client.Channel.CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(deadline: NodeClient.Deadline), c.Message);
            return ("gRPC OK", c.MustBeRefused ? "accepted (OK)" : null);
        }
        catch (RpcException e)
        {
            var answer = $"gRPC {e.StatusCode}";
            if (ServerFaults.Contains(e.StatusCode))
            {
                return (answer, $"{e.StatusCode}: {e.Status.Detail}");
            }
            if (string.IsNullOrWhiteSpace(e.Status.Detail))
            {
                return (answer, $"{e.StatusCode} without a message");
            }
            if (c.NamesField && e.StatusCode == StatusCode.InvalidArgument && e.ViolatedFields().Count == 0)
            {
                return (answer, $"INVALID_ARGUMENT without naming a field: {e.Status.Detail}");
            }
            return (answer, null);
        }
    }

    private static JsonObject? JsonResponse(HttpStatusCode status, string body) => new Support.JsonResponse(status, body).Json as JsonObject;

    private void Report(int seed, IReadOnlyList<MalformedCase> cases, IEnumerable<(MalformedCase Case, string Answer, string? Failure)> results)
    {
        var all = results.ToList();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{cases.Count} generated cases (seed {seed}) on {node.Settings.Values["Storage:Provider"]} storage: {all.Count(r => r.Failure is null)} answered as they must, {all.Count(r => r.Failure is not null)} not.");
        text.AppendLine("cases per route (HTTP/JSON + gRPC):");
        foreach (var route in ApiRoute.All)
        {
            var http = all.Count(r => r.Case.Route == route && r.Case is HttpCase);
            var grpc = all.Count(r => r.Case.Route == route && r.Case is GrpcCase);
            text.AppendLine(CultureInfo.InvariantCulture, $"  {route.Name,-26} {http,5} + {grpc,5}");
        }
        text.AppendLine("answers:");
        foreach (var group in all.GroupBy(r => r.Answer).OrderByDescending(g => g.Count()))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {group.Key,-40} {group.Count(),6}");
        }
        text.AppendLine("kinds, and how each was answered:");
        foreach (var group in all.GroupBy(r => r.Case.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var answers = string.Join(", ", group.GroupBy(r => r.Answer).OrderByDescending(a => a.Count()).Select(a => $"{a.Key} {a.Count()}"));
            text.AppendLine(CultureInfo.InvariantCulture, $"  {group.Key,-36} {group.Count(),6}: {answers}");
        }
        output.WriteLine(text.ToString());
    }

    private static string Cut(string text) => text.Length <= 400 ? text : text[..400] + "...";

    /// <summary>A body sent without a Content-Length (chunked), as a streaming client sends it.</summary>
    private sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

/// <summary>
/// A node of its own for the generated requests (some succeed and create records), with a provider, a draft
/// registration and an incident that valid example requests refer to.
/// </summary>
public abstract class MalformedInputNodeFixture : IAsyncLifetime
{
    private InProcessNode? _node;

    public NodeClient Client => _node!.Client;

    public NodeSettings Settings => _node!.Settings;

    /// <summary>Valid requests by message type, which the generator breaks one field at a time.</summary>
    public IReadOnlyDictionary<string, Func<IMessage>> Examples { get; private set; } = new Dictionary<string, Func<IMessage>>();

    protected abstract Task<NodeSettings> NewNodeAsync();

    public async Task InitializeAsync()
    {
        _node = await InProcessNode.StartAsync(await NewNodeAsync());
        var api = Client.Grpc;
        var provider = await api.CreateProviderAsync(Messages.Provider(), deadline: NodeClient.Deadline);
        var system = await api.RegisterSystemAsync(Messages.Registration(provider.Id, submit: false), deadline: NodeClient.Deadline);
        var incident = await api.ReportIncidentAsync(Messages.Incident(systemId: system.Id), deadline: NodeClient.Deadline);
        Examples = new Dictionary<string, Func<IMessage>>
        {
            [CreateProviderRequest.Descriptor.FullName] = () => Messages.Provider(),
            [GetProviderRequest.Descriptor.FullName] = () => new GetProviderRequest { Id = provider.Id },
            [RegisterSystemRequest.Descriptor.FullName] = () => Messages.Registration(provider.Id, submit: false),
            [GetSystemRequest.Descriptor.FullName] = () => new GetSystemRequest { Id = system.Id },
            [UpdateSystemRequest.Descriptor.FullName] = () => new UpdateSystemRequest { Id = system.Id, Details = Messages.Details() },
            [ListSystemVersionsRequest.Descriptor.FullName] = () => new ListSystemVersionsRequest { Id = system.Id },
            [DecideSystemRequest.Descriptor.FullName] = () => new DecideSystemRequest { Id = system.Id, Decision = Decision.StartReview, ExpectedVersion = 999 },
            [ReportIncidentRequest.Descriptor.FullName] = () => Messages.Incident(systemId: system.Id),
            [GetIncidentRequest.Descriptor.FullName] = () => new GetIncidentRequest { Id = incident.Id },
            [TransitionIncidentRequest.Descriptor.FullName] = () => new TransitionIncidentRequest { Id = incident.Id, To = IncidentStatus.Triaged, ExpectedVersion = 999 },
        };
    }

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
    }
}

public sealed class EmbeddedMalformedInputNode : MalformedInputNodeFixture
{
    protected override Task<NodeSettings> NewNodeAsync() => Task.FromResult(NodeSettings.Embedded());
}

public sealed class PostgresMalformedInputNode : MalformedInputNodeFixture
{
    protected override async Task<NodeSettings> NewNodeAsync() => NodeSettings.Postgres(await PostgresServer.CreateDatabaseAsync("node_malformed"));
}

[CollectionDefinition(Name)]
public sealed class EmbeddedMalformedInputCollection : ICollectionFixture<EmbeddedMalformedInputNode>
{
    public const string Name = "malformed input, embedded storage";
}

[CollectionDefinition(Name)]
public sealed class PostgresMalformedInputCollection : ICollectionFixture<PostgresMalformedInputNode>
{
    public const string Name = "malformed input, PostgreSQL";
}

[Collection(EmbeddedMalformedInputCollection.Name)]
public sealed class GeneratedMalformedInputOnEmbeddedStorageTests(EmbeddedMalformedInputNode node, ITestOutputHelper output)
    : GeneratedMalformedInputTests(node, output);

[Collection(PostgresMalformedInputCollection.Name)]
public sealed class GeneratedMalformedInputOnPostgresTests(PostgresMalformedInputNode node, ITestOutputHelper output)
    : GeneratedMalformedInputTests(node, output);
