using System.Formats.Asn1;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FederatedRegistry.Federation;

/// <summary>How a TLS certificate compares with one peer's pin.</summary>
public enum PinMatch
{
    /// <summary>The certificate is not the one this pin names (another fingerprint, issuer or subject).</summary>
    NotThisPeer,

    /// <summary>The certificate is the peer's and valid now.</summary>
    Accepted,

    /// <summary>The certificate is the peer's, but not usable: expired, not yet valid, or its chain does not hold.</summary>
    Refused,
}

/// <summary>The outcome of checking a certificate against a pin; <see cref="Reason"/> says why when it is not accepted.</summary>
public readonly record struct PinVerdict(PinMatch Match, string Reason)
{
    public static PinVerdict Accepted { get; } = new(PinMatch.Accepted, "");
}

/// <summary>
/// How this node recognises one peer's TLS certificate: by its SHA-256 fingerprint, or as issued by a pinned CA to a
/// given subject. Never through the system trust store: that a public CA vouches for a certificate makes no node a peer.
/// </summary>
public sealed class PeerCertificatePin
{
    private const string SubjectAlternativeNameOid = "2.5.29.17";

    private readonly byte[]? _sha256;
    private readonly X509Certificate2? _authority;
    private readonly string _subject = "";
    private readonly string _subjectAsGiven = "";
    private readonly bool _subjectIsUri;

    private PeerCertificatePin(byte[]? sha256, X509Certificate2? authority, string subject, string subjectAsGiven, bool subjectIsUri)
    {
        _sha256 = sha256;
        _authority = authority;
        _subject = subject;
        _subjectAsGiven = subjectAsGiven;
        _subjectIsUri = subjectIsUri;
    }

    /// <summary>Pins the certificate whose SHA-256 (of its DER encoding) is <paramref name="fingerprint"/>.</summary>
    public static PeerCertificatePin Sha256(ReadOnlySpan<byte> fingerprint) =>
        fingerprint.Length == SHA256.HashSizeInBytes
            ? new(fingerprint.ToArray(), null, "", "", false)
            : throw new ArgumentException($"A SHA-256 fingerprint has {SHA256.HashSizeInBytes} bytes.", nameof(fingerprint));

    /// <summary>Pins exactly <paramref name="certificate"/>.</summary>
    public static PeerCertificatePin Of(X509Certificate2 certificate) => Sha256(Fingerprint(certificate));

    /// <summary>
    /// Pins any certificate that chains to <paramref name="authority"/> and carries <paramref name="subject"/>: a
    /// distinguished name (<c>CN=FR, O=...</c>) equal to its subject, or a URI (<c>urn:fedreg:node:FR</c>) among its
    /// subject alternative names.
    /// </summary>
    /// <exception cref="ArgumentException">The subject is neither a distinguished name nor an absolute URI.</exception>
    public static PeerCertificatePin Authority(X509Certificate2 authority, string subject)
    {
        ArgumentNullException.ThrowIfNull(authority);
        return TryReadSubject(subject, out var normalized, out var isUri)
            ? new(null, authority, normalized, subject.Trim(), isUri)
            : throw new ArgumentException($"'{subject}' is neither a distinguished name nor an absolute URI.", nameof(subject));
    }

    /// <summary>The pinned fingerprint as 64 lowercase hex digits; empty for a CA pin.</summary>
    public string FingerprintHex => _sha256 is null ? "" : Convert.ToHexStringLower(_sha256);

