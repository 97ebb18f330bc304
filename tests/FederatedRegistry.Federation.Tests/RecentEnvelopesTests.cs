using FederatedRegistry.Domain.Signing;
using FederatedRegistry.Federation.Tests.Support;

namespace FederatedRegistry.Federation.Tests;

public sealed class RecentEnvelopesTests
{
    private static SignedEnvelope Envelope(long sequence, string origin = "FR") =>
        (origin == "FR" ? TestPeers.France : TestPeers.Observer).Sign(origin, 1, TestPeers.Start, sequence, "fedreg.v1.SummaryQuery", CanonicalValue.Bytes([]));

    [Fact]
    public void TryRecord_NewEnvelope_IsRecorded_AndRefusedTheSecondTime()
    {
        var seen = new RecentEnvelopes(TestPeers.Clock(), TimeSpan.FromMinutes(6));

        Assert.True(seen.TryRecord(Envelope(1)));
        Assert.False(seen.TryRecord(Envelope(1)));
        Assert.True(seen.TryRecord(Envelope(2)));
        Assert.True(seen.TryRecord(Envelope(1, "INTL")));
    }

    [Fact]
    public void TryRecord_AfterKeepFor_HasForgottenTheEnvelope()
    {
        var clock = TestPeers.Clock();
        var seen = new RecentEnvelopes(clock, TimeSpan.FromSeconds(10));
        seen.TryRecord(Envelope(1));
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.False(seen.TryRecord(Envelope(1)));

        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.True(seen.TryRecord(Envelope(1)));
    }

    [Fact]
    public void TryRecord_WhenFullOfFreshEnvelopes_RefusesNewOnes()
    {
        var clock = TestPeers.Clock();
        var seen = new RecentEnvelopes(clock, TimeSpan.FromSeconds(10), capacity: 3);
        Assert.True(seen.TryRecord(Envelope(1)));
        Assert.True(seen.TryRecord(Envelope(2)));
        Assert.True(seen.TryRecord(Envelope(3)));

        clock.Advance(TimeSpan.FromSeconds(5));

        Assert.False(seen.TryRecord(Envelope(4)));
        Assert.False(seen.TryRecord(Envelope(1, "INTL")));
    }

    [Fact]
    public void TryRecord_WhenFull_AcceptsNewOnesOnceTheOldHaveExpired()
    {
        var clock = TestPeers.Clock();
        var seen = new RecentEnvelopes(clock, TimeSpan.FromSeconds(10), capacity: 2);
        seen.TryRecord(Envelope(1));
        seen.TryRecord(Envelope(2));
        Assert.False(seen.TryRecord(Envelope(3)));

        clock.Advance(TimeSpan.FromSeconds(11));

        Assert.True(seen.TryRecord(Envelope(3)));
        Assert.True(seen.TryRecord(Envelope(4)));
        Assert.False(seen.TryRecord(Envelope(5)));
    }

    [Fact]
    public void TryRecord_ManyThreadsRecordingTheSameEnvelopes_RecordEachExactlyOnce()
    {
        var seen = new RecentEnvelopes(TestPeers.Clock(), TimeSpan.FromMinutes(6));
        var envelopes = Enumerable.Range(1, 200).Select(i => Envelope(i)).ToArray();
        var accepted = 0;

        Parallel.For(0, 8 * envelopes.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            if (seen.TryRecord(envelopes[i % envelopes.Length]))
            {
                Interlocked.Increment(ref accepted);
            }
        });

        Assert.Equal(envelopes.Length, accepted);
    }
}
