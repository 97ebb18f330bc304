using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using System.Threading.RateLimiting;
using FederatedRegistry.Node.Api;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace FederatedRegistry.Node.Hosting;

/// <summary>How much one request, and one caller, may ask of the node. Bound from "Limits".</summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>
    /// The largest request body (HTTP/JSON) and gRPC message of the national API, in bytes. 4 MiB by default: the
    /// largest valid request, a sharing policy of 1,000,000 characters, fits; gRPC's own default is the same.
    /// </summary>
    public long MaxRequestBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>How deeply a JSON body may nest objects and arrays; the API's own requests nest 4 levels at most.</summary>
    public int MaxJsonDepth { get; set; } = 16;

    /// <summary>Requests per second each caller may make on average; 0 turns per-caller rate limiting off.</summary>
    public int RequestsPerSecond { get; set; } = 100;

    /// <summary>How many requests a caller may make at once before the average applies (the token bucket's size).</summary>
    public int Burst { get; set; } = 200;
}

/// <summary>
/// Bad input and floods stop at the edge: Kestrel's body size limit and gRPC's message size limit, a JSON check
/// (UTF-8, syntax, nesting depth) before the transcoder reads a body, and a token bucket per caller: the authenticated
/// user (the token's subject), else the remote address; a peer on the federation endpoint by its certificate. Health
/// and Prometheus scrapes are never limited. Refusals are HTTP 413 / 400 / 429 with a google.rpc.Status body, and on gRPC the status
/// RESOURCE_EXHAUSTED that a gRPC client reads as such.
/// </summary>
public static partial class NodeLimits
{
    private const string GrpcContentType = "application/grpc";
    private static readonly PathString GrpcHealthPath = "/grpc.health.v1.Health";
    private static readonly PathString HealthPath = NodeHealth.PathPrefix;
    private static readonly PathString LegacyHealthPath = NodeHealth.LegacyPath;
    private static readonly PathString FederationPath = "/" + Contracts.V1.Federation.Descriptor.FullName;

