using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FederatedRegistry.Federation;
using FederatedRegistry.Grains;
using Microsoft.Extensions.Options;

namespace FederatedRegistry.Node.Hosting;

/// <summary>The node's TLS certificate for the federation endpoint. Bound from "Federation:Certificate".</summary>
public sealed class CertificateOptions
{
    /// <summary>
    /// A PEM certificate (its key in <see cref="KeyPath"/>, or in the same file) or a PKCS#12 file (.pfx, .p12) with its
    /// key. Unset: a self-signed certificate generated into Node:DataDirectory on first start and kept.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>The PEM private key of a PEM certificate, when it is not in the certificate's file.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The password of a PKCS#12 file, or of an encrypted PEM private key.</summary>
    public string? Password { get; set; }
}

/// <summary>Reads the node's TLS certificate from its configured files, or generates the default one into the data directory.</summary>
internal static class NodeCertificates
{
    /// <summary>The generated certificate's file under Node:DataDirectory.</summary>
    public const string DefaultCertificateFileName = "federation-cert.pem";

    /// <summary>The generated certificate's private key under Node:DataDirectory (mode 0600).</summary>
    public const string DefaultKeyFileName = "federation-key.pem";

    /// <summary>How long a generated certificate is valid: peers pin it, so it should not need replacing while the node runs.</summary>
    public static readonly TimeSpan GeneratedValidity = TimeSpan.FromDays(10 * 365);

    /// <summary>
    /// The certificate kept in <paramref name="dataDirectory"/> (generated there on first use), as a node with that data
    /// directory and no Federation:Certificate:Path would use: how the demo and the tests learn nodes' fingerprints first.
    /// </summary>
    /// <exception cref="OptionsValidationException">The files cannot be read or written.</exception>
    public static NodeCertificate LoadDefault(string dataDirectory, string code)
    {
        var failures = new List<string>();
        var certificate = Load(new CertificateOptions(), new NodeOptions { DataDirectory = dataDirectory, Code = code }, DateTimeOffset.UtcNow, failures);
        return certificate ?? throw new OptionsValidationException(nameof(FederationOptions), typeof(FederationOptions), failures);
    }

    /// <summary>The configured certificate, or the default one (generated when missing); null with sentences in <paramref name="failures"/> when unusable.</summary>
    public static NodeCertificate? Load(CertificateOptions options, NodeOptions node, DateTimeOffset now, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            if (!string.IsNullOrWhiteSpace(options.KeyPath) || !string.IsNullOrEmpty(options.Password))
            {
                failures.Add("Federation:Certificate:KeyPath and :Password are only used with Federation:Certificate:Path; set the certificate's path too, or neither to generate one under Node:DataDirectory.");
                return null;
            }
            return LoadOrGenerateDefault(node, now, failures);
        }
        var path = System.IO.Path.GetFullPath(options.Path);
        var name = $"Federation:Certificate:Path '{path}'";
        if (!File.Exists(path))
        {
            failures.Add($"{name} does not exist: give the node's TLS certificate (PEM, with its key in the same file or in Federation:Certificate:KeyPath, or PKCS#12 with Federation:Certificate:Password), or leave it unset to generate one under Node:DataDirectory.");
            return null;
        }
        var keyPath = string.IsNullOrWhiteSpace(options.KeyPath) ? null : System.IO.Path.GetFullPath(options.KeyPath);
        if (keyPath is not null && !File.Exists(keyPath))
        {
            failures.Add($"Federation:Certificate:KeyPath '{keyPath}' does not exist: give the PEM private key of the certificate in Federation:Certificate:Path.");
            return null;
        }
        var isPkcs12 = System.IO.Path.GetExtension(path).ToLowerInvariant() is ".pfx" or ".p12";
        if (isPkcs12 && keyPath is not null)
        {
            failures.Add($"Federation:Certificate:KeyPath is set, but {name} is a PKCS#12 file, which holds its own key; leave Federation:Certificate:KeyPath unset.");
            return null;
        }
        X509Certificate2 certificate;
        var intermediates = new X509Certificate2Collection();
        try
        {
            certificate = isPkcs12
                ? X509CertificateLoader.LoadPkcs12FromFile(path, options.Password)
                : string.IsNullOrEmpty(options.Password)
                    ? X509Certificate2.CreateFromPemFile(path, keyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, options.Password, keyPath);
            // Any other certificates in the file are the chain to present with it (leaf first, then its CAs, as usual).
            var all = isPkcs12 ? X509CertificateLoader.LoadPkcs12CollectionFromFile(path, options.Password) : PemCertificates(path);
            foreach (var other in all)
            {
                if (other.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span))
                {
                    other.Dispose();
                }
                else
                {
                    intermediates.Add(other);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            failures.Add($"{name} cannot be used as the node's TLS certificate: {e.Message.TrimEnd('.')}. It must be a PEM certificate with its private key (in the file or in Federation:Certificate:KeyPath), or a PKCS#12 file with Federation:Certificate:Password.");
            return null;
        }
        return Checked(certificate, intermediates, name, "renew it, and give its new SHA-256 to the peers that pin it", now, failures);
    }

