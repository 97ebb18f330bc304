using System.Security.Cryptography.X509Certificates;
using FederatedRegistry.Domain.Sharing;
using FederatedRegistry.Federation.Tests.Support;
using FederatedRegistry.Testing;

namespace FederatedRegistry.Federation.Tests;

public sealed class PeerCertificatePinTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static readonly X509Certificate2 Authority = TestCertificates.Authority("Federation Test CA");
    private static readonly X509Certificate2 OtherAuthority = TestCertificates.Authority("Another CA");

    [Fact]
    public void CreateSelfSigned_NamesTheNodeInSubjectAndSanUri_AndCoversLoopback()
    {
        using var certificate = NodeCertificate.CreateSelfSigned("KE", Now.AddHours(-1), Now.AddYears(10));

        Assert.Equal("CN=KE", certificate.Subject);
        Assert.Equal(["urn:fedreg:node:KE"], PeerCertificatePin.SubjectUris(certificate));
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["localhost"], names.EnumerateDnsNames());
        Assert.Equal(["127.0.0.1", "::1"], names.EnumerateIPAddresses().Select(a => a.ToString()));
        using var publicKey = certificate.GetECDsaPublicKey();
        Assert.Equal(256, publicKey?.KeySize);
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages;
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], usages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value));
    }

    [Fact]
    public void NodeCertificate_ShowsTheSha256OfTheDerEncodingAsLowercaseHex()
    {
        var certificate = TestPeers.KenyaCertificate;

        Assert.Matches("^[0-9a-f]{64}$", certificate.Sha256);
        Assert.Equal(certificate.Certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256).ToLowerInvariant(), certificate.Sha256);
        Assert.True(certificate.Certificate.HasPrivateKey);
    }

    [Fact]
    public void NodeCertificate_WithoutPrivateKey_IsRefused()
    {
        var publicOnly = X509CertificateLoader.LoadCertificate(TestPeers.KenyaCertificate.Certificate.RawData);

        Assert.Throws<ArgumentException>(() => new NodeCertificate(publicOnly));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void TryParseFingerprint_TakesHexInEitherCaseWithOrWithoutColons(bool upper, bool colons)
    {
        var hex = TestPeers.FranceCertificate.Sha256;
        var text = upper ? hex.ToUpperInvariant() : hex;
        if (colons)
        {
            text = string.Join(':', text.Chunk(2).Select(c => new string(c)));
        }

        Assert.True(PeerCertificatePin.TryParseFingerprint(text, out var fingerprint));
        Assert.Equal(hex, Convert.ToHexStringLower(fingerprint));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("000000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData(null)]
    public void TryParseFingerprint_RefusesAnythingButSixtyFourHexDigits(string? text) =>
        Assert.False(PeerCertificatePin.TryParseFingerprint(text, out _));

    [Fact]
    public void Fingerprint_AcceptsExactlyThatCertificate()
    {
        var pin = PeerCertificatePin.Of(TestPeers.FranceCertificate.Certificate);

        Assert.Equal(PinMatch.Accepted, pin.Check(TestPeers.FranceCertificate.Certificate, Now).Match);
        // Another certificate for the same node code and subject is not the pinned one.
        using var sameName = NodeCertificate.CreateSelfSigned("FR", Now.AddHours(-1), Now.AddYears(1));
        Assert.Equal(PinMatch.NotThisPeer, pin.Check(sameName, Now).Match);
    }

    [Fact]
    public void Fingerprint_OfAnExpiredOrNotYetValidCertificate_IsRefusedSayingWhen()
    {
        using var expired = NodeCertificate.CreateSelfSigned("FR", Now.AddDays(-30), Now.AddDays(-1));
        using var future = NodeCertificate.CreateSelfSigned("FR", Now.AddDays(1), Now.AddDays(30));

        var old = PeerCertificatePin.Of(expired).Check(expired, Now);
        var early = PeerCertificatePin.Of(future).Check(future, Now);

        Assert.Equal(PinMatch.Refused, old.Match);
        Assert.StartsWith("it expired on ", old.Reason, StringComparison.Ordinal);
        Assert.Equal(PinMatch.Refused, early.Match);
        Assert.StartsWith("it is not valid before ", early.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("urn:fedreg:node:FR")]
    [InlineData("CN=FR, O=French AI Authority")]
    [InlineData("O=French AI Authority, CN=FR")]
    public void Authority_AcceptsACertificateItIssuedToTheSubject_ByDistinguishedNameOrSanUri(string subject)
    {
        // The DN is written in the order .NET prints subjects; the reversed order names another DN and is not accepted.
        using var issued = TestCertificates.Issue(Authority, "CN=FR, O=French AI Authority", "urn:fedreg:node:FR");
        var pin = PeerCertificatePin.Authority(Authority, subject);

        var verdict = pin.Check(issued, Now);

        Assert.Equal(subject.StartsWith("O=", StringComparison.Ordinal) ? PinMatch.NotThisPeer : PinMatch.Accepted, verdict.Match);
    }

    [Fact]
    public void Authority_RefusesAnotherSubject_AnotherCa_AndAnExpiredCertificate()
    {
        var pin = PeerCertificatePin.Authority(Authority, "urn:fedreg:node:FR");
        using var otherSubject = TestCertificates.Issue(Authority, "CN=PT", "urn:fedreg:node:PT");
        using var otherCa = TestCertificates.Issue(OtherAuthority, "CN=FR", "urn:fedreg:node:FR");
        using var expired = TestCertificates.Issue(Authority, "CN=FR", "urn:fedreg:node:FR", Now.AddDays(-30), Now.AddDays(-1));
        using var selfSigned = NodeCertificate.CreateSelfSigned("FR", Now.AddHours(-1), Now.AddYears(1));

        Assert.Equal(PinMatch.NotThisPeer, pin.Check(otherSubject, Now).Match);
        var foreign = pin.Check(otherCa, Now);
        Assert.Equal(PinMatch.Refused, foreign.Match);
        Assert.StartsWith("it does not chain to the pinned CA 'CN=Federation Test CA'", foreign.Reason, StringComparison.Ordinal);
        var old = pin.Check(expired, Now);
        Assert.Equal(PinMatch.Refused, old.Match);
        Assert.StartsWith("it expired on ", old.Reason, StringComparison.Ordinal);
        Assert.Equal(PinMatch.Refused, pin.Check(selfSigned, Now).Match);
    }

    [Fact]
    public void Authority_AcceptsACertificateIssuedThroughAnIntermediate_OnlyWithTheIntermediateThePeerSent()
    {
        using var intermediate = TestCertificates.Intermediate(Authority, "Federation Issuing CA");
        using var issued = TestCertificates.Issue(intermediate, "CN=FR", "urn:fedreg:node:FR");
        var pin = PeerCertificatePin.Authority(Authority, "urn:fedreg:node:FR");

        Assert.Equal(PinMatch.Refused, pin.Check(issued, Now).Match);
        Assert.Equal(PinMatch.Accepted, pin.Check(issued, Now, [X509CertificateLoader.LoadCertificate(intermediate.RawData)]).Match);
        // Pinning the intermediate itself does not make it a root.
        Assert.Equal(PinMatch.Refused, PeerCertificatePin.Authority(intermediate, "urn:fedreg:node:FR").Check(issued, Now).Match);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("FR")]
    [InlineData("CN")]
    public void Authority_WithASubjectThatIsNeitherNameNorUri_IsRefused(string subject) =>
        Assert.Throws<ArgumentException>(() => PeerCertificatePin.Authority(Authority, subject));

    [Fact]
    public void Identify_FindsThePeerWhosePinAcceptsTheCertificate_OrSaysWhyNone()
    {
        var directory = new PeerDirectory(
        [
            TestPeers.National("FR", TestPeers.France),
            new Peer("PT", NodeRole.National, TestPeers.Nowhere, TestPeers.Mallory.PublicKey, PeerCertificatePin.Authority(Authority, "urn:fedreg:node:PT")),
        ]);
        using var portugal = TestCertificates.Issue(Authority, "CN=PT", "urn:fedreg:node:PT");
        using var expiredPortugal = TestCertificates.Issue(Authority, "CN=PT", "urn:fedreg:node:PT", Now.AddDays(-30), Now.AddDays(-1));

        Assert.Equal("FR", directory.Identify(TestPeers.FranceCertificate.Certificate, Now).Peer?.Code);
        Assert.Equal("PT", directory.Identify(portugal, Now).Peer?.Code);
        var stranger = directory.Identify(TestPeers.KenyaCertificate.Certificate, Now);
        Assert.Null(stranger.Peer);
        Assert.Equal("it is no peer's pinned certificate", stranger.Reason);
        var expired = directory.Identify(expiredPortugal, Now);
        Assert.Null(expired.Peer);
        Assert.StartsWith("it is pinned for PT, but it expired on ", expired.Reason, StringComparison.Ordinal);
    }
}
