using System.Collections.Immutable;

namespace FederatedRegistry.Domain.Signing;

/// <summary>What a <see cref="ReplayGuard"/> says about a sequence number.</summary>
public enum ReplayDecision
{
    /// <summary>Not seen before: accepted (or, from <see cref="ReplayGuard.Check"/>, would be).</summary>
    Accepted = 1,

    /// <summary>Inside the window and accepted before.</summary>
    Replayed = 2,

    /// <summary>At or below <c>Highest - Window</c>: the guard no longer knows whether it was seen, so it refuses it.</summary>
    TooOld = 3,
}

/// <summary>
/// Accepts each sequence number of one origin at most once, in any arrival order within a sliding window
/// (the anti-replay window of IPsec, RFC 4303 §3.4.3, and DTLS).
/// </summary>
/// <remarks>
/// <para>State: <see cref="Highest"/> (H, the largest number accepted, 0 before any) and, for each number in the
/// window <c>(H - W, H]</c> (W = <see cref="Window"/>), whether it was accepted. A number s ≥ 1 is</para>
/// <list type="bullet">
/// <item>accepted when s &gt; H (H becomes s; the window slides up) or when s is in the window and was not accepted yet;</item>
/// <item>refused as <see cref="ReplayDecision.Replayed"/> when s is in the window and was accepted before;</item>
/// <item>refused as <see cref="ReplayDecision.TooOld"/> when s ≤ H - W, whether or not it was seen.</item>
/// </list>
/// <para>Hence: no number is ever accepted twice (H never decreases, so a number that leaves the window is refused
/// for ever); and every number is accepted the first time it arrives provided it arrives before a number W or more
/// above it has been accepted. In particular, numbers that all lie within W of each other are each accepted exactly
/// once, whatever their order and however often they are repeated.</para>
/// <para>Choose W above the number of sequence numbers the origin may issue (to any peer) between signing an
/// envelope and its arrival. Persist <see cref="Snapshot"/> together with what the accepted messages changed, and
/// <see cref="Restore"/> it on activation: a guard that forgets its state accepts old envelopes again (within the
/// verifier's time window). The origin, for its part, keeps its counter durable and never reuses a number; if it
/// ever loses the counter it can resume from a time-derived number, such as microseconds since the epoch.</para>
/// <para>Safe to share between threads.</para>
/// </remarks>
public sealed class ReplayGuard
{
    public const int DefaultWindow = 4096;
    public const int MaxWindow = 65_536;

    private readonly ulong[] _ring;
    private readonly Lock _lock = new();
    private long _highest;

    /// <summary>A guard that has accepted nothing yet.</summary>
    /// <exception cref="ArgumentException"><paramref name="origin"/> is not a node code, or the window is not 1 to <see cref="MaxWindow"/>.</exception>
    public ReplayGuard(string origin, int window = DefaultWindow)
    {
        if (!Identifiers.IsNodeCode(origin))
        {
            throw new ArgumentException($"\"{origin}\" is not a node code.", nameof(origin));
        }
        if (window is < 1 or > MaxWindow)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, $"The window must be 1 to {MaxWindow} sequence numbers.");
        }
        Origin = origin;
        Window = window;
        _ring = new ulong[(window + 63) / 64];
    }

    /// <summary>The origin whose sequence numbers this guard tracks.</summary>
    public string Origin { get; }

    /// <summary>How many numbers, ending at <see cref="Highest"/>, the guard remembers.</summary>
    public int Window { get; }

    /// <summary>The largest number accepted; 0 before any.</summary>
    public long Highest
    {
        get
        {
            lock (_lock)
            {
                return _highest;
            }
        }
    }

    /// <summary>A guard in the state <paramref name="state"/> describes (see <see cref="ReplayGuardState"/>).</summary>
    /// <exception cref="ArgumentException">The state breaks its rules; the message names every one.</exception>
    public static ReplayGuard Restore(ReplayGuardState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var violations = state.Validate();
        if (violations.Count > 0)
        {
            throw new ArgumentException("The replay guard state is invalid: " + string.Join("; ", violations), nameof(state));
        }
        var guard = new ReplayGuard(state.Origin, state.Window) { _highest = state.Highest };
        for (var i = 0; i < state.Window; i++)
        {
            if ((state.Accepted[i / 8] & (1 << (i % 8))) != 0)
            {
                guard.Set(state.Highest - i);
            }
        }
        return guard;
    }

    /// <summary>The guard's state, to persist; <see cref="Restore"/> gives a guard that answers exactly as this one.</summary>
    public ReplayGuardState Snapshot()
    {
        lock (_lock)
        {
            var accepted = new byte[(Window + 7) / 8];
            for (var i = 0; i < Math.Min(Window, _highest); i++)
            {
                if (IsSet(_highest - i))
                {
                    accepted[i / 8] |= (byte)(1 << (i % 8));
                }
            }
            return new ReplayGuardState(Origin, Window, _highest, ImmutableArray.Create(accepted));
        }
    }

    /// <summary>What <see cref="TryAccept"/> would answer now, without recording anything.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequence"/> is below 1.</exception>
    public ReplayDecision Check(long sequence)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        lock (_lock)
        {
            return Decide(sequence);
        }
    }

    /// <summary>Accepts <paramref name="sequence"/> if it was not accepted before and is not too old, and records it.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequence"/> is below 1.</exception>
    public ReplayDecision TryAccept(long sequence)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        lock (_lock)
        {
            var decision = Decide(sequence);
            if (decision != ReplayDecision.Accepted)
            {
                return decision;
            }
            if (sequence > _highest)
            {
                // The numbers the window slides over were not accepted: their slots may still hold older numbers' bits.
                if (sequence - _highest >= Window)
                {
                    Array.Clear(_ring);
                }
                else
                {
                    for (var n = _highest + 1; n < sequence; n++)
                    {
                        Clear(n);
                    }
                }
                _highest = sequence;
            }
            Set(sequence);
            return ReplayDecision.Accepted;
        }
    }

    private ReplayDecision Decide(long sequence) =>
        sequence > _highest ? ReplayDecision.Accepted
        : sequence <= _highest - Window ? ReplayDecision.TooOld
        : IsSet(sequence) ? ReplayDecision.Replayed
        : ReplayDecision.Accepted;

    // Number n (in the window) lives in bit n mod W of the ring.
    private int Slot(long n) => (int)(n % Window);

    private bool IsSet(long n) => (_ring[Slot(n) / 64] & (1UL << (Slot(n) % 64))) != 0;

    private void Set(long n) => _ring[Slot(n) / 64] |= 1UL << (Slot(n) % 64);

    private void Clear(long n) => _ring[Slot(n) / 64] &= ~(1UL << (Slot(n) % 64));
}

