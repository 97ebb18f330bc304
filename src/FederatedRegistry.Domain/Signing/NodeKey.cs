using System.Collections.Immutable;
using System.Security.Cryptography;

namespace FederatedRegistry.Domain.Signing;

/// <summary>
/// A node's ECDSA P-256 signing key. Generate it once, keep it as PKCS#8 PEM in the node's data directory (or a secret
/// store), and publish <see cref="PublicKey"/> to peers.
/// </summary>
/// <remarks>Safe to share between threads; signing is serialised.</remarks>
public sealed class NodeKey : IDisposable
{
    private const string PemLabel = "PRIVATE KEY";

    private readonly ECDsa _ecdsa;
    private readonly Lock _lock = new();

    private NodeKey(ECDsa ecdsa)
    {
        _ecdsa = ecdsa;
        PublicKey = NodePublicKey.FromEcdsa(ecdsa);
    }

    public NodePublicKey PublicKey { get; }

    /// <summary>The id of <see cref="PublicKey"/>, which envelopes signed with this key name.</summary>
    public string KeyId => PublicKey.KeyId;

    /// <summary>A new random key.</summary>
    public static NodeKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Reads an unencrypted PEM <c>-----BEGIN PRIVATE KEY-----</c> block (PKCS#8), as <see cref="ExportPkcs8Pem"/> writes.</summary>
    /// <exception cref="CryptographicException">The text holds no such block, or not an ECDSA P-256 key.</exception>
    public static NodeKey ImportPkcs8Pem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (!PemEncoding.TryFind(pem, out var fields) || !pem.AsSpan()[fields.Label].SequenceEqual(PemLabel))
        {
            throw new CryptographicException($"The text holds no PEM block labelled {PemLabel} (an unencrypted PKCS#8 private key).");
        }
        var der = Convert.FromBase64String(pem[fields.Base64Data]);
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportPkcs8PrivateKey(der, out var read);
            if (read != der.Length)
            {
                throw new CryptographicException($"{der.Length - read} bytes follow the private key.");
            }
            return new NodeKey(ecdsa);
        }
        catch
        {
            ecdsa.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }

    /// <summary>The private key as an unencrypted PEM <c>PRIVATE KEY</c> block (PKCS#8). Store it where only the node can read it.</summary>
    public string ExportPkcs8Pem()
    {
        lock (_lock)
        {
            return _ecdsa.ExportPkcs8PrivateKeyPem();
        }
    }

    /// <summary>
    /// ECDSA signature of the SHA-256 of <paramref name="data"/>, in IEEE P1363 form (r then s, 32 bytes each), which
    /// has one length whatever the values, unlike DER.
    /// </summary>
    public byte[] SignData(ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            return _ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
    }

    /// <summary>
    /// Signs a payload as this node: the envelope names <paramref name="origin"/>, the policy version that allowed the
    /// payload to leave, the time (rounded down to the microsecond, as it is encoded), the origin's next sequence number,
    /// and this key's id.
    /// </summary>
    /// <param name="origin">This node's code.</param>
    /// <param name="policyVersion">The sharing policy version that allowed the payload to leave.</param>
    /// <param name="issuedAt">Now, by the node's clock.</param>
    /// <param name="sequence">The origin's next number, never reused: keep the counter durable (see <see cref="ReplayGuard"/>).</param>
    /// <param name="payloadType">What the payload is (<see cref="SignedEnvelope.PayloadTypeDescription"/>).</param>
    /// <param name="payload">The payload; protobuf or other bytes as <see cref="CanonicalBytes"/>.</param>
    /// <exception cref="ArgumentException">A field breaks the envelope's rules; the message names every one.</exception>
    public SignedEnvelope Sign(string origin, long policyVersion, DateTimeOffset issuedAt, long sequence, string payloadType, CanonicalValue payload)
    {
        var unsigned = new SignedEnvelope(
            origin, policyVersion, CanonicalEncoding.ToMicroseconds(issuedAt), sequence, payloadType, payload, KeyId,
            ImmutableArray.Create(new byte[NodePublicKey.SignatureLength]));
        var violations = unsigned.Validate();
        if (violations.Count > 0)
        {
            throw new ArgumentException("The envelope cannot be signed: " + string.Join("; ", violations));
        }
        return unsigned with { Signature = [.. SignData(unsigned.SigningInput())] };
    }

    public void Dispose() => _ecdsa.Dispose();
}