    /// <summary>Whether the certificate is the pinned peer's and valid at <paramref name="now"/>.</summary>
    /// <param name="certificate">The certificate the peer presented.</param>
    /// <param name="now">The time to check its validity at.</param>
    /// <param name="intermediates">Further certificates the peer sent (intermediate CAs), for a CA pin.</param>
    public PinVerdict Check(X509Certificate2 certificate, DateTimeOffset now, X509Certificate2Collection? intermediates = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (_sha256 is not null)
        {
            if (!CryptographicOperations.FixedTimeEquals(Fingerprint(certificate), _sha256))
            {
                return new(PinMatch.NotThisPeer, "its SHA-256 is not the pinned one");
            }
            return Dates(certificate, now) is { } outOfDate ? new(PinMatch.Refused, outOfDate) : PinVerdict.Accepted;
        }
        if (!HasSubject(certificate))
        {
            return new(PinMatch.NotThisPeer, $"it does not carry the pinned subject '{_subjectAsGiven}'");
        }
        if (Dates(certificate, now) is { } invalid)
        {
            return new(PinMatch.Refused, invalid);
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_authority!);
        // A federation CA publishes no revocation lists the node could reach; a peer is withdrawn by removing its pin.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (intermediates is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        }
        if (!chain.Build(certificate))
        {
            var status = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
            return new(PinMatch.Refused, $"it does not chain to the pinned CA '{_authority!.Subject}' ({status})");
        }
        var root = chain.ChainElements[^1].Certificate;
        return root.RawDataMemory.Span.SequenceEqual(_authority!.RawDataMemory.Span)
            ? PinVerdict.Accepted
            : new(PinMatch.Refused, $"it does not chain to the pinned CA '{_authority.Subject}'");
    }

    /// <summary>True when both pins accept the same certificates (the same fingerprint, or the same CA and subject).</summary>
    public bool SamePinAs(PeerCertificatePin other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (_sha256 is not null || other._sha256 is not null)
        {
            return _sha256 is not null && other._sha256 is not null && _sha256.AsSpan().SequenceEqual(other._sha256);
        }
        return _subject == other._subject && _authority!.RawDataMemory.Span.SequenceEqual(other._authority!.RawDataMemory.Span);
    }

    public override string ToString() => _sha256 is not null
        ? "SHA-256 " + FingerprintHex
        : $"CA '{_authority!.Subject}' and subject '{_subjectAsGiven}'";

    /// <summary>The SHA-256 of the certificate's DER encoding: what operators pin and <c>GET /v1/node</c> shows.</summary>
    public static byte[] Fingerprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return SHA256.HashData(certificate.RawDataMemory.Span);
    }

    /// <summary>Reads a fingerprint written as 64 hex digits, in either case, optionally in pairs separated by colons (as openssl prints it).</summary>
    public static bool TryParseFingerprint(string? text, out byte[] fingerprint)
    {
        fingerprint = [];
        var digits = (text ?? "").Trim().Replace(":", "", StringComparison.Ordinal);
        if (digits.Length != 2 * SHA256.HashSizeInBytes || !digits.All(char.IsAsciiHexDigit))
        {
            return false;
        }
        fingerprint = Convert.FromHexString(digits);
        return true;
    }

    /// <summary>
    /// Reads a pinned subject: a distinguished name when it contains '=' (normalised to its attribute types and values in
    /// order, so that spacing and string encodings do not matter), otherwise an absolute URI to find among the subject
    /// alternative names.
    /// </summary>
    public static bool TryReadSubject(string? subject, out string normalized, out bool isUri)
    {
        normalized = "";
        isUri = false;
        var text = (subject ?? "").Trim();
        if (text.Length == 0)
        {
            return false;
        }
        if (text.Contains('=', StringComparison.Ordinal))
        {
            try
            {
                normalized = CanonicalName(new X500DistinguishedName(text));
                return normalized.Length > 0;
            }
            catch (CryptographicException)
            {
                return false;
            }
        }
        if (Uri.TryCreate(text, UriKind.Absolute, out _))
        {
            normalized = text;
            isUri = true;
            return true;
        }
        return false;
    }

    /// <summary>The URIs among the certificate's subject alternative names (such as <c>urn:fedreg:node:KE</c>).</summary>
    public static IReadOnlyList<string> SubjectUris(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var uris = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != SubjectAlternativeNameOid)
            {
                continue;
            }
            try
            {
                // GeneralNames ::= SEQUENCE OF GeneralName; uniformResourceIdentifier is [6] IA5String (RFC 5280 4.2.1.6).
                var names = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
                var uriTag = new Asn1Tag(TagClass.ContextSpecific, 6);
                while (names.HasData)
                {
                    if (names.PeekTag() == uriTag)
                    {
                        uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, uriTag));
                    }
                    else
                    {
                        names.ReadEncodedValue();
                    }
                }
            }
            catch (AsnContentException)
            {
                // A malformed extension names nothing.
            }
        }
        return uris;
    }

    private bool HasSubject(X509Certificate2 certificate) => _subjectIsUri
        ? SubjectUris(certificate).Contains(_subject, StringComparer.Ordinal)
        : string.Equals(CanonicalName(certificate.SubjectName), _subject, StringComparison.Ordinal);

    private static string CanonicalName(X500DistinguishedName name) => string.Join('\n', name.EnumerateRelativeDistinguishedNames().Select(rdn =>
        rdn.HasMultipleElements ? Convert.ToHexString(rdn.RawData.Span) : $"{rdn.GetSingleElementType().Value}={rdn.GetSingleElementValue()}"));

    private static string? Dates(X509Certificate2 certificate, DateTimeOffset now)
    {
        var notBefore = new DateTimeOffset(certificate.NotBefore);
        var notAfter = new DateTimeOffset(certificate.NotAfter);
        if (now < notBefore)
        {
            return "it is not valid before " + notBefore.UtcDateTime.ToString("u", CultureInfo.InvariantCulture);
        }
        return now > notAfter ? "it expired on " + notAfter.UtcDateTime.ToString("u", CultureInfo.InvariantCulture) : null;
    }
}

