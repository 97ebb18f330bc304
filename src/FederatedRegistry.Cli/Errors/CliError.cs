using System.Net.Sockets;
using System.Security.Authentication;
using Google.Rpc;
using Grpc.Core;

namespace FederatedRegistry.Cli.Errors;

/// <summary>A field and the rule it broke, as the node (or the manifest reader) names them.</summary>
internal sealed record FieldProblem(string Field, string Rule)
{
    public override string ToString() => $"{Field}: {Rule}";
}

/// <summary>A failure as the user reads it: a sentence, the fields at fault, and the exit code it leads to.</summary>
internal sealed record CliError(int ExitCode, string Kind, string Sentence, IReadOnlyList<FieldProblem> Fields)
{
    /// <summary>The sentence, then one "field: rule" line per field.</summary>
    public IEnumerable<string> Lines() => [Sentence, .. Fields.Select(f => "  " + f)];
}

/// <summary>Turns gRPC failures into sentences that name the node and, for connection failures, the likely cause.</summary>
internal static class ErrorTranslator
{
    public static CliError Translate(Exception exception, string node) => exception switch
    {
        RpcException rpc => FromRpc(rpc, node),
        _ => new CliError(ExitCodes.SomeFailed, "error", $"The call to {node} failed: {exception.Message}", []),
    };

    private static CliError FromRpc(RpcException e, string node)
    {
        var fields = Fields(e);
        var detail = e.Status.Detail;
        return e.StatusCode switch
        {
            StatusCode.InvalidArgument => new CliError(ExitCodes.SomeFailed, "invalid",
                fields.Count > 0 ? $"{node} refused the request; it names {(fields.Count == 1 ? "this field" : "these fields")}:" : $"{node} refused the request: {detail}", fields),
            StatusCode.NotFound => new CliError(ExitCodes.SomeFailed, "not_found", $"{node}: {detail}", fields),
            StatusCode.AlreadyExists => new CliError(ExitCodes.SomeFailed, "already_exists", $"{node}: {detail}", fields),
            StatusCode.Aborted => new CliError(ExitCodes.SomeFailed, "conflict",
                detail.Contains("retry", StringComparison.OrdinalIgnoreCase) ? $"{node}: {detail}" : $"{node}: {detail} Read it again and retry.", fields),
            StatusCode.FailedPrecondition => new CliError(ExitCodes.SomeFailed, "not_allowed_now", $"{node} refused: {detail}", fields),
            StatusCode.Unauthenticated => new CliError(ExitCodes.Unauthorized, "unauthenticated",
                $"{node} did not accept the token ({(string.IsNullOrEmpty(detail) ? "missing, expired, or issued for another node" : detail)}). Pass --token, set FEDREG_TOKEN, or put the node's token in {Connection.CliConfigFile.DefaultPath}.", fields),
            StatusCode.PermissionDenied => new CliError(ExitCodes.Unauthorized, "permission_denied",
                $"{node} accepted the token, but its role may not do this{(string.IsNullOrEmpty(detail) ? "." : ": " + detail)}", fields),
            StatusCode.ResourceExhausted => new CliError(ExitCodes.SomeFailed, "rate_limited", $"{node} is limiting requests: {detail} Wait and rerun.", fields),
            StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal when IsConnectionFailure(e) =>
                new CliError(ExitCodes.CannotConnect, "cannot_connect", ConnectionSentence(e, node), []),
            StatusCode.DeadlineExceeded => new CliError(ExitCodes.CannotConnect, "timeout", $"{node} did not answer in time; it may be overloaded or unreachable.", []),
            StatusCode.Unavailable => new CliError(ExitCodes.CannotConnect, "unavailable", $"{node} is unavailable: {detail}", []),
            _ => new CliError(ExitCodes.SomeFailed, "error", $"{node} answered {e.StatusCode}: {detail}", fields),
        };
    }

    /// <summary>The fields of the google.rpc.BadRequest detail, if the status carries one.</summary>
    public static IReadOnlyList<FieldProblem> Fields(RpcException e) =>
        [.. e.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.Select(v => new FieldProblem(v.Field, v.Description)) ?? []];

    private static bool IsConnectionFailure(RpcException e) =>
        e.StatusCode == StatusCode.Unavailable || Causes(e).Any(c => c is HttpRequestException or SocketException or AuthenticationException or IOException);

    private static string ConnectionSentence(RpcException e, string node)
    {
        var causes = Causes(e).ToList();
        var socket = causes.OfType<SocketException>().FirstOrDefault();
        if (socket?.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return $"Cannot connect to {node}: nothing is listening there. The node is not running, or the port is wrong (--node takes the node's gRPC address, Kestrel:Endpoints:Grpc:Url, e.g. http://127.0.0.1:5081; 5080 is its HTTP/JSON port).";
        }
        if (socket?.SocketErrorCode is SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData)
        {
            return $"Cannot connect to {node}: the host name cannot be resolved. Check the spelling of --node.";
        }
        if (socket?.SocketErrorCode is SocketError.TimedOut or SocketError.HostUnreachable or SocketError.NetworkUnreachable)
        {
            return $"Cannot connect to {node}: the host does not answer ({socket.SocketErrorCode}). Check the address, the network and any firewall.";
        }
        if (causes.Any(c => c is AuthenticationException))
        {
            return $"Cannot connect to {node}: the TLS handshake failed. The node's certificate is not trusted on this machine, or the port does not serve TLS (use http:// for a node without TLS).";
        }
        var text = string.Join(" ", causes.Select(c => c.Message));
        if (text.Contains("HTTP/1.1", StringComparison.OrdinalIgnoreCase) || text.Contains("HTTP_1_1_REQUIRED", StringComparison.OrdinalIgnoreCase)
            || text.Contains("protocol error", StringComparison.OrdinalIgnoreCase) || text.Contains("HTTP/2", StringComparison.OrdinalIgnoreCase))
        {
            return $"Cannot connect to {node}: something answers there, but not gRPC over HTTP/2. It may be the node's HTTP/JSON port (5080) instead of its gRPC port (5081), or a TLS port addressed with http:// (or the reverse).";
        }
        if (e.StatusCode == StatusCode.DeadlineExceeded)
        {
            return $"Cannot connect to {node}: it did not answer in time. The node may be starting, overloaded, or behind a firewall.";
        }
        return $"Cannot connect to {node}: {(causes.Count > 0 ? causes[^1].Message : e.Status.Detail)}. Is the node running, and is this its gRPC address?";
    }

    private static IEnumerable<Exception> Causes(RpcException e)
    {
        for (var c = e.Status.DebugException; c is not null; c = c.InnerException)
        {
            yield return c;
        }
    }
}