/// <summary>
/// A <see cref="ReplayGuard"/>'s state as plain data, to persist and restore.
/// </summary>
/// <param name="Origin">The origin's node code.</param>
/// <param name="Window">The window W, 1 to <see cref="ReplayGuard.MaxWindow"/>.</param>
/// <param name="Highest">The largest sequence number accepted (H); 0 before any.</param>
/// <param name="Accepted">
/// A bitmap of <c>ceil(W / 8)</c> bytes: bit i (byte <c>i / 8</c>, bit <c>i % 8</c> counting from the least significant)
/// is set when number <c>H - i</c> was accepted, for i from 0 to W - 1. Bit 0 is set exactly when H ≥ 1; bits for
/// numbers below 1 (i ≥ H) and beyond the window (i ≥ W) are clear. In-order delivery sets every bit.
/// </param>
public sealed record ReplayGuardState(string Origin, int Window, long Highest, ImmutableArray<byte> Accepted)
{
    /// <summary>Every broken rule, naming its field; empty when the state is one a guard can be in.</summary>
    public IReadOnlyList<FieldViolation> Validate()
    {
        var rules = new FieldRules();
        if (!Identifiers.IsNodeCode(Origin))
        {
            rules.Add("origin", "must be a node code");
        }
        if (Window is < 1 or > ReplayGuard.MaxWindow)
        {
            rules.Add("window", $"must be 1 to {ReplayGuard.MaxWindow}");
            return rules.Violations;
        }
        if (Highest < 0)
        {
            rules.Add("highest", "must not be negative");
            return rules.Violations;
        }
        if (Accepted.IsDefault || Accepted.Length != (Window + 7) / 8)
        {
            rules.Add("accepted", $"must be {(Window + 7) / 8} bytes, one bit per number in the window");
            return rules.Violations;
        }
        var used = (int)Math.Min(Window, Highest);
        for (var i = used; i < Accepted.Length * 8; i++)
        {
            if ((Accepted[i / 8] & (1 << (i % 8))) != 0)
            {
                rules.Add("accepted", i >= Window
                    ? $"bit {i} is beyond the window of {Window}"
                    : $"bit {i} stands for sequence number {Highest - i}, below 1");
                break;
            }
        }
        if (Highest >= 1 && (Accepted[0] & 1) == 0)
        {
            rules.Add("accepted", $"bit 0 must be set: the highest number, {Highest}, was accepted");
        }
        return rules.Violations;
    }

    public bool Equals(ReplayGuardState? other) =>
        other is not null
        && string.Equals(Origin, other.Origin, StringComparison.Ordinal)
        && Window == other.Window
        && Highest == other.Highest
        && Accepted.IsDefault == other.Accepted.IsDefault
        && Accepted.AsSpan().SequenceEqual(other.Accepted.AsSpan());

    public override int GetHashCode() => HashCode.Combine(Origin, Window, Highest);
}
