using Google.Rpc;
using Grpc.Core;

namespace FederatedRegistry.Node.Tests.Support;

/// <summary>Assertions on gRPC failures: the status code, and the fields a google.rpc.BadRequest names.</summary>
public static class GrpcAssert
{
    public static async Task<RpcException> FailsWith(StatusCode expected, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(e.StatusCode == expected, $"Expected {expected} but the node answered {e.StatusCode}: {e.Status.Detail}");
        return e;
    }

    public static Task<RpcException> FailsWith<T>(StatusCode expected, Func<AsyncUnaryCall<T>> call) =>
        FailsWith(expected, async () => await call());

    /// <summary>The fields of the BadRequest detail of the error, if it carries one.</summary>
    public static IReadOnlyList<string> ViolatedFields(this RpcException e) =>
        [.. e.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.Select(v => v.Field) ?? []];
}
