using System.Collections.Immutable;
using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Audit;
using FederatedRegistry.Storage;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using V1 = FederatedRegistry.Contracts.V1;

namespace FederatedRegistry.Node.Api;

/// <summary>
/// The audit log, readable by anyone: verifying it needs only the node's public key (<c>fedreg-node audit verify</c>).
/// Entries carry hashes of their payloads; the payloads themselves only for the node's authority.
/// </summary>
internal sealed partial class RegistryApi
{
    private const int DefaultAuditPage = 100;
    private const int MaxAuditPage = 1000;
    private const int MaxConsistencyEntries = 10_000;

    [AllowAnonymous]
    public override async Task<V1.ListAuditEntriesResponse> ListAuditEntries(V1.ListAuditEntriesRequest request, ServerCallContext context)
    {
        var rules = new FieldRules();
        if (request.From < 0)
        {
            rules.Add("from", "must not be negative (0 or 1 is the first entry)");
        }
        if (request.Limit is < 0 or > MaxAuditPage)
        {
            rules.Add("limit", $"must be between 1 and {MaxAuditPage} (0 means {DefaultAuditPage})");
        }
        RpcErrors.ThrowIfInvalid(rules.Violations);
        if (request.IncludePayloads && !Caller(context).IsAuthority)
        {
            throw RpcErrors.From(DomainError.PermissionDenied(
                "Only the node's authority may read audit payloads: they hold what changed, which need not be public.",
                [new FieldViolation("include_payloads", "is for the node's authority")]));
        }

        var limit = request.Limit == 0 ? DefaultAuditPage : request.Limit;
        var entries = await audit.ReadEntriesAsync(Math.Max(1, request.From), limit, context.CancellationToken);
        var head = await audit.ReadHeadAsync(context.CancellationToken);
        return new V1.ListAuditEntriesResponse
        {
            Entries = { entries.Select(e => request.IncludePayloads ? WithPayload(e) : ToProto(e)) },
            NextFrom = entries.Count == limit ? entries[^1].Sequence + 1 : 0,
            Size = head.Size,
        };
    }

    [AllowAnonymous]
    public override async Task<V1.AuditCheckpoint> GetLatestAuditCheckpoint(V1.GetLatestAuditCheckpointRequest request, ServerCallContext context) =>
        ToProto(await audit.ReadLatestCheckpointAsync(context.CancellationToken)
            ?? throw RpcErrors.NotFound("A signed audit checkpoint (the node signs its first once its log has an entry)"));

    [AllowAnonymous]
    public override async Task<V1.AuditConsistencyProof> GetAuditConsistency(V1.GetAuditConsistencyRequest request, ServerCallContext context)
    {
        var rules = new FieldRules();
        if (request.FromSize < 0)
        {
            rules.Add("from_size", "must not be negative");
        }
        if (request.ToSize <= request.FromSize)
        {
            rules.Add("to_size", "must be more than from_size");
        }
        else if (request.ToSize - request.FromSize > MaxConsistencyEntries)
        {
            rules.Add("to_size", $"must be at most {MaxConsistencyEntries} more than from_size; prove a longer span in steps");
        }
        RpcErrors.ThrowIfInvalid(rules.Violations);
        var size = (await audit.ReadHeadAsync(context.CancellationToken)).Size;
        if (request.ToSize > size)
        {
            throw RpcErrors.Invalid("to_size", $"must not exceed the log's sealed size, {size}");
        }

        var ct = context.CancellationToken;
        var entries = await audit.ReadEntriesAsync(request.FromSize + 1, (int)(request.ToSize - request.FromSize), ct);
        var fromHead = request.FromSize == 0
            ? AuditEntry.GenesisHash
            : (await audit.ReadEntriesAsync(request.FromSize, 1, ct)) is [{ } before] && before.Sequence == request.FromSize ? Bytes(before.EntryHash) : [];
        var toHead = entries.LastOrDefault(e => e.Sequence == request.ToSize) is { } last ? Bytes(last.EntryHash) : [];
        var proof = new V1.AuditConsistencyProof
        {
            FromSize = request.FromSize,
            ToSize = request.ToSize,
            FromHeadHash = ByteString.CopyFrom(fromHead.AsSpan()),
            ToHeadHash = ByteString.CopyFrom(toHead.AsSpan()),
            Entries = { entries.Select(ToProto) },
        };
        if (request.FromSize > 0 && await audit.ReadCheckpointAsync(request.FromSize, ct) is { } from)
        {
            proof.FromCheckpoint = ToProto(from);
        }
        if (await audit.ReadCheckpointAsync(request.ToSize, ct) is { } to)
        {
            proof.ToCheckpoint = ToProto(to);
        }
        return proof;
    }

    private static V1.AuditEntry ToProto(SealedAuditEntry e) => new()
    {
        Sequence = e.Sequence,
        At = Timestamp.FromDateTimeOffset(e.At),
        Actor = e.Actor,
        Action = e.Action,
        Subject = e.Subject,
        PayloadHash = ByteString.CopyFrom(Bytes(e.PayloadHash).AsSpan()),
        PreviousHash = ByteString.CopyFrom(Bytes(e.PreviousHash).AsSpan()),
        EntryHash = ByteString.CopyFrom(Bytes(e.EntryHash).AsSpan()),
    };

    private static V1.AuditEntry WithPayload(SealedAuditEntry e)
    {
        var entry = ToProto(e);
        entry.Payload = e.Payload;
        return entry;
    }

    private static V1.AuditCheckpoint ToProto(AuditCheckpointRow c) => new()
    {
        NodeCode = c.NodeCode,
        Size = c.Size,
        HeadHash = ByteString.CopyFrom(Bytes(c.HeadHash).AsSpan()),
        At = Timestamp.FromDateTimeOffset(c.At),
        KeyId = c.KeyId,
        Signature = ByteString.CopyFrom(Bytes(c.Signature).AsSpan()),
    };

    // A stored hash that is no longer hex (edited in the database) is served as no bytes, which verifiers report as malformed.
    private static ImmutableArray<byte> Bytes(string hex)
    {
        try
        {
            return AuditEntry.FromHex(hex);
        }
        catch (FormatException)
        {
            return [];
        }
    }
}
