using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using FederatedRegistry.Domain.Signing;

namespace FederatedRegistry.Domain.Audit;

/// <summary>
/// One sealed entry of a node's audit log: who (<see cref="Actor"/>) did what (<see cref="Action"/>) to what
/// (<see cref="Subject"/>) and when, the hash of the change's payload, and its place in the chain: the hash of the
/// entry before it and its own hash.
/// </summary>
/// <remarks>
/// <see cref="EntryHash"/> is the SHA-256 of the canonical encoding (<see cref="CanonicalEncoding"/>) of the map of
/// every other field under <c>"format": "fedreg.audit-entry/v1"</c> (<see cref="HashInput"/>). The first entry's
/// previous hash is <see cref="GenesisHash"/>, 32 zero bytes. Changing any field of any entry, removing one, or
/// reordering two therefore breaks the chain where it happened (see <see cref="AuditVerifier"/>).
/// </remarks>
/// <param name="Sequence">The entry's position in the chain, from 1, without gaps.</param>
/// <param name="At">When the change happened, in whole microseconds.</param>
/// <param name="Actor">Who made the change: <c>authority:alice</c>, <c>peer:FR</c>, <c>system</c>, ...</param>
/// <param name="Action">What happened to the subject: <c>registered:submitted</c>, <c>decided:register</c>, ...</param>
/// <param name="Subject">What changed: <c>system:KE-SYS-...</c>, <c>incident:KE-INC-...</c>, <c>policy</c>, ...</param>
/// <param name="PayloadHash">SHA-256 of the change's payload (<see cref="HashPayload"/>), 32 bytes.</param>
/// <param name="PreviousHash">The entry hash of the entry before, or <see cref="GenesisHash"/> for the first, 32 bytes.</param>
/// <param name="EntryHash">SHA-256 of <see cref="HashInput"/>, 32 bytes.</param>
public sealed record AuditEntry(
    long Sequence,
    DateTimeOffset At,
    string Actor,
    string Action,
    string Subject,
    ImmutableArray<byte> PayloadHash,
    ImmutableArray<byte> PreviousHash,
    ImmutableArray<byte> EntryHash)
{
    /// <summary>The value of the <c>format</c> field of the hashed map.</summary>
    public const string Format = "fedreg.audit-entry/v1";

    /// <summary>Length of every hash in an entry (SHA-256).</summary>
    public const int HashLength = 32;

    /// <summary>The previous hash of the first entry: 32 zero bytes.</summary>
    public static ImmutableArray<byte> GenesisHash { get; } = ImmutableArray.Create(new byte[HashLength]);

    /// <summary>
    /// The entry at <paramref name="sequence"/> after the entry whose hash is <paramref name="previousHash"/>, with its
    /// hash computed. <paramref name="at"/> is rounded down to the microsecond, as it is encoded and stored.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The sequence is below 1, a hash is not 32 bytes, or a text holds an unpaired surrogate (use <see cref="CleanText"/>).
    /// </exception>
    public static AuditEntry Seal(
        long sequence, DateTimeOffset at, string actor, string action, string subject, ImmutableArray<byte> payloadHash, ImmutableArray<byte> previousHash)
    {
        var unsealed = new AuditEntry(sequence, CanonicalEncoding.ToMicroseconds(at), actor, action, subject, payloadHash, previousHash, GenesisHash);
        if (unsealed.Problem() is { } problem)
        {
            throw new ArgumentException($"The audit entry cannot be sealed: {problem}");
        }
        return unsealed with { EntryHash = unsealed.ComputeHash() };
    }

    /// <summary>SHA-256 of the UTF-8 bytes of a payload (the change's JSON, as stored beside the entry).</summary>
    public static ImmutableArray<byte> HashPayload(string payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return [.. SHA256.HashData(Encoding.UTF8.GetBytes(payload))];
    }

    /// <summary>
    /// The text with every unpaired surrogate and NUL replaced by U+FFFD: what an entry can hash (the canonical encoding
    /// refuses text without a UTF-8 form) and every store can keep (PostgreSQL text holds no NUL).
    /// </summary>
    public static string CleanText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var clean = text.Contains('\0', StringComparison.Ordinal) ? text.Replace('\0', '\uFFFD') : text;
        // The default UTF-8 encoder replaces unpaired surrogates with U+FFFD; well-formed text round-trips unchanged.
        return Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(clean));
    }

    /// <summary>The canonical map the entry hash is computed over: every field but the entry hash, and the format.</summary>
    /// <exception cref="ArgumentException">A text holds an unpaired surrogate.</exception>
    public CanonicalMap HashInput() => CanonicalValue.Map(
        ("format", Format),
        ("sequence", Sequence),
        ("at", At),
        ("actor", Actor),
        ("action", Action),
        ("subject", Subject),
        ("payload_hash", CanonicalValue.Bytes(PayloadHash.AsSpan())),
        ("previous_hash", CanonicalValue.Bytes(PreviousHash.AsSpan())));

    /// <summary>SHA-256 of <see cref="HashInput"/>: what <see cref="EntryHash"/> must be.</summary>
    /// <exception cref="ArgumentException">A text holds an unpaired surrogate.</exception>
    public ImmutableArray<byte> ComputeHash() => [.. CanonicalEncoding.Sha256(HashInput())];

    /// <summary>Why the entry cannot be hashed or checked as it stands, or null when it can.</summary>
    public string? Problem()
    {
        if (Sequence < 1)
        {
            return $"sequence {Sequence} is below 1";
        }
        if (Actor is null || Action is null || Subject is null)
        {
            return "actor, action and subject are required";
        }
        foreach (var (name, hash) in new[] { ("payload_hash", PayloadHash), ("previous_hash", PreviousHash), ("entry_hash", EntryHash) })
        {
            if (hash.IsDefault || hash.Length != HashLength)
            {
                return $"{name} is {(hash.IsDefault ? 0 : hash.Length)} bytes, not {HashLength}";
            }
        }
        foreach (var (name, text) in new[] { ("actor", Actor), ("action", Action), ("subject", Subject) })
        {
            if (CleanText(text) != text)
            {
                return $"{name} holds an unpaired surrogate or a NUL";
            }
        }
        return null;
    }

    /// <summary>True when two hashes hold the same bytes (a default array equals only another default one).</summary>
    public static bool SameHash(ImmutableArray<byte> a, ImmutableArray<byte> b) =>
        a.IsDefault || b.IsDefault ? a.IsDefault && b.IsDefault : a.AsSpan().SequenceEqual(b.AsSpan());

    /// <summary>A hash in lower-case hex, as stores and messages show it.</summary>
    public static string Hex(ImmutableArray<byte> hash) => hash.IsDefault ? string.Empty : Convert.ToHexStringLower(hash.AsSpan());

    /// <summary>Reads a hash written by <see cref="Hex"/>.</summary>
    /// <exception cref="FormatException">The text is not hex.</exception>
    public static ImmutableArray<byte> FromHex(string hex) => [.. Convert.FromHexString(hex)];
}
