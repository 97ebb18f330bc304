using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Capacity;
using FederatedRegistry.Domain.Incidents;
using FederatedRegistry.Domain.Sharing;
using FederatedRegistry.Federation;
using FederatedRegistry.Grains;
using FederatedRegistry.Node.Hosting;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using V1 = FederatedRegistry.Contracts.V1;

namespace FederatedRegistry.Node.Api;

/// <summary>
/// The maturity view: the same signed summaries any federation question gets, under each country's policy (so a
/// dimension a country does not share stays unshared here), and the advisories this node already received.
/// </summary>
internal sealed partial class RegistryApi
{
    private static readonly string[] StatusDimension = [SystemDimensions.Status];
    private static readonly string[] TriageDimension = [IncidentDimensions.TriageTime];

    [Authorize(Policy = AccessPolicies.AuthorityOrObserver)]
    public override async Task<V1.FederationMaturity> GetFederationMaturity(V1.GetFederationMaturityRequest request, ServerCallContext context)
    {
        var rules = new FieldRules();
        var peerWait = PeerWait(rules, request.DeadlineMs, context);
        RpcErrors.ThrowIfInvalid(rules.Violations);

        var ct = context.CancellationToken;
        var registrations = AskSummariesAsync(SharingCatalogue.Name(SharedDataset.Systems), StatusDimension, peerWait, ct);
        var triage = AskSummariesAsync(SharingCatalogue.Name(SharedDataset.Incidents), TriageDimension, peerWait, ct);
        var nationals = peers.NationalPeers.OrderBy(p => p.Code, StringComparer.Ordinal).ToList();
        var advisories = Task.WhenAll(nationals.Select(p => grains.GetGrain<IExchangeGrain>(p.Code).CountAdvisoriesAsync()));
        var (systemsAnswers, systemsFailures) = await registrations;
        var (triageAnswers, triageFailures) = await triage;
        var received = await advisories;

        var maturity = new V1.FederationMaturity
        {
            Thresholds = new V1.MaturityThresholds
            {
                MinDecidedShare = MaturityIndicators.MinDecidedShare,
                MinTriagedWithinWeekShare = MaturityIndicators.MinTriagedWithinAWeekShare,
                MinAdvisories = MaturityIndicators.MinAdvisories,
            },
            TriageTimes = { TriageTime.Values },
            Partial = systemsFailures.Concat(triageFailures).Any(f => f.Reason != "denied"),
            AsOf = Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
        };
        for (var i = 0; i < nationals.Count; i++)
        {
            var peer = nationals[i];
            var country = new V1.CountryMaturity
            {
                Node = peer.Code,
                Registrations = Source(peer, systemsAnswers, systemsFailures),
                Triage = Source(peer, triageAnswers, triageFailures),
                AdvisoriesReceived = received[i],
            };
            DecisionCounts? decisions = null;
            if (country.Registrations.Availability == Shared)
            {
                decisions = MaturityIndicators.Decisions(Cells(country.Registrations));
                country.Decided = decisions.Decided;
                country.AwaitingDecision = decisions.Awaiting;
                if (decisions.Share is { } share)
                {
                    country.DecidedShare = share;
                }
            }
            TriageCounts? triaged = null;
            if (country.Triage.Availability == Shared)
            {
                triaged = MaturityIndicators.Triaged(Cells(country.Triage));
                country.TriagedWithinWeek = triaged.WithinAWeek;
                country.IncidentsShown = triaged.Total;
                if (triaged.Share is { } share)
                {
                    country.TriagedWithinWeekShare = share;
                }
            }
            country.NeedsHelpWith.Add(MaturityIndicators.NeedsHelpWith(decisions, triaged, country.AdvisoriesReceived)
                .Select(h => new V1.CapacityHint { Area = h.Area, Text = h.Text }));
            maturity.Countries.Add(country);
        }
        return maturity;
    }

    private const string Shared = "shared";

    private static V1.MaturitySource Source(Peer peer, List<(Peer Peer, Opened<V1.SummaryAnswer> Answer)> answers, List<PeerFailure> failures)
    {
        foreach (var (from, answer) in answers)
        {
            if (from.Code == peer.Code)
            {
                return new V1.MaturitySource
                {
                    Availability = Shared,
                    PolicyVersion = answer.PolicyVersion,
                    KeyId = answer.Envelope.KeyId,
                    MinCount = answer.Payload.MinCount,
                    Cells = { answer.Payload.Cells.Select(c => Provenanced(from, answer, c)) },
                };
            }
        }
        var failure = failures.FirstOrDefault(f => f.Node == peer.Code)
            ?? new PeerFailure(peer.Code, "error", "No answer was recorded for this country.");
        return new V1.MaturitySource
        {
            // A refusal is the country's policy speaking (deny by default); anything else says nothing about what it shares.
            Availability = failure.Reason == "denied" ? "not_shared" : "not_answered",
            Reason = failure.Reason,
            Detail = failure.Detail ?? "",
        };
    }

    private static IEnumerable<CountCell> Cells(V1.MaturitySource source) => source.Cells.Select(c => new CountCell([.. c.Values], c.Count));
}
