using System.Globalization;

namespace FederatedRegistry.Domain.Signing;

/// <summary>Why an envelope was refused.</summary>
public enum EnvelopeRejection
{
    /// <summary>Not a well-formed envelope: bytes that are not its canonical encoding, missing or mistyped fields, a broken field rule.</summary>
    Malformed = 1,

    /// <summary>The origin is not in the peer directory.</summary>
    UnknownOrigin = 2,

    /// <summary>The origin is known, but the key id is not one of the keys trusted for it.</summary>
    UnknownKey = 3,

    /// <summary>The signature does not verify with the named key: the envelope was altered, or signed with another key.</summary>
    BadSignature = 4,

    /// <summary>Issued longer ago than <see cref="EnvelopeVerifierOptions.MaxAge"/>.</summary>
    Expired = 5,

    /// <summary>Issued further ahead of now than <see cref="EnvelopeVerifierOptions.MaxClockSkew"/>.</summary>
    IssuedInFuture = 6,

    /// <summary>The origin's sequence number was accepted before.</summary>
    Replayed = 7,

    /// <summary>The sequence number is below the replay window, so it can no longer be told apart from a replay.</summary>
    SequenceTooOld = 8,
}

/// <summary>The answer about one envelope: accepted, or the reason and a sentence for logs and error details.</summary>
/// <param name="Envelope">The envelope, when it could be read (also when it was then refused).</param>
/// <param name="Rejection">Why it was refused; null when accepted.</param>
/// <param name="Message">A sentence saying what was found.</param>
public sealed record EnvelopeVerdict(SignedEnvelope? Envelope, EnvelopeRejection? Rejection, string Message)
{
    public bool IsAccepted => Rejection is null;

    internal static EnvelopeVerdict Accept(SignedEnvelope envelope) =>
        new(envelope, null, string.Create(CultureInfo.InvariantCulture, $"Accepted {envelope.Origin} #{envelope.Sequence}."));

    internal static EnvelopeVerdict Reject(SignedEnvelope? envelope, EnvelopeRejection rejection, string message) =>
        new(envelope, rejection, message);
}

/// <summary>How fresh an envelope must be. An envelope issued at t is fresh when <c>now - MaxAge ≤ t ≤ now + MaxClockSkew</c>.</summary>
public sealed record EnvelopeVerifierOptions
{
    /// <summary>How long after it was issued an envelope is still accepted; 5 minutes unless set.</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How far ahead of this node's clock a sender's clock may run; 1 minute unless set.</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Decides whether to believe an envelope: it is well formed, from a peer in the directory, signed by a key trusted
/// for that peer, fresh, and (with a <see cref="ReplayGuard"/>) not seen before.
/// </summary>
/// <remarks>
/// Checks run in that order and the first failure is the answer. The replay guard is consulted last, and records the
/// sequence number only when everything else passed, so a forged or stale envelope can never use up a number.
/// Stateless apart from the guard passed in; safe to share between threads.
/// </remarks>
public sealed class EnvelopeVerifier
{
    private readonly ITrustedKeys _trustedKeys;
    private readonly TimeProvider _time;

    public EnvelopeVerifier(ITrustedKeys trustedKeys, TimeProvider time, EnvelopeVerifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trustedKeys);
        ArgumentNullException.ThrowIfNull(time);
        Options = options ?? new EnvelopeVerifierOptions();
        if (Options.MaxAge < TimeSpan.Zero || Options.MaxClockSkew < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxAge and MaxClockSkew must not be negative.");
        }
        _trustedKeys = trustedKeys;
        _time = time;
    }

    public EnvelopeVerifierOptions Options { get; }

    /// <summary>Reads an envelope from its wire form and verifies it, without replay protection.</summary>
    public EnvelopeVerdict Verify(ReadOnlySpan<byte> encoded) =>
        SignedEnvelope.TryDecode(encoded, out var envelope, out var error)
            ? Verify(envelope)
            : EnvelopeVerdict.Reject(null, EnvelopeRejection.Malformed, "The envelope is malformed: " + error);

