using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FederatedRegistry.Testing;

/// <summary>Certificates for TLS tests: a CA of one's own, and certificates it issues with chosen subjects and validity.</summary>
public static class TestCertificates
{
    /// <summary>A self-signed CA (ECDSA P-256) with its private key, valid from two years ago for twenty years.</summary>
    public static X509Certificate2 Authority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + name), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddYears(-2), DateTimeOffset.UtcNow.AddYears(18));
    }

    /// <summary>An intermediate CA issued by <paramref name="authority"/>, with its private key, valid for ten years.</summary>
    public static X509Certificate2 Intermediate(X509Certificate2 authority, string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + name), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var issued = request.Create(authority, DateTimeOffset.UtcNow.AddYears(-1), DateTimeOffset.UtcNow.AddYears(10), RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>
    /// A TLS server and client certificate issued by <paramref name="authority"/> to <paramref name="subject"/> (a
    /// distinguished name), with <paramref name="uri"/> as a subject alternative name when given, and its private key.
    /// </summary>
    public static X509Certificate2 Issue(X509Certificate2 authority, string subject, string? uri, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName(subject), key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        if (uri is not null)
        {
            names.AddUri(new Uri(uri));
        }
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var issued = request.Create(authority, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Issued now, valid for a year.</summary>
    public static X509Certificate2 Issue(X509Certificate2 authority, string subject, string? uri = null) =>
        Issue(authority, subject, uri, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddYears(1));
}
