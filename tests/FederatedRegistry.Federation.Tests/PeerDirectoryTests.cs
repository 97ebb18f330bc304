using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FederatedRegistry.Domain.Sharing;
using FederatedRegistry.Domain.Signing;
using FederatedRegistry.Federation.Tests.Support;

namespace FederatedRegistry.Federation.Tests;

public sealed class PeerDirectoryTests
{
    private const string Self = "KE";

    private static readonly NodePublicKey OwnKey = TestPeers.Kenya.PublicKey;

    private static PeerOptions France() => new()
    {
        Code = "FR",
        Role = "national",
        Address = "https://127.0.0.1:5182",
        PublicKey = TestPeers.France.PublicKey.ToPem(),
        CertificateSha256 = TestPeers.FranceCertificate.Sha256,
    };

    private static PeerOptions Intl() => new()
    {
        Code = "INTL",
        Role = "observer",
        Address = "https://intl.example:5443",
        PublicKey = TestPeers.Observer.PublicKey.ToBase64(),
        Certificate = TestPeers.ObserverCertificate.Certificate.ExportCertificatePem(),
    };

    private static (PeerDirectory Directory, List<string> Failures) Read(params PeerOptions[] entries)
    {
        var failures = new List<string>();
        var directory = PeerDirectory.FromOptions(entries, Self, OwnKey, failures, TestPeers.KenyaCertificate.Certificate);
        return (directory, failures);
    }

    /// <summary>FR is fine; the second entry (Federation:Peers:1) is the one under test.</summary>
    private static (PeerDirectory Directory, string Failure) ReadFaultySecond(PeerOptions second)
    {
        var (directory, failures) = Read(France(), second);
        var failure = Assert.Single(failures);
        return (directory, failure);
    }

    [Fact]
    public void FromOptions_NationalAndObserverWithPemAndBase64Keys_GivesBothPeersOrderedByCode()
    {
        var (directory, failures) = Read(Intl(), France());

        Assert.Empty(failures);
        Assert.Equal(["FR", "INTL"], directory.Peers.Select(p => p.Code));
        var fr = directory.Peers[0];
        Assert.Equal(NodeRole.National, fr.Role);
        Assert.Equal(new Uri("https://127.0.0.1:5182"), fr.Address);
        Assert.Equal(TestPeers.France.PublicKey, fr.Key);
        Assert.Equal(TestPeers.FranceCertificate.Sha256, fr.Certificate.FingerprintHex);
        Assert.Equal("national", fr.RoleName);
        Assert.Equal(new Caller("FR", NodeRole.National), fr.AsCaller);
        var intl = directory.Peers[1];
        Assert.Equal(NodeRole.Observer, intl.Role);
        Assert.Equal(TestPeers.Observer.PublicKey, intl.Key);
        Assert.Equal(TestPeers.ObserverCertificate.Sha256, intl.Certificate.FingerprintHex);
        Assert.Equal("observer", intl.RoleName);
    }

    [Fact]
    public void FromOptions_ValidDirectory_TrustsEachPeersKeyForItsCodeOnly()
    {
        var (directory, _) = Read(France(), Intl());

        Assert.True(directory.TrustedKeys.TryGetKeys("FR", out var frKeys));
        Assert.Equal([TestPeers.France.PublicKey], frKeys);
        Assert.True(directory.TrustedKeys.TryGetKeys("INTL", out var intlKeys));
        Assert.Equal([TestPeers.Observer.PublicKey], intlKeys);
        Assert.False(directory.TrustedKeys.TryGetKeys("KE", out _));
        Assert.False(directory.TrustedKeys.TryGetKeys("DE", out _));
    }

    [Fact]
    public void FromOptions_ValidDirectory_FindsPeersByCodeAndListsOnlyNationalsAsNationalPeers()
    {
        var (directory, _) = Read(France(), Intl());

        Assert.True(directory.TryGet("FR", out var fr));
        Assert.Equal("FR", fr.Code);
        Assert.False(directory.TryGet("fr", out _));
        Assert.False(directory.TryGet("DE", out _));
        Assert.False(directory.TryGet(null, out _));
        Assert.Equal(["FR"], directory.NationalPeers.Select(p => p.Code));
    }

    [Theory]
    [InlineData("national")]
    [InlineData("National")]
    [InlineData(" NATIONAL ")]
    [InlineData("")]
    public void FromOptions_RoleNationalInAnyCaseOrLeftEmpty_IsNational(string role)
    {
        var entry = France();
        entry.Role = role;

        var (directory, failures) = Read(entry);

        Assert.Empty(failures);
        Assert.Equal(NodeRole.National, Assert.Single(directory.Peers).Role);
    }

