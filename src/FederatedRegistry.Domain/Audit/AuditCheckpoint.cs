using System.Collections.Immutable;
using FederatedRegistry.Domain.Signing;

namespace FederatedRegistry.Domain.Audit;

/// <summary>
/// A node's signed statement that its audit log had <see cref="Size"/> entries, the last of which hashed to
/// <see cref="HeadHash"/>, at <see cref="At"/>. Whoever keeps a checkpoint can later prove that the node did not
/// rewrite any of those entries: the chain from entry 1 (or from an earlier checkpoint) must still lead to the same head.
/// </summary>
/// <remarks>
/// The signature is the node key's ECDSA P-256 signature (<see cref="NodeKey.SignData"/>, IEEE P1363) over
/// <see cref="SigningInput"/>: the canonical encoding of the map of every field but the signature, under
/// <c>"format": "fedreg.audit-checkpoint/v1"</c>.
/// </remarks>
/// <param name="NodeCode">The node whose log this is.</param>
/// <param name="Size">How many entries the log had (1 or more): the sequence number of the head entry.</param>
/// <param name="HeadHash">The entry hash of entry <paramref name="Size"/>, 32 bytes.</param>
/// <param name="At">When the node signed, in whole microseconds.</param>
/// <param name="KeyId">The id of the key that signed (<see cref="NodePublicKey.KeyId"/>).</param>
/// <param name="Signature">The signature, 64 bytes.</param>
public sealed record AuditCheckpoint(
    string NodeCode,
    long Size,
    ImmutableArray<byte> HeadHash,
    DateTimeOffset At,
    string KeyId,
    ImmutableArray<byte> Signature)
{
    /// <summary>The value of the <c>format</c> field of the signed map.</summary>
    public const string Format = "fedreg.audit-checkpoint/v1";

    /// <summary>Signs a checkpoint of the log whose entry <paramref name="size"/> hashed to <paramref name="headHash"/>.</summary>
    /// <exception cref="ArgumentException">The size is below 1, the head hash is not 32 bytes, or the node code is empty.</exception>
    public static AuditCheckpoint Sign(NodeKey key, string nodeCode, long size, ImmutableArray<byte> headHash, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(nodeCode);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (headHash.IsDefault || headHash.Length != AuditEntry.HashLength)
        {
            throw new ArgumentException($"The head hash must be {AuditEntry.HashLength} bytes.", nameof(headHash));
        }
        var unsigned = new AuditCheckpoint(nodeCode, size, headHash, CanonicalEncoding.ToMicroseconds(at), key.KeyId, []);
        return unsigned with { Signature = [.. key.SignData(unsigned.SigningInput())] };
    }

    /// <summary>The bytes the signature covers.</summary>
    public byte[] SigningInput() => CanonicalEncoding.Encode(CanonicalValue.Map(
        ("format", Format),
        ("node_code", NodeCode),
        ("size", Size),
        ("head_hash", CanonicalValue.Bytes(HeadHash.IsDefault ? [] : HeadHash.AsSpan())),
        ("at", At),
        ("key_id", KeyId)));

    /// <summary>True when <paramref name="key"/> is the key the checkpoint names and its signature verifies with it.</summary>
    public bool IsSignedBy(NodePublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (KeyId != key.KeyId || Signature.IsDefault || HeadHash.IsDefault || HeadHash.Length != AuditEntry.HashLength || Size < 1)
        {
            return false;
        }
        try
        {
            return key.VerifyData(SigningInput(), Signature.AsSpan());
        }
        catch (ArgumentException)
        {
            // The node code or key id holds text with no UTF-8 form: nothing a node signs.
            return false;
        }
    }
}
