using CsCheck;
using FederatedRegistry.Domain.Signing;

namespace FederatedRegistry.Domain.Tests.Signing;

/// <summary>A clock that stands still until a test moves it.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>
/// Keys generated once per test run: KE (two keys, as while rotating), FR and INTL are trusted peers;
/// <see cref="Mallory"/> belongs to nobody the verifier knows.
/// </summary>
internal static class SigningFixtures
{
    public static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly NodeKey Kenya = NodeKey.Generate();
    public static readonly NodeKey KenyaNext = NodeKey.Generate();
    public static readonly NodeKey France = NodeKey.Generate();
    public static readonly NodeKey Observer = NodeKey.Generate();
    public static readonly NodeKey Mallory = NodeKey.Generate();

    /// <summary>The node code each trusted key signs as.</summary>
    public static readonly (string Origin, NodeKey Key)[] Signers = [("KE", Kenya), ("KE", KenyaNext), ("FR", France), ("INTL", Observer)];

    public static readonly TrustedKeyDirectory Directory = new(Signers.Select(s => (s.Origin, s.Key.PublicKey)));

    public static EnvelopeVerifier Verifier(ManualClock? clock = null, EnvelopeVerifierOptions? options = null) =>
        new(Directory, clock ?? new ManualClock(Now), options);

    public static readonly CanonicalMap SummaryPayload = CanonicalValue.Map(
        ("dataset", "registrations"),
        ("rows", CanonicalValue.List(CanonicalValue.Map(("risk_tier", "high"), ("count", 12)), CanonicalValue.Map(("risk_tier", "minimal"), ("count", 40)))));

    public static SignedEnvelope Summary(long sequence = 1, DateTimeOffset? issuedAt = null, NodeKey? key = null, string origin = "KE") =>
        (key ?? Kenya).Sign(origin, policyVersion: 3, issuedAt ?? Now, sequence, "fedreg.v1.SummaryResponse", SummaryPayload);

    private static readonly string[] PayloadTypes = ["fedreg.v1.SummaryResponse", "alert-batch", "advisory", "a", "x/y-z_1.2"];

    /// <summary>Envelopes signed by a trusted key, issued within the default freshness window of <see cref="Now"/>.</summary>
    public static readonly Gen<SignedEnvelope> Envelope =
        Gen.Select(
            Gen.Int[0, Signers.Length - 1],
            Gen.Frequency((3, Gen.Long[0, 20]), (1, Gen.Long[0, long.MaxValue])),
            Gen.Long[-TimeSpan.FromMinutes(5).Ticks, TimeSpan.FromMinutes(1).Ticks],
            Gen.Frequency((3, Gen.Long[1, 1_000]), (1, Gen.Long[1, long.MaxValue])),
            Gen.OneOf(PayloadTypes),
            CanonicalModels.Tree(),
            (signer, policy, offset, sequence, type, payload) =>
                Signers[signer].Key.Sign(Signers[signer].Origin, policy, Now.AddTicks(offset), sequence, type, CanonicalValue.From(payload)));
}
