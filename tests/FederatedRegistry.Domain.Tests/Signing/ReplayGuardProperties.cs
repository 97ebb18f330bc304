using System.Text.Json;
using CsCheck;
using FederatedRegistry.Domain.Signing;

namespace FederatedRegistry.Domain.Tests.Signing;

public sealed class ReplayGuardProperties
{
    private const long Iterations = 2_000;

    private static readonly Gen<int> Window = Gen.Frequency((3, Gen.Int[1, 70]), (1, Gen.Int[1, 2_000]));

    /// <summary>Deliveries around a base: repeats, reordering, and jumps of about the window's size, so every case happens.</summary>
    private static Gen<long[]> Deliveries(int window) =>
        Gen.Select(Gen.Long[1, 1_000_000_000_000], Gen.Long[0, 3L * window].Array[0, 300], (origin, offsets) => offsets.Select(o => origin + o).ToArray());

    private static readonly Gen<(int Window, long[] Deliveries)> Scenario =
        Window.SelectMany(w => Deliveries(w).Select(d => (w, d)));

    /// <summary>
    /// For any delivery order, with any repeats: the guard answers exactly as the documented rule, computed here from the
    /// set of numbers accepted so far and the highest of them; hence no number is ever accepted twice.
    /// </summary>
    [Fact]
    public void TryAccept_AnyDeliveries_AnswersAsTheRule_AndAcceptsEachNumberAtMostOnce() =>
        Scenario.Sample(scenario =>
        {
            var (window, deliveries) = scenario;
            var guard = new ReplayGuard("KE", window);
            var accepted = new HashSet<long>();
            long highest = 0;

            foreach (var n in deliveries)
            {
                var inWindow = n > highest - window;
                var expected = !inWindow ? ReplayDecision.TooOld
                    : accepted.Contains(n) ? ReplayDecision.Replayed
                    : ReplayDecision.Accepted;

                Assert.Equal(expected, guard.Check(n));
                Assert.Equal(expected, guard.TryAccept(n));

                if (expected == ReplayDecision.Accepted)
                {
                    Assert.True(accepted.Add(n), $"{n} accepted twice");
                    highest = Math.Max(highest, n);
                }
                Assert.Equal(highest, guard.Highest);
            }
        }, iter: Iterations);

    /// <summary>Numbers that all lie within one window of each other are each accepted exactly once, in any order, however often repeated.</summary>
    [Fact]
    public void TryAccept_NumbersWithinOneWindow_InAnyOrderWithRepeats_AreEachAcceptedExactlyOnce() =>
        Window.SelectMany(w => Gen.Select(
                Gen.Const(w),
                Gen.Long[1, 1_000_000_000_000],
                Gen.Int[0, w - 1].Array[1, 200],
                Gen.Int[1, 3].Array[200],
                Gen.Int))
            .Sample(input =>
            {
                var (window, start, offsets, repeats, seed) = input;
                var distinct = offsets.Distinct().Select(o => start + o).ToList();
                var shuffle = new Random(seed);
                var deliveries = distinct.SelectMany((n, i) => Enumerable.Repeat(n, repeats[i])).OrderBy(_ => shuffle.Next()).ToList();
                var guard = new ReplayGuard("FR", window);

                var decisions = deliveries.Select(n => (n, Decision: guard.TryAccept(n))).ToList();

                var acceptedCounts = decisions.Where(d => d.Decision == ReplayDecision.Accepted).GroupBy(d => d.n).ToDictionary(g => g.Key, g => g.Count());
                Assert.Equal(distinct.Order(), acceptedCounts.Keys.Order());
                Assert.All(acceptedCounts.Values, count => Assert.Equal(1, count));
                Assert.DoesNotContain(decisions, d => d.Decision == ReplayDecision.TooOld);
            }, iter: Iterations);

    /// <summary>
    /// A guard saved at any point (as JSON, as a store would keep it) and restored answers every later delivery exactly
    /// as the guard that never stopped, and ends in the same state.
    /// </summary>
    [Fact]
    public void Restore_OfASnapshotTakenAtAnyPoint_BehavesAsTheGuardThatNeverStopped() =>
        Gen.Select(Scenario, Gen.Int[0, int.MaxValue]).Sample((scenario, split) =>
        {
            var (window, deliveries) = scenario;
            var at = split % (deliveries.Length + 1);
            var continuous = new ReplayGuard("INTL", window);
            var stopped = new ReplayGuard("INTL", window);
            foreach (var n in deliveries[..at])
            {
                Assert.Equal(continuous.TryAccept(n), stopped.TryAccept(n));
            }

            var saved = stopped.Snapshot();
            Assert.Empty(saved.Validate());
            var restored = ReplayGuard.Restore(JsonSerializer.Deserialize<ReplayGuardState>(JsonSerializer.Serialize(saved))!);

            Assert.Equal(saved, restored.Snapshot());
            foreach (var n in deliveries[at..])
            {
                Assert.Equal(continuous.TryAccept(n), restored.TryAccept(n));
            }
            Assert.Equal(continuous.Snapshot(), restored.Snapshot());
        }, iter: Iterations);
}
