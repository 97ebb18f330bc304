using FederatedRegistry.Domain.Sharing;
using FederatedRegistry.Domain.Signing;
using Microsoft.Extensions.Time.Testing;

namespace FederatedRegistry.Federation.Tests.Support;

/// <summary>
/// Keys and TLS certificates generated once per test run for a small federation seen from Kenya (KE): France (FR) is a
/// national peer, INTL an observer; <see cref="Mallory"/> belongs to nobody in the directory.
/// </summary>
internal static class TestPeers
{
    public static readonly DateTimeOffset Start = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Nothing listens here: enough for a <see cref="Peer"/> that is never called.</summary>
    public static readonly Uri Nowhere = new("https://127.0.0.1:1");

    public static readonly NodeKey Kenya = NodeKey.Generate();
    public static readonly NodeKey France = NodeKey.Generate();
    public static readonly NodeKey Observer = NodeKey.Generate();
    public static readonly NodeKey Mallory = NodeKey.Generate();

    public static readonly NodeCertificate KenyaCertificate = Certificate("KE");
    public static readonly NodeCertificate FranceCertificate = Certificate("FR");
    public static readonly NodeCertificate ObserverCertificate = Certificate("INTL");
    public static readonly NodeCertificate MalloryCertificate = Certificate("DE");

    public static Peer National(string code, NodeKey key, Uri? address = null) =>
        new(code, NodeRole.National, address ?? Nowhere, key.PublicKey, PeerCertificatePin.Of(CertificateOf(key).Certificate));

    public static Peer ObserverPeer(string code, NodeKey key, Uri? address = null) =>
        new(code, NodeRole.Observer, address ?? Nowhere, key.PublicKey, PeerCertificatePin.Of(CertificateOf(key).Certificate));

    /// <summary>The TLS certificate that goes with a signing key: each test node has one of each.</summary>
    public static NodeCertificate CertificateOf(NodeKey key) =>
        key == Kenya ? KenyaCertificate : key == France ? FranceCertificate : key == Observer ? ObserverCertificate : MalloryCertificate;

    /// <summary>A self-signed node certificate valid from an hour ago for a year.</summary>
    public static NodeCertificate Certificate(string code) =>
        new(NodeCertificate.CreateSelfSigned(code, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddYears(1)));

    /// <summary>KE's directory: FR (national) and INTL (observer).</summary>
    public static PeerDirectory KenyasDirectory() => new([National("FR", France), ObserverPeer("INTL", Observer)]);

    /// <summary>FR's directory: KE (national) and INTL (observer).</summary>
    public static PeerDirectory FrancesDirectory() => new([National("KE", Kenya), ObserverPeer("INTL", Observer)]);

    public static FederationSigner Signer(NodeKey key, string origin, TimeProvider time) => new(key, origin, new SequenceSource(time), time);

    public static FederationVerifier Verifier(PeerDirectory directory, TimeProvider time, EnvelopeVerifierOptions? options = null) =>
        new(new EnvelopeVerifier(directory.TrustedKeys, time, options));

    public static FakeTimeProvider Clock() => new(Start);
}
