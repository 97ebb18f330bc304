using System.Security.Cryptography;
using FederatedRegistry.Domain.Signing;

namespace FederatedRegistry.Domain.Tests.Signing;

public sealed class NodeKeyTests
{
    private static readonly byte[] Data = "what the node says"u8.ToArray();

    [Fact]
    public void KeyId_IsTheUnpaddedBase64UrlSha256OfTheSubjectPublicKeyInfo()
    {
        using var key = NodeKey.Generate();
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(Convert.FromBase64String(string.Concat(key.ExportPkcs8Pem().Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)))), out _);

        var expected = Convert.ToBase64String(SHA256.HashData(ecdsa.ExportSubjectPublicKeyInfo())).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        Assert.Equal(expected, key.KeyId);
        Assert.Equal(NodePublicKey.KeyIdLength, key.KeyId.Length);
        Assert.True(NodePublicKey.IsKeyId(key.KeyId));
    }

    [Fact]
    public void ExportPkcs8Pem_ThenImport_GivesAKeyWhoseSignaturesTheOriginalPublicKeyVerifies()
    {
        using var key = NodeKey.Generate();

        var pem = key.ExportPkcs8Pem();
        using var imported = NodeKey.ImportPkcs8Pem(pem);

        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", pem, StringComparison.Ordinal);
        Assert.Equal(key.PublicKey, imported.PublicKey);
        Assert.True(key.PublicKey.VerifyData(Data, imported.SignData(Data)));
    }

    [Fact]
    public void PublicKey_AsPemOrBase64_ReadsBackToTheSameKey()
    {
        var key = SigningFixtures.Kenya.PublicKey;

        var fromPem = NodePublicKey.FromPem(key.ToPem());
        var fromBase64 = NodePublicKey.FromBase64(key.ToBase64());
        var parsed = NodePublicKey.Parse("  " + key.ToBase64() + "\n");

        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", key.ToPem(), StringComparison.Ordinal);
        Assert.Equal(key, fromPem);
        Assert.Equal(key, fromBase64);
        Assert.Equal(key, parsed);
        Assert.Equal(key.KeyId, NodePublicKey.Parse(key.ToPem()).KeyId);
    }

    [Fact]
    public void SignData_GivesA64ByteP1363SignatureThatVerifiesOnlyForTheSameData()
    {
        var signature = SigningFixtures.Kenya.SignData(Data);

        Assert.Equal(NodePublicKey.SignatureLength, signature.Length);
        Assert.True(SigningFixtures.Kenya.PublicKey.VerifyData(Data, signature));
        Assert.False(SigningFixtures.Kenya.PublicKey.VerifyData([.. Data, 0], signature));
        Assert.False(SigningFixtures.France.PublicKey.VerifyData(Data, signature));
        Assert.False(SigningFixtures.Kenya.PublicKey.VerifyData(Data, signature[..63]));
    }

    [Fact]
    public void ImportPkcs8Pem_OfAP384Key_IsRefusedNamingTheCurve()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var error = Assert.Throws<CryptographicException>(() => NodeKey.ImportPkcs8Pem(p384.ExportPkcs8PrivateKeyPem()));

        Assert.Contains("node keys are ECDSA P-256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ImportPkcs8Pem_OfAnRsaKeyOrAPublicKeyOrGarbage_IsRefused()
    {
        using var rsa = RSA.Create(2048);

        Assert.ThrowsAny<CryptographicException>(() => NodeKey.ImportPkcs8Pem(rsa.ExportPkcs8PrivateKeyPem()));
        Assert.Contains("PRIVATE KEY", Assert.ThrowsAny<CryptographicException>(() => NodeKey.ImportPkcs8Pem(SigningFixtures.Kenya.PublicKey.ToPem())).Message, StringComparison.Ordinal);
        Assert.ThrowsAny<CryptographicException>(() => NodeKey.ImportPkcs8Pem("not a key"));
    }

    [Fact]
    public void PublicKey_OfAnotherCurveOrAlgorithm_IsRefused()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var rsa = RSA.Create(2048);

        Assert.Contains("P-256", Assert.ThrowsAny<CryptographicException>(() => NodePublicKey.FromSubjectPublicKeyInfo(p384.ExportSubjectPublicKeyInfo())).Message, StringComparison.Ordinal);
        Assert.ThrowsAny<CryptographicException>(() => NodePublicKey.FromSubjectPublicKeyInfo(rsa.ExportSubjectPublicKeyInfo()));
        Assert.ThrowsAny<CryptographicException>(() => NodePublicKey.FromBase64("not base64!"));
        Assert.ThrowsAny<CryptographicException>(() => NodePublicKey.FromPem(SigningFixtures.Kenya.ExportPkcs8Pem()));
    }

    [Fact]
    public void PublicKey_WithBytesAfterTheKey_IsRefused()
    {
        byte[] der = [.. SigningFixtures.Kenya.PublicKey.SubjectPublicKeyInfo, 0];

        Assert.ThrowsAny<CryptographicException>(() => NodePublicKey.FromSubjectPublicKeyInfo(der));
    }

    /// <summary>A compressed point is the same key; it gets the same id because the id is over the exported (uncompressed) form.</summary>
    [Fact]
    public void PublicKey_GivenAsACompressedPoint_HasTheSameKeyIdAsTheUncompressedForm()
    {
        var spki = SigningFixtures.Kenya.PublicKey.SubjectPublicKeyInfo.ToArray();
        var point = spki[^65..];
        // SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING { 0x02|0x03 || X } }
        byte[] compressed =
        [
            0x30, 0x39, .. spki[2..(2 + 0x15)], 0x03, 0x22, 0x00, (byte)(0x02 | (point[64] & 1)), .. point[1..33],
        ];

        NodePublicKey key;
        try
        {
            key = NodePublicKey.FromSubjectPublicKeyInfo(compressed);
        }
        catch (CryptographicException)
        {
            return; // A platform without point decompression refuses it, which is also safe.
        }

        Assert.Equal(SigningFixtures.Kenya.KeyId, key.KeyId);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("abc", false)]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", true)]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", false)]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+", false)]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", false)]
    public void IsKeyId_AcceptsOnly43Base64UrlCharactersOf32Bytes(string? keyId, bool expected) =>
        Assert.Equal(expected, NodePublicKey.IsKeyId(keyId));

    [Fact]
    public void Sign_ConcurrentlyFromManyThreads_GivesSignaturesThatAllVerify()
    {
        var envelopes = new SignedEnvelope[200];

        Parallel.For(0, envelopes.Length, i => envelopes[i] = SigningFixtures.Summary(sequence: i + 1));

        Assert.All(envelopes, e => Assert.True(SigningFixtures.Verifier().Verify(e).IsAccepted));
    }
}
