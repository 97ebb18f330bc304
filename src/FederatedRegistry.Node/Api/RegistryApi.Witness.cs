using FederatedRegistry.Grains;
using FederatedRegistry.Node.Hosting;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using V1 = FederatedRegistry.Contracts.V1;

namespace FederatedRegistry.Node.Api;

/// <summary>Witnessing: what this node has verified of each peer's audit log, and the evidence against any that rewrote it.</summary>
internal sealed partial class RegistryApi
{
    [Authorize(Policy = AccessPolicies.AuthorityOrObserver)]
    public override async Task<V1.ListWitnessedCheckpointsResponse> ListWitnessedCheckpoints(V1.ListWitnessedCheckpointsRequest request, ServerCallContext context)
    {
        var statuses = await Task.WhenAll(peers.Peers.Select(p => grains.GetGrain<IAuditWitnessGrain>(p.Code).GetStatusAsync()));
        var response = new V1.ListWitnessedCheckpointsResponse();
        response.Peers.Add(statuses.Select(s => new V1.WitnessedPeer
        {
            Peer = s.Peer,
            Status = s.State switch
            {
                WitnessState.Consistent => "consistent",
                WitnessState.Inconsistent => "inconsistent",
                _ => "never_seen",
            },
            LastSeen = s.LastSeen is { } seen ? ToProto(seen) : null,
            LastSeenAt = Time(s.LastSeenAt),
            CheckedAt = Time(s.CheckedAt),
            LastAttemptAt = Time(s.LastAttemptAt),
            LastError = s.LastError ?? "",
            Evidence =
            {
                s.Evidence.Select(e => new V1.AuditWitnessEvidence
                {
                    DetectedAt = Timestamp.FromDateTimeOffset(e.DetectedAt),
                    Seen = e.Seen is { } kept ? ToProto(kept) : null,
                    Answered = e.Answered is { } answered ? ToProto(answered) : null,
                    Findings = { e.Findings },
                    AnswerEnvelope = ByteString.FromBase64(e.AnswerEnvelope),
                }),
            },
        }));
        return response;
    }

    private static V1.AuditCheckpoint ToProto(PeerCheckpoint c) => new()
    {
        NodeCode = c.NodeCode,
        Size = c.Size,
        HeadHash = ByteString.CopyFrom(Bytes(c.HeadHash).AsSpan()),
        At = Timestamp.FromDateTimeOffset(c.At),
        KeyId = c.KeyId,
        Signature = ByteString.CopyFrom(Bytes(c.Signature).AsSpan()),
    };
}
