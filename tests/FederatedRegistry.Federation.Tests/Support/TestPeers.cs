using FederatedRegistry.Domain.Sharing;
using FederatedRegistry.Domain.Signing;
using Microsoft.Extensions.Time.Testing;

namespace FederatedRegistry.Federation.Tests.Support;

/// <summary>
/// Keys generated once per test run for a small federation seen from Kenya (KE): France (FR) is a national peer,
/// INTL an observer; <see cref="Mallory"/> belongs to nobody in the directory.
/// </summary>
internal static class TestPeers
{
    public static readonly DateTimeOffset Start = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Nothing listens here: enough for a <see cref="Peer"/> that is never called.</summary>
    public static readonly Uri Nowhere = new("http://127.0.0.1:1");

    public static readonly NodeKey Kenya = NodeKey.Generate();
    public static readonly NodeKey France = NodeKey.Generate();
    public static readonly NodeKey Observer = NodeKey.Generate();
    public static readonly NodeKey Mallory = NodeKey.Generate();

    public static Peer National(string code, NodeKey key, Uri? address = null) => new(code, NodeRole.National, address ?? Nowhere, key.PublicKey);

    public static Peer ObserverPeer(string code, NodeKey key, Uri? address = null) => new(code, NodeRole.Observer, address ?? Nowhere, key.PublicKey);

    /// <summary>KE's directory: FR (national) and INTL (observer).</summary>
    public static PeerDirectory KenyasDirectory() => new([National("FR", France), ObserverPeer("INTL", Observer)]);

    /// <summary>FR's directory: KE (national) and INTL (observer).</summary>
    public static PeerDirectory FrancesDirectory() => new([National("KE", Kenya), ObserverPeer("INTL", Observer)]);

    public static FederationSigner Signer(NodeKey key, string origin, TimeProvider time) => new(key, origin, new SequenceSource(time), time);

    public static FederationVerifier Verifier(PeerDirectory directory, TimeProvider time, EnvelopeVerifierOptions? options = null) =>
        new(new EnvelopeVerifier(directory.TrustedKeys, time, options));

    public static FakeTimeProvider Clock() => new(Start);
}
