using System.Collections.Concurrent;
using FederatedRegistry.Federation.Tests.Support;

namespace FederatedRegistry.Federation.Tests;

public sealed class SequenceSourceTests
{
    private static long Microseconds(DateTimeOffset t) => (t - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;

    [Fact]
    public void Next_IsTheCurrentTimeInMicrosecondsSince1970()
    {
        var clock = TestPeers.Clock();

        Assert.Equal(Microseconds(TestPeers.Start), new SequenceSource(clock).Next());
    }

    [Fact]
    public void Next_WhileTheClockStandsStill_CountsUpByOne()
    {
        var sequences = new SequenceSource(TestPeers.Clock());
        var first = sequences.Next();

        Assert.Equal([first + 1, first + 2, first + 3], [sequences.Next(), sequences.Next(), sequences.Next()]);
    }

    [Fact]
    public void Next_WhenTheClockGoesBack_StillIncreases()
    {
        var clock = new SettableClock { Now = TestPeers.Start };
        var sequences = new SequenceSource(clock);
        var before = sequences.Next();

        clock.Now = TestPeers.Start.AddHours(-1);

        Assert.Equal(before + 1, sequences.Next());
    }

    [Fact]
    public void Next_WhenTheClockMovesOn_JumpsToTheNewTime()
    {
        var clock = TestPeers.Clock();
        var sequences = new SequenceSource(clock);
        sequences.Next();
        sequences.Next();

        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(Microseconds(TestPeers.Start) + 1_000_000, sequences.Next());
    }

    [Fact]
    public void Next_OnTheSystemClock_IsAtLeastTheTimeInMicrosecondsWhenCalled()
    {
        var sequences = new SequenceSource(TimeProvider.System);

        for (var i = 0; i < 1_000; i++)
        {
            var now = Microseconds(DateTimeOffset.UtcNow);
            Assert.True(sequences.Next() >= now);
        }
    }

    [Fact]
    public void Next_FromManyThreads_NeverRepeatsAndIncreasesOnEachThread()
    {
        var sequences = new SequenceSource(TimeProvider.System);
        const int Threads = 16;
        const int PerThread = 20_000;
        var all = new ConcurrentBag<long[]>();
        using var go = new ManualResetEventSlim();

        var threads = Enumerable.Range(0, Threads).Select(_ => new Thread(() =>
        {
            var mine = new long[PerThread];
            go.Wait();
            for (var i = 0; i < PerThread; i++)
            {
                mine[i] = sequences.Next();
            }
            all.Add(mine);
        })).ToList();
        threads.ForEach(t => t.Start());
        go.Set();
        threads.ForEach(t => t.Join());

        Assert.All(all, mine => Assert.True(mine.Zip(mine.Skip(1)).All(p => p.Second > p.First), "a thread saw a number that did not increase"));
        var numbers = all.SelectMany(m => m).ToList();
        Assert.Equal(Threads * PerThread, numbers.Distinct().Count());
    }

    [Fact]
    public void Next_FromManyThreadsOnAStoppedClock_GivesEachNumberFromNowOnExactlyOnce()
    {
        var clock = TestPeers.Clock();
        var sequences = new SequenceSource(clock);
        const int Count = 100_000;
        var numbers = new long[Count];

        Parallel.For(0, Count, i => numbers[i] = sequences.Next());

        var start = Microseconds(TestPeers.Start);
        Assert.Equal(Enumerable.Range(0, Count).Select(i => start + i), numbers.Order());
    }
}

/// <summary>A clock that can also be set back (FakeTimeProvider refuses to go back in time).</summary>
internal sealed class SettableClock : TimeProvider
{
    public DateTimeOffset Now { get; set; }

    public override DateTimeOffset GetUtcNow() => Now;
}
