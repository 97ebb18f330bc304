using System.Collections.Immutable;
using System.Text.Json;
using FederatedRegistry.Domain.Signing;

namespace FederatedRegistry.Domain.Tests.Signing;

public sealed class ReplayGuardTests
{
    [Fact]
    public void TryAccept_InOrder_AcceptsEachNumberOnce()
    {
        var guard = new ReplayGuard("KE");

        var first = Enumerable.Range(1, 10).Select(n => guard.TryAccept(n)).ToList();
        var again = Enumerable.Range(1, 10).Select(n => guard.TryAccept(n)).ToList();

        Assert.All(first, d => Assert.Equal(ReplayDecision.Accepted, d));
        Assert.All(again, d => Assert.Equal(ReplayDecision.Replayed, d));
        Assert.Equal(10, guard.Highest);
    }

    [Fact]
    public void TryAccept_OutOfOrderWithinTheWindow_AcceptsTheLateNumbers()
    {
        var guard = new ReplayGuard("KE", window: 8);

        Assert.Equal(ReplayDecision.Accepted, guard.TryAccept(10));
        Assert.Equal(ReplayDecision.Accepted, guard.TryAccept(3));
        Assert.Equal(ReplayDecision.Accepted, guard.TryAccept(9));
        Assert.Equal(ReplayDecision.Replayed, guard.TryAccept(3));
        Assert.Equal(ReplayDecision.Replayed, guard.TryAccept(10));
        Assert.Equal(10, guard.Highest);
    }

    [Fact]
    public void TryAccept_AtOrBelowHighestMinusWindow_IsTooOld_WhetherOrNotItWasSeen()
    {
        var guard = new ReplayGuard("KE", window: 8);
        guard.TryAccept(2);
        guard.TryAccept(10);

        Assert.Equal(ReplayDecision.TooOld, guard.TryAccept(2));
        Assert.Equal(ReplayDecision.TooOld, guard.TryAccept(1));
        Assert.Equal(ReplayDecision.Accepted, guard.TryAccept(3));
    }

    /// <summary>Slots reused by the ring must forget the numbers a jump slid past.</summary>
    [Fact]
    public void TryAccept_AfterAJumpOfAnySize_AcceptsTheSkippedNumbersStillInTheWindow()
    {
        foreach (var jump in new[] { 1, 3, 7, 8, 9, 100 })
        {
            var guard = new ReplayGuard("KE", window: 8);
            for (var n = 1; n <= 8; n++)
            {
                guard.TryAccept(n);
            }

            guard.TryAccept(8 + jump);

            for (long n = 8 + jump - 7; n < 8 + jump; n++)
            {
                Assert.Equal(n <= 8 ? ReplayDecision.Replayed : ReplayDecision.Accepted, guard.TryAccept(n));
            }
        }
    }

    [Fact]
    public void Check_SaysWhatTryAcceptWouldWithoutRecording()
    {
        var guard = new ReplayGuard("KE");

        Assert.Equal(ReplayDecision.Accepted, guard.Check(5));
        Assert.Equal(ReplayDecision.Accepted, guard.Check(5));
        Assert.Equal(0, guard.Highest);
        guard.TryAccept(5);
        Assert.Equal(ReplayDecision.Replayed, guard.Check(5));
    }