    private static X509Certificate2Collection PemCertificates(string path)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(path);
        return certificates;
    }

    private static NodeCertificate? LoadOrGenerateDefault(NodeOptions node, DateTimeOffset now, List<string> failures)
    {
        var directory = System.IO.Path.GetFullPath(node.DataDirectory);
        var path = System.IO.Path.Combine(directory, DefaultCertificateFileName);
        var keyPath = System.IO.Path.Combine(directory, DefaultKeyFileName);
        var name = $"The node's TLS certificate '{path}' (the default, as Federation:Certificate:Path is unset)";
        var (haveCertificate, haveKey) = (File.Exists(path), File.Exists(keyPath));
        if (!haveCertificate && !haveKey)
        {
            return Generate(node.Code, path, keyPath, name, now, failures);
        }
        if (haveCertificate != haveKey)
        {
            failures.Add($"{name} is incomplete: '{(haveCertificate ? keyPath : path)}' is missing. Delete '{(haveCertificate ? path : keyPath)}' to have a new certificate generated (peers must then pin its new SHA-256).");
            return null;
        }
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(path, keyPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            failures.Add($"{name} cannot be used: {e.Message.TrimEnd('.')}. Delete it and '{keyPath}' to have a new one generated (peers must then pin its new SHA-256).");
            return null;
        }
        return Checked(certificate, [], name, $"delete it and '{keyPath}' to have a new one generated (peers must then pin its new SHA-256)", now, failures);
    }

    private static NodeCertificate? Generate(string code, string path, string keyPath, string name, DateTimeOffset now, List<string> failures)
    {
        // An hour back: a peer whose clock is a little behind still finds the new certificate valid.
        using var certificate = NodeCertificate.CreateSelfSigned(code, now.AddHours(-1), now + GeneratedValidity);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            // The key first and never overwritten: a node starting twice on one directory must not swap it under the other.
            WriteNew(keyPath, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(), secret: true);
            WriteNew(path, certificate.ExportCertificatePem(), secret: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failures.Add($"{name} could not be generated: {e.Message.TrimEnd('.')}.");
            return null;
        }
        return new NodeCertificate(X509Certificate2.CreateFromPemFile(path, keyPath));
    }

    private static void WriteNew(string path, string text, bool secret)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (secret && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var file = new StreamWriter(path, options);
        file.Write(text);
    }

    private static NodeCertificate? Checked(X509Certificate2 certificate, X509Certificate2Collection intermediates, string name, string remedy,
        DateTimeOffset now, List<string> failures)
    {
        if (!certificate.HasPrivateKey)
        {
            Dispose(certificate, intermediates);
            failures.Add($"{name} holds no private key: give it in the same file or in Federation:Certificate:KeyPath (or use a PKCS#12 file with its key).");
            return null;
        }
        var notBefore = new DateTimeOffset(certificate.NotBefore);
        var notAfter = new DateTimeOffset(certificate.NotAfter);
        if (now > notAfter || now < notBefore)
        {
            Dispose(certificate, intermediates);
            // Peers refuse a certificate outside its validity: starting with one would only fail every federation call.
            failures.Add(now > notAfter
                ? $"{name} expired on {notAfter.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}: {remedy}."
                : $"{name} is not valid before {notBefore.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}.");
            return null;
        }
        return new NodeCertificate(certificate, intermediates);
    }

    private static void Dispose(X509Certificate2 certificate, X509Certificate2Collection intermediates)
    {
        certificate.Dispose();
        foreach (var intermediate in intermediates)
        {
            intermediate.Dispose();
        }
    }
}
