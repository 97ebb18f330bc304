using FederatedRegistry.Federation.Tests.Support;
using Grpc.Core;

namespace FederatedRegistry.Federation.Tests;

/// <summary>Outcomes, not durations: the machines that run these are noisy.</summary>
public sealed class FanOutTests
{
    private static readonly Peer[] Peers =
    [
        TestPeers.National("FR", TestPeers.France),
        TestPeers.ObserverPeer("INTL", TestPeers.Observer),
        TestPeers.National("DE", TestPeers.Mallory),
    ];

    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AskAllAsync_EveryPeerAnswers_GivesTheAnswersInPeerOrderAndNoFailure()
    {
        var result = await FanOut.AskAllAsync(Peers, Long, async (peer, _, ct) =>
        {
            // The first peer answers last: the order is the peers', not the answers'.
            await Task.Delay(peer.Code == "FR" ? 50 : 0, ct);
            return peer.Code.ToLowerInvariant();
        }, CancellationToken.None);

        Assert.Equal(["FR", "INTL", "DE"], result.Answers.Select(a => a.Peer.Code));
        Assert.Equal(["fr", "intl", "de"], result.Answers.Select(a => a.Answer));
        Assert.Empty(result.Failures);
        Assert.False(result.IsPartial);
    }

    [Fact]
    public async Task AskAllAsync_NoPeers_GivesAnEmptyResult()
    {
        var result = await FanOut.AskAllAsync<string>([], Long, (_, _, _) => throw new InvalidOperationException(), CancellationToken.None);

        Assert.Empty(result.Answers);
        Assert.Empty(result.Failures);
    }

    [Fact]
    public async Task AskAllAsync_SomePeersFail_ReportsEachFailureInPeerOrderBesideTheAnswers()
    {
        var result = await FanOut.AskAllAsync(Peers, Long, async (peer, _, _) =>
        {
            await Task.Yield();
            return peer.Code switch
            {
                "FR" => throw new RpcException(new Status(StatusCode.Unavailable, "connection refused")),
                "DE" => throw new FederationRejectedException("bad_signature", "The signature does not verify."),
                _ => 7,
            };
        }, CancellationToken.None);

        var answer = Assert.Single(result.Answers);
        Assert.Equal(("INTL", 7), (answer.Peer.Code, answer.Answer));
        Assert.Equal(
            [new PeerFailure("FR", "unavailable", "connection refused"), new PeerFailure("DE", "rejected", "The signature does not verify.")],
            result.Failures);
        Assert.True(result.IsPartial);
    }

    [Fact]
    public async Task AskAllAsync_CallThatThrowsBeforeItsFirstAwait_IsReportedAsAFailure()
    {
        var result = await FanOut.AskAllAsync<int>(Peers[..1], Long, (_, _, _) => throw new InvalidOperationException("boom"), CancellationToken.None);

        Assert.Equal([new PeerFailure("FR", "error", "boom")], result.Failures);
    }

    [Fact]
    public async Task AskAllAsync_CallThatNeverCompletesAndIgnoresCancellation_IsReportedAsDeadlineExceeded_AndTheMethodReturns()
    {
        var never = new TaskCompletionSource<string>();

        var result = await FanOut.AskAllAsync(Peers, Short,
            (peer, _, _) => peer.Code == "INTL" ? never.Task : Task.FromResult(peer.Code),
            CancellationToken.None);

        Assert.Equal(["FR", "DE"], result.Answers.Select(a => a.Answer));
        var failure = Assert.Single(result.Failures);
        Assert.Equal("INTL", failure.Node);
        Assert.Equal("deadline_exceeded", failure.Reason);
        Assert.Equal("No answer within 200 ms.", failure.Detail);
    }