    /// <summary>Verifies form, origin, key, signature and freshness, without replay protection.</summary>
    public EnvelopeVerdict Verify(SignedEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var violations = envelope.Validate();
        if (violations.Count > 0)
        {
            return EnvelopeVerdict.Reject(envelope, EnvelopeRejection.Malformed,
                "The envelope is malformed: " + string.Join("; ", violations) + ".");
        }
        if (!_trustedKeys.TryGetKeys(envelope.Origin, out var keys))
        {
            return EnvelopeVerdict.Reject(envelope, EnvelopeRejection.UnknownOrigin,
                $"The origin {envelope.Origin} is not in this node's peer directory.");
        }
        var key = keys.FirstOrDefault(k => string.Equals(k.KeyId, envelope.KeyId, StringComparison.Ordinal));
        if (key is null)
        {
            return EnvelopeVerdict.Reject(envelope, EnvelopeRejection.UnknownKey,
                $"Key {envelope.KeyId} is not a key this node trusts for {envelope.Origin}.");
        }
        if (!key.VerifyData(envelope.SigningInput(), envelope.Signature.AsSpan()))
        {
            return EnvelopeVerdict.Reject(envelope, EnvelopeRejection.BadSignature,
                $"The signature does not verify with {envelope.Origin}'s key {key.KeyId}: the envelope was altered or signed with another key.");
        }
        var now = _time.GetUtcNow();
        if (envelope.IssuedAt < now - Options.MaxAge)
        {
            return EnvelopeVerdict.Reject(envelope, EnvelopeRejection.Expired, string.Create(CultureInfo.InvariantCulture,
                $"The envelope was issued at {envelope.IssuedAt.UtcDateTime:O}, more than {Options.MaxAge} before now ({now.UtcDateTime:O})."));
        }
        if (envelope.IssuedAt > now + Options.MaxClockSkew)
        {
            return EnvelopeVerdict.Reject(envelope, EnvelopeRejection.IssuedInFuture, string.Create(CultureInfo.InvariantCulture,
                $"The envelope was issued at {envelope.IssuedAt.UtcDateTime:O}, more than {Options.MaxClockSkew} after now ({now.UtcDateTime:O}); check both nodes' clocks."));
        }
        return EnvelopeVerdict.Accept(envelope);
    }

    /// <summary>
    /// Verifies the envelope and, if it passes, accepts its sequence number in <paramref name="guard"/> (the guard of
    /// the envelope's origin): the envelope is accepted at most once.
    /// </summary>
    /// <exception cref="ArgumentException">The guard tracks another origin than the (verified) envelope's.</exception>
    public EnvelopeVerdict VerifyAndAccept(SignedEnvelope envelope, ReplayGuard guard)
    {
        ArgumentNullException.ThrowIfNull(guard);
        var verdict = Verify(envelope);
        return verdict.IsAccepted ? Accept(envelope, guard) : verdict;
    }

    /// <summary>
    /// Reads, verifies and, if it passes, accepts the envelope's sequence number in the guard that
    /// <paramref name="guardFor"/> gives for its origin (asked only once the origin is authenticated).
    /// </summary>
    public EnvelopeVerdict VerifyAndAccept(ReadOnlySpan<byte> encoded, Func<string, ReplayGuard> guardFor)
    {
        ArgumentNullException.ThrowIfNull(guardFor);
        var verdict = Verify(encoded);
        return verdict is { IsAccepted: true, Envelope: { } envelope } ? Accept(envelope, guardFor(envelope.Origin)) : verdict;
    }

    private static EnvelopeVerdict Accept(SignedEnvelope envelope, ReplayGuard guard)
    {
        if (!string.Equals(guard.Origin, envelope.Origin, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The replay guard tracks {guard.Origin}, but the envelope is from {envelope.Origin}.", nameof(guard));
        }
        return guard.TryAccept(envelope.Sequence) switch
        {
            ReplayDecision.Accepted => EnvelopeVerdict.Accept(envelope),
            ReplayDecision.Replayed => EnvelopeVerdict.Reject(envelope, EnvelopeRejection.Replayed, string.Create(CultureInfo.InvariantCulture,
                $"Sequence number {envelope.Sequence} from {envelope.Origin} was accepted before: this is a replay.")),
            _ => EnvelopeVerdict.Reject(envelope, EnvelopeRejection.SequenceTooOld, string.Create(CultureInfo.InvariantCulture,
                $"Sequence number {envelope.Sequence} from {envelope.Origin} is below the replay window (highest accepted {guard.Highest}, window {guard.Window}), so it cannot be told apart from a replay.")),
        };
    }
}
