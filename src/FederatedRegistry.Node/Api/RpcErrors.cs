using FederatedRegistry.Domain;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace FederatedRegistry.Node.Api;

/// <summary>
/// Domain refusals as gRPC status codes with google.rpc details; JSON transcoding turns them into
/// 400 / 404 / 409 answers whose body lists the fields.
/// </summary>
internal static class RpcErrors
{
    public static RpcException From(DomainError error) => error.Kind switch
    {
        ErrorKind.Invalid => Invalid(error.Violations),
        ErrorKind.NotFound => Simple(Code.NotFound, error.Message),
        ErrorKind.AlreadyExists => WithFields(Code.AlreadyExists, error.Message, error.Violations),
        ErrorKind.VersionConflict => WithFields(Code.Aborted, error.Message, error.Violations),
        ErrorKind.IllegalTransition => Simple(Code.FailedPrecondition, error.Message),
        ErrorKind.PermissionDenied => WithFields(Code.PermissionDenied, error.Message, error.Violations),
        _ => Simple(Code.Internal, error.Message),
    };

    public static RpcException Invalid(IReadOnlyList<FieldViolation> violations) =>
        WithFields(Code.InvalidArgument, "The request is invalid: " + string.Join("; ", violations), violations);

    public static RpcException Invalid(string field, string rule) => Invalid([new FieldViolation(field, rule)]);

    /// <summary>Throws InvalidArgument naming every violation, if there are any.</summary>
    public static void ThrowIfInvalid(IReadOnlyList<FieldViolation> violations)
    {
        if (violations.Count > 0)
        {
            throw Invalid(violations);
        }
    }

    public static RpcException NotFound(string what) => Simple(Code.NotFound, what + " was not found.");

    // gRPC carries an error in response headers, and HTTP/2 clients refuse headers over 64 KiB (Grpc.Net.Client drops the
    // whole connection), while a refusal may quote the request, which can be megabytes long.
    private const int MaxErrorBytes = 16 * 1024;
    private const int MaxQuotedText = 500;
    private const int MaxViolations = 50;

    /// <summary>Whether the error's message and details are too long to send as they are.</summary>
    public static bool IsOversized(RpcException e) =>
        e.Status.Detail.Length + (e.Trailers.GetValueBytes("grpc-status-details-bin")?.Length ?? 0) > MaxErrorBytes;

    /// <summary>The same error with its message and field descriptions cut short, and at most 50 violations.</summary>
    public static RpcException Bounded(RpcException e)
    {
        var status = e.GetRpcStatus() ?? new Google.Rpc.Status { Code = (int)e.StatusCode, Message = e.Status.Detail };
        var bounded = new Google.Rpc.Status { Code = status.Code, Message = Cut(status.Message) };
        if (status.GetDetail<BadRequest>() is { } badRequest)
        {
            var cut = new BadRequest();
            cut.FieldViolations.AddRange(badRequest.FieldViolations.Take(MaxViolations).Select(v =>
                new BadRequest.Types.FieldViolation { Field = Cut(v.Field), Description = Cut(v.Description) }));
            bounded.Details.Add(Any.Pack(cut));
        }
        return bounded.ToRpcException();
    }

    private static string Cut(string text) => text.Length <= MaxQuotedText ? text : text[..MaxQuotedText] + "... (cut)";

    private static RpcException Simple(Code code, string message) =>
        new Google.Rpc.Status { Code = (int)code, Message = message }.ToRpcException();

    private static RpcException WithFields(Code code, string message, IReadOnlyList<FieldViolation> violations)
    {
        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(violations.Select(v =>
            new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Rule }));
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        if (violations.Count > 0)
        {
            status.Details.Add(Any.Pack(badRequest));
        }
        return status.ToRpcException();
    }
}