    [Fact]
    public void TryAccept_ANumberBelowOne_Throws()
    {
        var guard = new ReplayGuard("KE");

        Assert.Throws<ArgumentOutOfRangeException>(() => guard.TryAccept(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => guard.Check(-1));
    }

    [Fact]
    public void TryAccept_TheLargestNumber_IsAcceptedOnce()
    {
        var guard = new ReplayGuard("KE", window: 1);

        Assert.Equal(ReplayDecision.Accepted, guard.TryAccept(long.MaxValue));
        Assert.Equal(ReplayDecision.Replayed, guard.TryAccept(long.MaxValue));
        Assert.Equal(ReplayDecision.TooOld, guard.TryAccept(long.MaxValue - 1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(ReplayGuard.MaxWindow + 1)]
    public void Constructor_WithAWindowOutOfRange_Throws(int window) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReplayGuard("KE", window));

    [Fact]
    public void Constructor_WithAnOriginThatIsNotANodeCode_Throws() =>
        Assert.Throws<ArgumentException>(() => new ReplayGuard("ke"));

    [Fact]
    public void Snapshot_IsTheDocumentedBitmap_OneBitPerNumberCountingDownFromHighest()
    {
        var guard = new ReplayGuard("KE", window: 12);
        var decisions = new long[] { 20, 19, 17, 12, 9, 8 }.Select(guard.TryAccept).ToList();

        var state = guard.Snapshot();

        // The window of 12 ending at 20 is 9..20, so 8 is too old; bit i = 20 - n: bits 0, 1, 3, 8 and 11.
        Assert.Equal(ReplayDecision.TooOld, decisions[^1]);
        Assert.Equal(new ReplayGuardState("KE", 12, 20, [0b0000_1011, 0b0000_1001]), state);
    }

    [Fact]
    public void Snapshot_OfANewGuard_HasNoBitsSet()
    {
        var state = new ReplayGuard("FR", window: 64).Snapshot();

        Assert.Equal(new ReplayGuardState("FR", 64, 0, [.. new byte[8]]), state);
        Assert.Empty(state.Validate());
    }

    [Fact]
    public void Restore_ASnapshotSavedAsJson_AnswersAsTheOriginal()
    {
        var guard = new ReplayGuard("KE", window: 16);
        foreach (var n in new long[] { 1, 2, 5, 30, 28 })
        {
            guard.TryAccept(n);
        }

        var json = JsonSerializer.Serialize(guard.Snapshot());
        var restored = ReplayGuard.Restore(JsonSerializer.Deserialize<ReplayGuardState>(json)!);

        Assert.Equal(guard.Snapshot(), restored.Snapshot());
        foreach (var n in new long[] { 28, 30, 29, 15, 14, 31 })
        {
            Assert.Equal(guard.TryAccept(n), restored.TryAccept(n));
        }
    }

    public static TheoryData<ReplayGuardState, string> InvalidStates => new()
    {
        { new ReplayGuardState("kenya", 8, 0, [0]), "origin: must be a node code" },
        { new ReplayGuardState("KE", 0, 0, []), "window: must be 1 to 65536" },
        { new ReplayGuardState("KE", 8, -1, [0]), "highest: must not be negative" },
        { new ReplayGuardState("KE", 8, 5, [0, 0]), "accepted: must be 1 bytes" },
        { new ReplayGuardState("KE", 8, 5, default), "accepted: must be 1 bytes" },
        { new ReplayGuardState("KE", 8, 5, [0b0000_0010]), "accepted: bit 0 must be set: the highest number, 5, was accepted" },
        { new ReplayGuardState("KE", 8, 2, [0b0000_0101]), "accepted: bit 2 stands for sequence number 0, below 1" },
        { new ReplayGuardState("KE", 6, 50, [0b0100_0001]), "accepted: bit 6 is beyond the window of 6" },
        { new ReplayGuardState("KE", 8, 0, [0b0000_0001]), "accepted: bit 0 stands for sequence number 0, below 1" },
    };

    [Theory]
    [MemberData(nameof(InvalidStates))]
    public void Restore_AStateNoGuardCanBeIn_IsRefusedNamingTheRule(ReplayGuardState state, string rule)
    {
        var error = Assert.Throws<ArgumentException>(() => ReplayGuard.Restore(state));

        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryAccept_FromManyThreads_AcceptsEachNumberExactlyOnce()
    {
        var guard = new ReplayGuard("KE", window: 4096);
        var accepted = new int[2_001];

        Parallel.For(0, 16, _ =>
        {
            for (var n = 1; n <= 2_000; n++)
            {
                if (guard.TryAccept(n) == ReplayDecision.Accepted)
                {
                    Interlocked.Increment(ref accepted[n]);
                }
            }
        });

        Assert.All(accepted.Skip(1), count => Assert.Equal(1, count));
    }

    [Fact]
    public void State_ComparesItsBitmapByContent()
    {
        var one = new ReplayGuardState("KE", 8, 1, [1]);

        Assert.Equal(one, one with { Accepted = ImmutableArray.Create((byte)1) });
        Assert.NotEqual(one, one with { Accepted = ImmutableArray.Create((byte)3) });
    }
}