    [Fact]
    public void FromOptions_NoEntries_GivesAnEmptyDirectoryWithoutFailures()
    {
        var (directory, failures) = Read();

        Assert.Empty(failures);
        Assert.Empty(directory.Peers);
        Assert.Empty(PeerDirectory.Empty.Peers);
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("XX")]
    [InlineData("F")]
    [InlineData("TOOLONGCODE")]
    [InlineData("")]
    public void FromOptions_CodeThatIsNoNodeCode_IsRefusedNamingTheCodeSetting(string code)
    {
        var entry = Intl();
        entry.Code = code;

        var (directory, failure) = ReadFaultySecond(entry);

        Assert.StartsWith($"Federation:Peers:1:Code '{code}'", failure, StringComparison.Ordinal);
        Assert.Contains("must be a node code", failure, StringComparison.Ordinal);
        Assert.Equal(["FR"], directory.Peers.Select(p => p.Code));
    }

    [Fact]
    public void FromOptions_NullCode_IsRefusedNamingTheCodeSetting()
    {
        var entry = Intl();
        entry.Code = null!;

        var (directory, failure) = ReadFaultySecond(entry);

        Assert.StartsWith("Federation:Peers:1:Code", failure, StringComparison.Ordinal);
        Assert.Equal(["FR"], directory.Peers.Select(p => p.Code));
    }

    [Fact]
    public void FromOptions_OwnCode_IsRefusedAsNotItsOwnPeer()
    {
        var entry = France();
        entry.Code = Self;
        entry.PublicKey = TestPeers.Mallory.PublicKey.ToBase64();
        entry.CertificateSha256 = TestPeers.MalloryCertificate.Sha256;

        var (directory, failure) = ReadFaultySecond(entry);

        Assert.Equal("Federation:Peers:1:Code 'KE' is this node's own code; a node is not its own peer.", failure);
        Assert.Single(directory.Peers);
    }

    [Fact]
    public void FromOptions_CodeListedTwice_RefusesTheSecondEntry()
    {
        var again = France();
        again.Address = "https://127.0.0.1:6000";

        var (directory, failure) = ReadFaultySecond(again);

        Assert.Equal("Federation:Peers:1:Code 'FR' is listed twice.", failure);
        var fr = Assert.Single(directory.Peers);
        Assert.Equal(new Uri("https://127.0.0.1:5182"), fr.Address);
    }

    [Fact]
    public void FromOptions_NationalRoleWithAnObserverCode_IsRefusedNamingTheRoleSetting()
    {
        var entry = Intl();
        entry.Role = "national";

        var (directory, failure) = ReadFaultySecond(entry);

        Assert.StartsWith("Federation:Peers:1:Role is national, but 'INTL' is not an ISO 3166-1 alpha-2 country code", failure, StringComparison.Ordinal);
        Assert.Contains("'observer'", failure, StringComparison.Ordinal);
        Assert.DoesNotContain(directory.Peers, p => p.Code == "INTL");
    }

    [Theory]
    [InlineData("member")]
    [InlineData("observers")]
    [InlineData("admin")]
    public void FromOptions_UnknownRole_IsRefusedNamingTheRoleSetting(string role)
    {
        var entry = Intl();
        entry.Role = role;

        var (directory, failure) = ReadFaultySecond(entry);

        Assert.Equal($"Federation:Peers:1:Role '{role}' must be 'national' or 'observer'.", failure);
        Assert.Single(directory.Peers);
    }

    [Theory]
    [InlineData("127.0.0.1:5181")]
    [InlineData("/federation")]
    [InlineData("peer.example")]
    [InlineData("ftp://peer.example/")]
    [InlineData("file:///tmp/peer")]
    [InlineData("http://127.0.0.1:5181")]
    [InlineData("")]
    public void FromOptions_AddressThatIsNoAbsoluteHttpsUrl_IsRefusedNamingTheAddressSetting(string address)
    {
        var entry = Intl();
        entry.Address = address;

        var (directory, failure) = ReadFaultySecond(entry);

        Assert.StartsWith($"Federation:Peers:1:Address '{address}' must be the peer's federation endpoint as an absolute https:// URL",
            failure, StringComparison.Ordinal);
        Assert.Single(directory.Peers);
    }

