using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Cryptography;

namespace FederatedRegistry.Domain.Signing;

/// <summary>
/// A node's ECDSA P-256 public key, as a peer directory holds it. Its <see cref="KeyId"/> is the base64url SHA-256
/// of its SubjectPublicKeyInfo (DER), so anyone holding the key computes the same id.
/// </summary>
/// <remarks>Immutable and safe to share between threads.</remarks>
public sealed class NodePublicKey : IEquatable<NodePublicKey>
{
    /// <summary>The OID of the NIST P-256 curve (secp256r1, prime256v1).</summary>
    public const string P256Oid = "1.2.840.10045.3.1.7";

    /// <summary>Length of a key id: 32 bytes in unpadded base64url.</summary>
    public const int KeyIdLength = 43;

    /// <summary>Length of a signature in IEEE P1363 form: r and s, 32 bytes each.</summary>
    public const int SignatureLength = 64;

    private const string PemLabel = "PUBLIC KEY";

    // At most one instance per thread that verified at once; released with the key.
    private readonly ConcurrentBag<ECDsa> _verifiers = [];

    private NodePublicKey(byte[] spki)
    {
        SubjectPublicKeyInfo = [.. spki];
        KeyId = KeyIdOf(spki);
    }

    /// <summary>The key as DER SubjectPublicKeyInfo, in the one form .NET exports (named curve, uncompressed point).</summary>
    public ImmutableArray<byte> SubjectPublicKeyInfo { get; }

    /// <summary>Base64url (no padding) of the SHA-256 of <see cref="SubjectPublicKeyInfo"/>: 43 characters.</summary>
    public string KeyId { get; }

    /// <summary>The key id of a DER SubjectPublicKeyInfo, without parsing it.</summary>
    public static string KeyIdOf(ReadOnlySpan<byte> subjectPublicKeyInfo) => Base64Url.EncodeToString(SHA256.HashData(subjectPublicKeyInfo));

    /// <summary>True when <paramref name="keyId"/> has the shape of a key id (43 base64url characters).</summary>
    public static bool IsKeyId(string? keyId) =>
        keyId is { Length: KeyIdLength } && Base64Url.IsValid(keyId, out var length) && length == 32;

    /// <summary>Reads a DER SubjectPublicKeyInfo.</summary>
    /// <exception cref="CryptographicException">The bytes are not exactly one ECDSA P-256 public key.</exception>
    public static NodePublicKey FromSubjectPublicKeyInfo(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
        if (read != subjectPublicKeyInfo.Length)
        {
            throw new CryptographicException($"{subjectPublicKeyInfo.Length - read} bytes follow the public key.");
        }
        return FromEcdsa(ecdsa);
    }

    /// <summary>Reads a PEM <c>-----BEGIN PUBLIC KEY-----</c> block (SubjectPublicKeyInfo).</summary>
    /// <exception cref="CryptographicException">The text holds no such block, or not an ECDSA P-256 key.</exception>
    public static NodePublicKey FromPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (!PemEncoding.TryFind(pem, out var fields) || !pem.AsSpan()[fields.Label].SequenceEqual(PemLabel))
        {
            throw new CryptographicException($"The text holds no PEM block labelled {PemLabel}.");
        }
        return FromSubjectPublicKeyInfo(Convert.FromBase64String(pem[fields.Base64Data]));
    }

    /// <summary>Reads the standard base64 of a DER SubjectPublicKeyInfo (what <see cref="ToBase64"/> writes).</summary>
    /// <exception cref="CryptographicException">The text is not base64 of an ECDSA P-256 public key.</exception>
    public static NodePublicKey FromBase64(string base64)
    {
        ArgumentNullException.ThrowIfNull(base64);
        byte[] der;
        try
        {
            der = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException e)
        {
            throw new CryptographicException("The public key is not base64.", e);
        }
        return FromSubjectPublicKeyInfo(der);
    }

    /// <summary>Reads a key as configuration gives it: a PEM block or base64 SubjectPublicKeyInfo.</summary>
    /// <exception cref="CryptographicException">The text is neither, or not an ECDSA P-256 key.</exception>
    public static NodePublicKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Contains("-----BEGIN", StringComparison.Ordinal) ? FromPem(text) : FromBase64(text);
    }

    internal static NodePublicKey FromEcdsa(ECDsa ecdsa)
    {
        var parameters = ecdsa.ExportParameters(includePrivateParameters: false);
        if (!parameters.Curve.IsNamed || parameters.Curve.Oid.Value != P256Oid)
        {
            throw new CryptographicException(
                $"The key is on curve {parameters.Curve.Oid.FriendlyName ?? parameters.Curve.Oid.Value ?? "(unnamed)"}; node keys are ECDSA P-256.");
        }
        return new NodePublicKey(ecdsa.ExportSubjectPublicKeyInfo());
    }

    /// <summary>The key as a PEM <c>PUBLIC KEY</c> block.</summary>
    public string ToPem() => PemEncoding.WriteString(PemLabel, SubjectPublicKeyInfo.AsSpan());

    /// <summary>The DER SubjectPublicKeyInfo in standard base64, on one line (for configuration files).</summary>
    public string ToBase64() => Convert.ToBase64String(SubjectPublicKeyInfo.AsSpan());

    /// <summary>
    /// True when <paramref name="signature"/> (IEEE P1363, 64 bytes) is this key's ECDSA signature of the SHA-256 of
    /// <paramref name="data"/>. False for any other signature, including one of another length.
    /// </summary>
    public bool VerifyData(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureLength)
        {
            return false;
        }
        // Importing the key costs about twice the verification itself (OpenSSL checks the point), and every federation
        // message is verified: imported instances are kept and reused, each by one caller at a time, because ECDsa
        // objects are not documented as safe to share between threads.
        if (!_verifiers.TryTake(out var ecdsa))
        {
            ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(SubjectPublicKeyInfo.AsSpan(), out _);
        }
        try
        {
            return ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        finally
        {
            _verifiers.Add(ecdsa);
        }
    }

    public bool Equals(NodePublicKey? other) => other is not null && other.SubjectPublicKeyInfo.AsSpan().SequenceEqual(SubjectPublicKeyInfo.AsSpan());

    public override bool Equals(object? obj) => Equals(obj as NodePublicKey);

    public override int GetHashCode() => string.GetHashCode(KeyId, StringComparison.Ordinal);

    public override string ToString() => $"P-256 key {KeyId}";
}