    [Fact]
    public async Task AskAllAsync_CallThatHonoursCancellation_IsCancelledAndReportedAsDeadlineExceeded()
    {
        var observedCancellation = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var result = await FanOut.AskAllAsync(Peers[..1], Short, async (_, _, ct) =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                observedCancellation.TrySetResult();
                throw;
            }
            return 1;
        }, CancellationToken.None);

        Assert.Equal("deadline_exceeded", Assert.Single(result.Failures).Reason);
        Assert.Empty(result.Answers);
        await observedCancellation.Task.WaitAsync(Long);
    }

    [Fact]
    public async Task AskAllAsync_PassesTheSameDeadlineToEveryCall_AboutTheGivenTimeFromNow()
    {
        var before = DateTime.UtcNow;
        var deadlines = new System.Collections.Concurrent.ConcurrentBag<DateTime>();

        await FanOut.AskAllAsync(Peers, Long, (_, due, _) =>
        {
            deadlines.Add(due);
            return Task.FromResult(0);
        }, CancellationToken.None);

        Assert.Single(deadlines.Distinct());
        Assert.Equal(DateTimeKind.Utc, deadlines.First().Kind);
        Assert.InRange(deadlines.First(), before + Long, DateTime.UtcNow + Long);
    }

    [Theory]
    // deadline, elapsed since arrival, reserve, caller's remaining time (-1: none) -> wait for the peers (ms)
    [InlineData(2000, 0, 100, -1, 1900)]
    [InlineData(2000, 30, 100, -1, 1870)]
    [InlineData(2000, 30, 0, -1, 1970)]
    [InlineData(200, 0, 100, -1, 150)]
    [InlineData(2000, 0, 100, 1000, 900)]
    [InlineData(2000, 500, 100, 5000, 1400)]
    [InlineData(2000, 1950, 100, -1, 0)]
    [InlineData(2000, 0, 100, 50, 0)]
    public void PeerWait_LeavesTheReplyItsReserve_CountingFromArrival_AndWithinTheCallersOwnDeadline(
        int deadlineMs, int elapsedMs, int reserveMs, int callerRemainingMs, int expectedMs)
    {
        var wait = FanOut.PeerWait(
            TimeSpan.FromMilliseconds(deadlineMs), TimeSpan.FromMilliseconds(elapsedMs), TimeSpan.FromMilliseconds(reserveMs),
            callerRemainingMs < 0 ? null : TimeSpan.FromMilliseconds(callerRemainingMs));

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), wait);
    }

    [Fact]
    public async Task AskAllAsync_NoTimeLeft_ReportsEveryPeerLate_WithoutWaiting()
    {
        var answered = new TaskCompletionSource<int>();

        var result = await FanOut.AskAllAsync(Peers, TimeSpan.Zero, (_, _, ct) => answered.Task.WaitAsync(ct), CancellationToken.None);

        Assert.Empty(result.Answers);
        Assert.Equal(Peers.Select(p => (p.Code, "deadline_exceeded")), result.Failures.Select(f => (f.Node, f.Reason)));
    }

    [Fact]
    public async Task AskAllAsync_CallsAreCancelledOnceTheResultIsGathered()
    {
        CancellationToken seen = default;

        await FanOut.AskAllAsync(Peers[..1], Long, (_, _, ct) =>
        {
            seen = ct;
            return Task.FromResult(0);
        }, CancellationToken.None);

        Assert.True(seen.IsCancellationRequested);
    }

    public static TheoryData<StatusCode, string> RpcReasons() => new()
    {
        { StatusCode.Unavailable, "unavailable" },
        { StatusCode.PermissionDenied, "denied" },
        { StatusCode.Unauthenticated, "rejected" },
        { StatusCode.DeadlineExceeded, "deadline_exceeded" },
        { StatusCode.Internal, "error" },
        { StatusCode.InvalidArgument, "error" },
        { StatusCode.Unknown, "error" },
        { StatusCode.NotFound, "error" },
    };

    [Theory]
    [MemberData(nameof(RpcReasons))]
    public async Task AskAllAsync_RpcException_IsReportedWithItsReason(StatusCode code, string reason)
    {
        var result = await FanOut.AskAllAsync<int>(Peers[..1], Long, async (_, _, _) =>
        {
            await Task.Yield();
            throw new RpcException(new Status(code, "detail"));
        }, CancellationToken.None);

        var failure = Assert.Single(result.Failures);
        Assert.Equal(new PeerFailure("FR", reason, failure.Detail), failure);
    }

    [Theory]
    [MemberData(nameof(RpcReasons))]
    public void Classify_RpcException_GivesItsReason(StatusCode code, string reason) =>
        Assert.Equal(reason, FanOut.Classify("FR", new RpcException(new Status(code, "detail")), deadlinePassed: false).Reason);

    [Fact]
    public void Classify_KeepsThePeersDetail()
    {
        Assert.Equal(new PeerFailure("FR", "unavailable", "no route"),
            FanOut.Classify("FR", new RpcException(new Status(StatusCode.Unavailable, "no route")), false));
        Assert.Equal(new PeerFailure("FR", "denied", "no grant"),
            FanOut.Classify("FR", new RpcException(new Status(StatusCode.PermissionDenied, "no grant")), false));
        Assert.Equal(new PeerFailure("FR", "rejected", "The peer refused this node's message: expired"),
            FanOut.Classify("FR", new RpcException(new Status(StatusCode.Unauthenticated, "expired")), false));
        Assert.Equal(new PeerFailure("FR", "error", "Internal: oops"),
            FanOut.Classify("FR", new RpcException(new Status(StatusCode.Internal, "oops")), false));
    }

    [Fact]
    public void Classify_FederationRejectedException_IsRejected()
    {
        var failure = FanOut.Classify("FR", new FederationRejectedException("wrong_nonce", "The answer does not answer this query."), false);

        Assert.Equal(new PeerFailure("FR", "rejected", "The answer does not answer this query."), failure);
    }

    [Fact]
    public void Classify_CancellationAfterTheDeadline_IsDeadlineExceeded()
    {
        Assert.Equal("deadline_exceeded", FanOut.Classify("FR", new OperationCanceledException(), deadlinePassed: true).Reason);
        Assert.Equal("deadline_exceeded", FanOut.Classify("FR", new TaskCanceledException(), deadlinePassed: true).Reason);
        Assert.Equal("deadline_exceeded", FanOut.Classify("FR", new RpcException(new Status(StatusCode.Cancelled, "")), deadlinePassed: true).Reason);
    }

    [Fact]
    public void Classify_CancellationBeforeTheDeadline_IsAnError()
    {
        Assert.Equal("error", FanOut.Classify("FR", new OperationCanceledException(), deadlinePassed: false).Reason);
        Assert.Equal("error", FanOut.Classify("FR", new RpcException(new Status(StatusCode.Cancelled, "")), deadlinePassed: false).Reason);
    }

    [Fact]
    public void Classify_AnyOtherException_IsAnErrorWithItsMessage() =>
        Assert.Equal(new PeerFailure("FR", "error", "boom"), FanOut.Classify("FR", new InvalidOperationException("boom"), false));
}