    public static TheoryData<string> UnreadableKeys()
    {
        using var rsa = RSA.Create(2048);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var p256 = TestPeers.Mallory.PublicKey.ToBase64();
        return new TheoryData<string>
        {
            "",
            "   ",
            "not a key",
            "AAAA",
            p256[..^8],
            p256 + "AAAA",
            "-----BEGIN PUBLIC KEY-----\nnot base64 at all\n-----END PUBLIC KEY-----",
            rsa.ExportSubjectPublicKeyInfoPem(),
            Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()),
            p384.ExportSubjectPublicKeyInfoPem(),
            TestPeers.Mallory.ExportPkcs8Pem(),
        };
    }

    [Theory]
    [MemberData(nameof(UnreadableKeys))]
    public void FromOptions_UnreadableKey_IsRefusedNamingThePublicKeySetting(string key)
    {
        var entry = Intl();
        entry.PublicKey = key;

        var (directory, failure) = ReadFaultySecond(entry);

        Assert.StartsWith("Federation:Peers:1:PublicKey cannot be read: ", failure, StringComparison.Ordinal);
        Assert.EndsWith("Give the peer's ECDSA P-256 public key as PEM or as the base64 that its GET /v1/node shows.", failure, StringComparison.Ordinal);
        Assert.Single(directory.Peers);
    }

    [Fact]
    public void FromOptions_NullKey_IsRefusedNamingThePublicKeySetting()
    {
        var entry = Intl();
        entry.PublicKey = null!;

        var (_, failure) = ReadFaultySecond(entry);

        Assert.StartsWith("Federation:Peers:1:PublicKey cannot be read: ", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void FromOptions_PeerListedWithThisNodesOwnKey_IsRefused()
    {
        var entry = Intl();
        entry.PublicKey = OwnKey.ToPem();

        var (directory, failure) = ReadFaultySecond(entry);

        Assert.Equal("Federation:Peers:1:PublicKey is this node's own key; each node needs its own key.", failure);
        Assert.Single(directory.Peers);
    }

    [Fact]
    public void FromOptions_OneKeyForTwoPeers_RefusesTheSecondNamingTheFirst()
    {
        var entry = Intl();
        entry.PublicKey = TestPeers.France.PublicKey.ToBase64();

        var (directory, failure) = ReadFaultySecond(entry);

        Assert.Equal("Federation:Peers:1:PublicKey is also the key of FR; each peer needs its own key.", failure);
        Assert.Equal(["FR"], directory.Peers.Select(p => p.Code));
        Assert.False(directory.TrustedKeys.TryGetKeys("INTL", out _));
    }

    [Fact]
    public void FromOptions_WithoutOwnKey_StillRefusesOneKeyForTwoPeers()
    {
        var entry = Intl();
        entry.PublicKey = TestPeers.France.PublicKey.ToBase64();
        var failures = new List<string>();

        var directory = PeerDirectory.FromOptions([France(), entry], Self, ownKey: null, failures);

        Assert.Equal(["Federation:Peers:1:PublicKey is also the key of FR; each peer needs its own key."], failures);
        Assert.Single(directory.Peers);
    }

    [Fact]
    public void FromOptions_EntryWithSeveralFaults_GetsOneSentencePerFaultEachNamingItsSetting()
    {
        var entry = new PeerOptions { Code = "fr", Role = "boss", Address = "ftp://x", PublicKey = "nope" };

        var (directory, failures) = Read(France(), entry);

        Assert.Collection(failures,
            f => Assert.StartsWith("Federation:Peers:1:Code ", f, StringComparison.Ordinal),
            f => Assert.StartsWith("Federation:Peers:1:Role ", f, StringComparison.Ordinal),
            f => Assert.StartsWith("Federation:Peers:1:Address ", f, StringComparison.Ordinal),
            f => Assert.StartsWith("Federation:Peers:1:PublicKey ", f, StringComparison.Ordinal),
            f => Assert.StartsWith("Federation:Peers:1:CertificateSha256 is required", f, StringComparison.Ordinal));
        Assert.Single(directory.Peers);
    }

    [Fact]
    public void FromOptions_FaultyEntry_IsLeftOutWhileTheEntriesAroundItAreKept()
    {
        var faulty = new PeerOptions
        {
            Code = "DE", Role = "national", Address = "not a url", PublicKey = TestPeers.Mallory.PublicKey.ToBase64(), CertificateSha256 = TestPeers.MalloryCertificate.Sha256,
        };

        var (directory, failures) = Read(France(), faulty, Intl());

        Assert.Equal(["Federation:Peers:1:Address"], failures.Select(f => f[..f.IndexOf(' ', StringComparison.Ordinal)]));
        Assert.Equal(["FR", "INTL"], directory.Peers.Select(p => p.Code));
        Assert.False(directory.TryGet("DE", out _));
        Assert.False(directory.TrustedKeys.TryGetKeys("DE", out _));
    }

    [Fact]
    public void FromOptions_AddsToFailuresAlreadyCollected_AndNamesEntriesByTheirOwnIndex()
    {
        var failures = new List<string> { "Node:Code is required." };
        var faulty = Intl();
        faulty.Role = "boss";

        var directory = PeerDirectory.FromOptions([faulty, France()], Self, OwnKey, failures, TestPeers.KenyaCertificate.Certificate);

        Assert.Equal(2, failures.Count);
        Assert.StartsWith("Federation:Peers:0:Role ", failures[1], StringComparison.Ordinal);
        Assert.Equal(["FR"], directory.Peers.Select(p => p.Code));
    }

    // ---------- TLS certificate pins ----------

    private static readonly X509Certificate2 Authority = FederatedRegistry.Testing.TestCertificates.Authority("Directory Test CA");

    private static PeerOptions Pinned(Action<PeerOptions> pin)
    {
        var entry = Intl();
        entry.Certificate = null;
        pin(entry);
        return entry;
    }

    [Fact]
    public void FromOptions_PinByFingerprintCertificateOrCaAndSubject_EachRecognisesThePeersCertificate()
    {
        using var issued = FederatedRegistry.Testing.TestCertificates.Issue(Authority, "CN=INTL, O=Observatory", "urn:fedreg:node:INTL");
        var pins = new (Action<PeerOptions>, X509Certificate2)[]
        {
            (e => e.CertificateSha256 = string.Join(':', TestPeers.ObserverCertificate.Sha256.ToUpperInvariant().Chunk(2).Select(c => new string(c))), TestPeers.ObserverCertificate.Certificate),
            (e => e.Certificate = Convert.ToBase64String(TestPeers.ObserverCertificate.Certificate.RawData), TestPeers.ObserverCertificate.Certificate),
            (e => (e.CaCertificate, e.Subject) = (Authority.ExportCertificatePem(), "urn:fedreg:node:INTL"), issued),
            (e => (e.CaCertificate, e.Subject) = (Convert.ToBase64String(Authority.RawData), "CN=INTL,O=Observatory"), issued),
        };
        for (var i = 0; i < pins.Length; i++)
        {
            var (pin, certificate) = pins[i];
            var (directory, failures) = Read(France(), Pinned(pin));

            Assert.Empty(failures);
            var verdict = directory.Identify(certificate, DateTimeOffset.UtcNow);
            Assert.Equal((i, "INTL", ""), (i, verdict.Peer?.Code, verdict.Reason));
            Assert.Equal((i, "FR"), (i, directory.Identify(TestPeers.FranceCertificate.Certificate, DateTimeOffset.UtcNow).Peer?.Code));
        }
    }

    [Fact]
    public void FromOptions_NoPin_IsRefusedNamingTheSettings()
    {
        var (directory, failure) = ReadFaultySecond(Pinned(_ => { }));

        Assert.Equal("Federation:Peers:1:CertificateSha256 is required (or Federation:Peers:1:Certificate, or Federation:Peers:1:CaCertificate with :Subject): " +
            "pin the peer's TLS certificate, e.g. with the certificate_sha256 its GET /v1/node shows.", failure);
        Assert.Single(directory.Peers);
    }

    [Fact]
    public void FromOptions_TwoPins_AreRefusedAsAlternatives()
    {
        var (_, failure) = ReadFaultySecond(Pinned(e => (e.CertificateSha256, e.CaCertificate, e.Subject) =
            (TestPeers.ObserverCertificate.Sha256, Authority.ExportCertificatePem(), "urn:fedreg:node:INTL")));

        Assert.Equal("Federation:Peers:1:CertificateSha256, :CaCertificate are alternatives; pin the peer's TLS certificate one way only.", failure);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("sha256:0011")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg")]
    public void FromOptions_FingerprintThatIsNotSixtyFourHexDigits_IsRefusedNamingTheSetting(string fingerprint)
    {
        var (_, failure) = ReadFaultySecond(Pinned(e => e.CertificateSha256 = fingerprint));

        Assert.Equal($"Federation:Peers:1:CertificateSha256 '{fingerprint}' must be the SHA-256 of the peer's TLS certificate as 64 hex digits (colons allowed), as its GET /v1/node shows.", failure);
    }

    [Theory]
    [InlineData("Certificate")]
    [InlineData("CaCertificate")]
    public void FromOptions_UnreadableCertificate_IsRefusedNamingTheSetting(string setting)
    {
        var entry = Pinned(e =>
        {
            e.Subject = setting == "CaCertificate" ? "urn:fedreg:node:INTL" : null;
            typeof(PeerOptions).GetProperty(setting)!.SetValue(e, "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----");
        });

        var (_, failure) = ReadFaultySecond(entry);

        Assert.StartsWith($"Federation:Peers:1:{setting} cannot be read: ", failure, StringComparison.Ordinal);
        Assert.EndsWith("Give the certificate as PEM (-----BEGIN CERTIFICATE-----) or as base64 of its DER encoding.", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void FromOptions_CaWithoutSubject_OrSubjectWithoutCa_IsRefusedNamingTheSubjectSetting()
    {
        var (_, withoutSubject) = ReadFaultySecond(Pinned(e => e.CaCertificate = Authority.ExportCertificatePem()));
        var (_, withoutCa) = ReadFaultySecond(Pinned(e => e.Subject = "urn:fedreg:node:INTL"));
        var (_, withFingerprint) = ReadFaultySecond(Pinned(e => (e.CertificateSha256, e.Subject) = (TestPeers.ObserverCertificate.Sha256, "CN=INTL")));

        Assert.StartsWith("Federation:Peers:1:Subject is required with Federation:Peers:1:CaCertificate: ", withoutSubject, StringComparison.Ordinal);
        Assert.Contains("urn:fedreg:node:INTL", withoutSubject, StringComparison.Ordinal);
        Assert.Equal("Federation:Peers:1:Subject is set without Federation:Peers:1:CaCertificate; give the CA that issues the peer's certificate with it.", withoutCa);
        Assert.StartsWith("Federation:Peers:1:Subject is only used with Federation:Peers:1:CaCertificate", withFingerprint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("INTL")]
    [InlineData("observer node")]
    public void FromOptions_SubjectThatIsNeitherNameNorUri_IsRefusedNamingTheSetting(string subject)
    {
        var (_, failure) = ReadFaultySecond(Pinned(e => (e.CaCertificate, e.Subject) = (Authority.ExportCertificatePem(), subject)));

        Assert.StartsWith($"Federation:Peers:1:Subject '{subject}' must be a distinguished name such as CN=INTL, O=Authority or an absolute URI such as urn:fedreg:node:INTL", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void FromOptions_PinOfThisNodesOwnCertificate_IsRefused()
    {
        var (_, byFingerprint) = ReadFaultySecond(Pinned(e => e.CertificateSha256 = TestPeers.KenyaCertificate.Sha256));
        var (_, byCertificate) = ReadFaultySecond(Pinned(e => e.Certificate = TestPeers.KenyaCertificate.Certificate.ExportCertificatePem()));

        Assert.Equal("Federation:Peers:1:CertificateSha256 pins this node's own TLS certificate; each node needs its own certificate.", byFingerprint);
        Assert.Equal("Federation:Peers:1:Certificate pins this node's own TLS certificate; each node needs its own certificate.", byCertificate);
    }

    [Fact]
    public void FromOptions_CaAndSubjectThatWouldAcceptThisNodesOwnCertificate_IsRefused()
    {
        using var own = FederatedRegistry.Testing.TestCertificates.Issue(Authority, "CN=KE", "urn:fedreg:node:KE");
        var failures = new List<string>();
        var entry = Pinned(e => (e.CaCertificate, e.Subject) = (Authority.ExportCertificatePem(), "urn:fedreg:node:KE"));

        PeerDirectory.FromOptions([entry], Self, OwnKey, failures, own);

        Assert.Equal(["Federation:Peers:0:Subject pins this node's own TLS certificate; each node needs its own certificate."], failures);
    }

    [Fact]
    public void FromOptions_OneCertificateForTwoPeers_RefusesTheSecondNamingTheFirst()
    {
        var (directory, failure) = ReadFaultySecond(Pinned(e => e.Certificate = TestPeers.FranceCertificate.Certificate.ExportCertificatePem()));

        Assert.Equal("Federation:Peers:1:Certificate pins the certificate of FR too; each peer needs its own certificate.", failure);
        Assert.Equal(["FR"], directory.Peers.Select(p => p.Code));
    }
}