    /// <summary>The limits' settings (validated at start), the size limits of Kestrel and of the national gRPC API, and the rate limiter.</summary>
    public static WebApplicationBuilder AddNodeLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LimitsOptions>, LimitsOptionsValidator>();
        builder.Services.AddOptions<KestrelServerOptions>()
            .PostConfigure<IOptions<LimitsOptions>>((kestrel, limits) => kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBytes);
        // gRPC lifts Kestrel's body limit for its calls and applies its own message limit instead. The Federation service
        // keeps gRPC's default: a delivery batch is larger than any one request of the national API.
        builder.Services.AddOptions<GrpcServiceOptions<RegistryApi>>()
            .PostConfigure<IOptions<LimitsOptions>>((grpc, limits) => grpc.MaxReceiveMessageSize = (int)limits.Value.MaxRequestBytes);
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<LimitsOptions>, ILoggerFactory>((options, limits, loggers) =>
        {
            var logger = loggers.CreateLogger(typeof(NodeLimits));
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, limits.Value));
            options.OnRejected = (rejected, ct) => RejectAsync(rejected, limits.Value, logger, ct);
        });
        return builder;
    }

    /// <summary>Per-caller rate limits: after authentication (to know the caller), before authorization and the API.</summary>
    public static IApplicationBuilder UseCallerRateLimits(this IApplicationBuilder app) => app.UseRateLimiter();

    /// <summary>
    /// The size, encoding, syntax and nesting depth of JSON bodies, checked before the transcoder reads them: after
    /// authorization, so that a caller who may not call a route never has its body read.
    /// </summary>
    public static IApplicationBuilder UseRequestBodyLimits(this IApplicationBuilder app) => app.UseMiddleware<RequestBodyGuard>();

    internal static bool IsGrpc(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith(GrpcContentType, StringComparison.OrdinalIgnoreCase);

    /// <summary>The bucket a request draws from: "user:", "peer:" or "ip:" and who; none for health and metrics scrapes.</summary>
    internal static RateLimitPartition<string> Partition(HttpContext context, LimitsOptions limits)
    {
        var path = context.Request.Path;
        if (limits.RequestsPerSecond == 0 || path.StartsWithSegments(HealthPath) || path.StartsWithSegments(LegacyHealthPath) ||
            path.StartsWithSegments(GrpcHealthPath) || path.StartsWithSegments(NodeTelemetry.MetricsPath))
        {
            return RateLimitPartition.GetNoLimiter("");
        }
        string key;
        if (path.StartsWithSegments(FederationPath, StringComparison.Ordinal))
        {
            // Peers authenticate by their TLS certificate (checked in the handshake), not by a token.
            key = context.Connection.ClientCertificate is { } certificate
                ? "peer:" + certificate.GetCertHashString(HashAlgorithmName.SHA256)
                : "peer-ip:" + context.Connection.RemoteIpAddress;
        }
        else if (context.User.Identity is { IsAuthenticated: true } identity)
        {
            key = "user:" + (identity.Name ?? context.User.FindFirst("sub")?.Value ?? "");
        }
        else
        {
            key = "ip:" + context.Connection.RemoteIpAddress;
        }
        return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.Burst,
            TokensPerPeriod = limits.RequestsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, LimitsOptions limits, ILogger logger, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        var message = $"Too many requests from this caller: at most {limits.RequestsPerSecond} a second on average, {limits.Burst} at once (Limits:RequestsPerSecond, Limits:Burst); retry after {seconds} s.";
        LogRejected(logger, context.Request.Path);
        if (IsGrpc(context.Request))
        {
            // A trailers-only gRPC answer: without grpc-status a gRPC client would read HTTP 429 as UNAVAILABLE.
            await WriteGrpcStatusAsync(context, StatusCodeResourceExhausted, message, ("grpc-retry-pushback-ms", (seconds * 1000).ToString(CultureInfo.InvariantCulture)));
            return;
        }
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await WriteJsonStatusAsync(context, StatusCodes.Status429TooManyRequests, StatusCodeResourceExhausted, message, ct);
    }

    // google.rpc.Code values, as the transcoder writes them in error bodies.
    internal const int StatusCodeInvalidArgument = 3;
    internal const int StatusCodeResourceExhausted = 8;

    /// <summary>An error body shaped like the transcoder's own: a google.rpc.Status as JSON.</summary>
    internal static Task WriteJsonStatusAsync(HttpContext context, int httpStatus, int code, string message, CancellationToken ct)
    {
        context.Response.StatusCode = httpStatus;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new JsonStatus(code, message)), ct);
    }

    /// <summary>A trailers-only gRPC answer: the status in the response headers, no message.</summary>
    internal static Task WriteGrpcStatusAsync(HttpContext context, int code, string message, params (string Name, string Value)[] headers)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcContentType;
        response.Headers["grpc-status"] = code.ToString(CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = PercentEncode(message);
        foreach (var (name, value) in headers)
        {
            response.Headers[name] = value;
        }
        return Task.CompletedTask;
    }

    // grpc-message is percent-encoded: printable ASCII except '%' passes as is.
    private static string PercentEncode(string message)
    {
        var sb = new StringBuilder(message.Length);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }

    private sealed record JsonStatus(
        [property: System.Text.Json.Serialization.JsonPropertyName("code")] int Code,
        [property: System.Text.Json.Serialization.JsonPropertyName("message")] string Message)
    {
        [System.Text.Json.Serialization.JsonPropertyName("details")]
        public IReadOnlyList<object> Details { get; } = [];
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rate limit: refused a request to {Path}")]
    private static partial void LogRejected(ILogger logger, string path);

    private sealed class LimitsOptionsValidator : IValidateOptions<LimitsOptions>
    {
        public ValidateOptionsResult Validate(string? name, LimitsOptions options)
        {
            var failures = new List<string>();
            if (options.MaxRequestBytes is < 16 * 1024 or > 256 * 1024 * 1024)
            {
                failures.Add($"Limits:MaxRequestBytes {options.MaxRequestBytes} must be between 16384 (16 KiB) and 268435456 (256 MiB).");
            }
            if (options.MaxJsonDepth is < 4 or > 64)
            {
                failures.Add($"Limits:MaxJsonDepth {options.MaxJsonDepth} must be between 4 (the API's requests nest that deep) and 64.");
            }
            if (options.RequestsPerSecond < 0)
            {
                failures.Add($"Limits:RequestsPerSecond {options.RequestsPerSecond} must be 0 (no rate limit) or more.");
            }
            if (options.RequestsPerSecond > 0 && options.Burst < 1)
            {
                failures.Add($"Limits:Burst {options.Burst} must be 1 or more: how many requests a caller may make at once.");
            }
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}

/// <summary>
/// Reads a request body of the national API before the transcoder or gRPC does, and refuses it by what is wrong and
/// where. JSON: too large (413), not UTF-8 (415 for another charset, 400 for bytes that are not UTF-8), not JSON, or
/// nested deeper than Limits:MaxJsonDepth (400). gRPC: a message that is not one of the method's request type answers
/// INVALID_ARGUMENT, which gRPC itself would answer UNKNOWN (its deserialisation runs before any interceptor), and one
/// over the size limit RESOURCE_EXHAUSTED. The API then reads the same bytes from memory.
/// </summary>
internal sealed class RequestBodyGuard(RequestDelegate next, IOptions<LimitsOptions> options)
{
    private const int GrpcFrameHeader = 5;
    private static readonly PathString RegistryPath = "/" + Contracts.V1.Registry.Descriptor.FullName;

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (NodeLimits.IsGrpc(request))
        {
            if (context.GetEndpoint() is not null && request.Path.StartsWithSegments(RegistryPath, StringComparison.Ordinal, out var rest) &&
                Contracts.V1.Registry.Descriptor.FindMethodByName(rest.Value?.TrimStart('/') ?? "") is { } method)
            {
                await GuardGrpcAsync(context, method.InputType);
            }
            else
            {
                await next(context);
            }
            return;
        }
        if (context.GetEndpoint() is null ||
            !(HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method)))
        {
            await next(context);
            return;
        }
        var limits = options.Value;
        var ct = context.RequestAborted;
        if (request.ContentLength > limits.MaxRequestBytes)
        {
            await TooLargeAsync(context, limits, ct);
            return;
        }
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) ||
            !(mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)))
        {
            // Not JSON at all: the transcoder refuses it, naming the content type.
            await next(context);
            return;
        }
        if (mediaType.Charset.HasValue && !mediaType.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) &&
            !mediaType.Charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            await NodeLimits.WriteJsonStatusAsync(context, StatusCodes.Status415UnsupportedMediaType, NodeLimits.StatusCodeInvalidArgument,
                $"The request body's charset '{mediaType.Charset}' is not supported: JSON is exchanged as UTF-8 (RFC 8259).", ct);
            return;
        }

        var body = new MemoryStream();
        try
        {
            await request.Body.CopyToAsync(body, ct);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await TooLargeAsync(context, limits, ct);
            return;
        }
        var bytes = new ReadOnlyMemory<byte>(body.GetBuffer(), 0, (int)body.Length);
        if (Problem(bytes.Span, limits.MaxJsonDepth) is { } problem)
        {
            await NodeLimits.WriteJsonStatusAsync(context, StatusCodes.Status400BadRequest, NodeLimits.StatusCodeInvalidArgument, problem, ct);
            return;
        }
        body.Position = 0;
        request.Body = body;
        await next(context);
    }

    private async Task GuardGrpcAsync(HttpContext context, Google.Protobuf.Reflection.MessageDescriptor type)
    {
        var request = context.Request;
        var limits = options.Value;
        if (request.Headers["grpc-encoding"] is { Count: > 0 } encoding && encoding[0] != "identity")
        {
            // Compressed: gRPC decompresses (and checks the size) itself.
            await next(context);
            return;
        }
        // gRPC lifts Kestrel's body limit for its calls; the body is read here under the gRPC message limit instead.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }
        var body = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            body.Write(chunk, 0, read);
            if (body.Length > limits.MaxRequestBytes + GrpcFrameHeader)
            {
                await NodeLimits.WriteGrpcStatusAsync(context, NodeLimits.StatusCodeResourceExhausted,
                    $"The request message is larger than the node accepts: at most {limits.MaxRequestBytes} bytes (Limits:MaxRequestBytes).");
                return;
            }
        }
        var bytes = new ReadOnlySpan<byte>(body.GetBuffer(), 0, (int)body.Length);
        if (GrpcProblem(bytes, type) is { } problem)
        {
            await NodeLimits.WriteGrpcStatusAsync(context, NodeLimits.StatusCodeInvalidArgument, problem);
            return;
        }
        body.Position = 0;
        request.Body = body;
        await next(context);
    }

    /// <summary>What is wrong with a unary gRPC request body (one length-prefixed message), or null when it holds one <paramref name="type"/>.</summary>
    internal static string? GrpcProblem(ReadOnlySpan<byte> body, Google.Protobuf.Reflection.MessageDescriptor type)
    {
        if (body.Length < GrpcFrameHeader)
        {
            return "The request carries no gRPC message.";
        }
        if (body[0] != 0)
        {
            return "The request's message is marked compressed, but the call names no grpc-encoding.";
        }
        var declared = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(body[1..GrpcFrameHeader]);
        if (declared != body.Length - GrpcFrameHeader)
        {
            return $"The request's gRPC frame declares a message of {declared} bytes but carries {body.Length - GrpcFrameHeader}.";
        }
        try
        {
            type.Parser.ParseFrom(body[GrpcFrameHeader..]);
            return null;
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            return $"The request message is not a valid {type.FullName}: {e.Message}";
        }
    }

    /// <summary>What is wrong with the body and where, or null when it is one well-formed UTF-8 JSON value of allowed depth.</summary>
    internal static string? Problem(ReadOnlySpan<byte> json, int maxDepth)
    {
        if (!Utf8.IsValid(json))
        {
            var offset = 0;
            while (Rune.DecodeFromUtf8(json[offset..], out _, out var length) == System.Buffers.OperationStatus.Done)
            {
                offset += length;
            }
            return $"The request body is not valid UTF-8: the bytes at offset {offset} are not a UTF-8 character.";
        }
        // A byte order mark is allowed before the JSON (the transcoder skips it too).
        if (json.StartsWith(Encoding.UTF8.Preamble))
        {
            json = json[Encoding.UTF8.Preamble.Length..];
        }
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth + 1 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= maxDepth)
                {
                    return $"The request body nests objects and arrays deeper than {maxDepth} levels (Limits:MaxJsonDepth), at byte {reader.TokenStartIndex}.";
                }
            }
            return null;
        }
        catch (JsonException e)
        {
            // The reader's message says what it expected, and where (line and byte, counted from 0).
            return "The request body is not valid JSON: " + e.Message;
        }
    }

    private static Task TooLargeAsync(HttpContext context, LimitsOptions limits, CancellationToken ct) =>
        NodeLimits.WriteJsonStatusAsync(context, StatusCodes.Status413PayloadTooLarge, NodeLimits.StatusCodeResourceExhausted,
            $"The request body is too large: the node accepts at most {limits.MaxRequestBytes} bytes (Limits:MaxRequestBytes).", ct);
}
