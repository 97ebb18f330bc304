using System.Text;

namespace FederatedRegistry.Node.Tests.Malformed;

/// <summary>
/// One generated request no client should send, and what any answer to it must respect.
/// </summary>
/// <param name="Number">Its place in the seeded sequence, to find it again.</param>
/// <param name="Route">The route it is aimed at.</param>
/// <param name="Kind">What is wrong with it, e.g. "json/syntax", "grpc/bitflip".</param>
/// <param name="MustBeRefused">The input is malformed beyond doubt: any 2xx / OK answer is a failure.</param>
/// <param name="NamesField">
/// The input is well-formed and well-typed, so a refusal comes from the API's own checks: an INVALID_ARGUMENT answer
/// must name the field(s) at fault.
/// </param>
public abstract record MalformedCase(int Number, ApiRoute Route, string Kind, bool MustBeRefused, bool NamesField)
{
    public abstract string Transport { get; }

    /// <summary>A short description for failure reports (bodies cut to a few hundred characters).</summary>
    public abstract string Describe();

    protected static string Cut(string text) => text.Length <= 300 ? text : text[..300] + $"... ({text.Length} characters)";
}

/// <summary>An HTTP/JSON request: verb, path and query, and a body with a content type (or none).</summary>
public sealed record HttpCase(
    int Number, ApiRoute Route, string Kind, bool MustBeRefused, bool NamesField,
    HttpMethod Verb, string PathAndQuery, byte[]? Body, string? ContentType, bool Chunked = false, bool Anonymous = false)
    : MalformedCase(Number, Route, Kind, MustBeRefused, NamesField)
{
    public override string Transport => "HTTP/JSON";

    public override string Describe() =>
        $"#{Number} {Kind}: {Verb} {Cut(PathAndQuery)} [{ContentType ?? "no content type"}{(Chunked ? ", chunked" : "")}{(Anonymous ? ", anonymous" : "")}] " +
        (Body is null ? "(no body)" : Cut(Encoding.UTF8.GetString(Body)));
}

/// <summary>A gRPC call of the route's method with these exact message bytes.</summary>
public sealed record GrpcCase(int Number, ApiRoute Route, string Kind, bool MustBeRefused, bool NamesField, byte[] Message)
    : MalformedCase(Number, Route, Kind, MustBeRefused, NamesField)
{
    public override string Transport => "gRPC";

    public override string Describe() =>
        $"#{Number} {Kind}: {Route.Method.FullName} with {Message.Length} bytes {Convert.ToHexString(Message.AsSpan(0, Math.Min(Message.Length, 96)))}{(Message.Length > 96 ? "..." : "")}";
}