/// <summary>
/// This node's TLS certificate with its private key: it presents it as the server of its federation endpoint and as the
/// client when it calls peers, and peers pin it.
/// </summary>
public sealed class NodeCertificate : IDisposable
{
    /// <summary>The subject alternative name URI of a node's generated certificate: this prefix and the node code.</summary>
    public const string UriPrefix = "urn:fedreg:node:";

    /// <param name="certificate">The certificate with its private key; this object takes it over.</param>
    /// <param name="intermediates">
    /// The CA certificates between it and its root, sent with it in every handshake so that a peer pinning the root
    /// (CaCertificate) can build the chain; none for a self-signed certificate.
    /// </param>
    /// <exception cref="ArgumentException">The certificate has no private key.</exception>
    public NodeCertificate(X509Certificate2 certificate, X509Certificate2Collection? intermediates = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("The node's certificate needs its private key.", nameof(certificate));
        }
        // Through PKCS#12 so that the key is one TLS can use on every platform (a key imported from PEM is ephemeral,
        // which Windows' TLS refuses); the exported bytes never leave memory.
        var pkcs12 = certificate.Export(X509ContentType.Pkcs12);
        try
        {
            Certificate = X509CertificateLoader.LoadPkcs12(pkcs12, null);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs12);
            certificate.Dispose();
        }
        Sha256 = Convert.ToHexStringLower(PeerCertificatePin.Fingerprint(Certificate));
        Intermediates = intermediates ?? [];
        // Offline: the chain is what was configured, not what the machine's stores or the network might add.
        Context = SslStreamCertificateContext.Create(Certificate, Intermediates, offline: true);
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The CA certificates sent along with <see cref="Certificate"/>; empty for a self-signed one.</summary>
    public X509Certificate2Collection Intermediates { get; }

    /// <summary>The certificate and its intermediates, as TLS presents them.</summary>
    public SslStreamCertificateContext Context { get; }

    /// <summary>The certificate's SHA-256 as 64 lowercase hex digits: what peers pin as CertificateSha256.</summary>
    public string Sha256 { get; }

    /// <summary>
    /// A self-signed ECDSA P-256 certificate for node <paramref name="code"/>: subject CN=code, subject alternative
    /// names <c>urn:fedreg:node:CODE</c>, localhost, 127.0.0.1 and ::1, usable as TLS server and client.
    /// </summary>
    public static X509Certificate2 CreateSelfSigned(string code, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + code), key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddUri(new Uri(UriPrefix + code));
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication"), new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(notBefore, notAfter);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        foreach (var intermediate in Intermediates)
        {
            intermediate.Dispose();
        }
    }
}
