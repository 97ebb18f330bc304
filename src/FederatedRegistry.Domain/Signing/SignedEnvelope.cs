using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace FederatedRegistry.Domain.Signing;

/// <summary>
/// What a node sends to another: a payload, who sent it, under which policy version, when, with which per-origin
/// sequence number, and the origin's signature over all of that.
/// </summary>
/// <remarks>
/// <para>The signature is ECDSA P-256 over the SHA-256 of <see cref="SigningInput"/>: the canonical encoding of the
/// map of every field but the signature, under <c>"format": "fedreg.signed-envelope/v1"</c>. It is in IEEE P1363
/// form (64 bytes), so re-encoding an envelope never changes it.</para>
/// <para>On the wire an envelope is <see cref="Encode"/>'s bytes (the same map with the signature added), read back
/// with <see cref="TryDecode"/>. A payload that is not a canonical value, such as a protobuf message, is carried as
/// <see cref="CanonicalBytes"/>: the signature covers those exact bytes.</para>
/// <para>One envelope is one transmission. A retry signs again with a new sequence number and time; the payload's own
/// id (an alert id, an advisory id) is what deduplicates content on arrival.</para>
/// </remarks>
/// <param name="Origin">The sending node's code.</param>
/// <param name="PolicyVersion">The version of the origin's sharing policy that allowed the payload to leave (0 or more).</param>
/// <param name="IssuedAt">When it was signed, in whole microseconds.</param>
/// <param name="Sequence">The origin's sequence number, 1 or more, never reused by the origin.</param>
/// <param name="PayloadType">What the payload is, e.g. <c>fedreg.v1.SummaryResponse</c> or <c>alert-batch</c>.</param>
/// <param name="Payload">The payload.</param>
/// <param name="KeyId">The id of the origin's key that signed (<see cref="NodePublicKey.KeyId"/>).</param>
/// <param name="Signature">The signature, 64 bytes.</param>
public sealed partial record SignedEnvelope(
    string Origin,
    long PolicyVersion,
    DateTimeOffset IssuedAt,
    long Sequence,
    string PayloadType,
    CanonicalValue Payload,
    string KeyId,
    ImmutableArray<byte> Signature)
{
    /// <summary>The value of the <c>format</c> field: names the kind of thing signed and this layout's version.</summary>
    public const string Format = "fedreg.signed-envelope/v1";

    public const string PayloadTypeDescription =
        "a letter followed by up to 127 letters, digits, '.', '_', '/' or '-', such as fedreg.v1.SummaryResponse";

    private static readonly string[] FieldNames =
        ["format", "origin", "policy_version", "issued_at", "sequence", "payload_type", "payload", "key_id", "signature"];

    /// <summary>Every broken rule, each naming its field (snake_case, as on the wire); empty when well formed.</summary>
    public IReadOnlyList<FieldViolation> Validate()
    {
        var rules = new FieldRules();
        if (!Identifiers.IsNodeCode(Origin))
        {
            rules.Add("origin", "must be a node code: an ISO 3166-1 alpha-2 country code or an observer code of 3-8 capital letters");
        }
        if (PolicyVersion < 0)
        {
            rules.Add("policy_version", "must not be negative");
        }
        if (IssuedAt.UtcTicks % TimeSpan.TicksPerMicrosecond != 0)
        {
            rules.Add("issued_at", "must be a whole number of microseconds");
        }
        if (Sequence < 1)
        {
            rules.Add("sequence", "must be 1 or more");
        }
        if (PayloadType is null || !PayloadTypeShape().IsMatch(PayloadType))
        {
            rules.Add("payload_type", "must be " + PayloadTypeDescription);
        }
        if (Payload is null)
        {
            rules.Add("payload", "is required");
        }
        if (!NodePublicKey.IsKeyId(KeyId))
        {
            rules.Add("key_id", "must be a key id: the unpadded base64url SHA-256 of the key's SubjectPublicKeyInfo (43 characters)");
        }
        if (Signature.IsDefault || Signature.Length != NodePublicKey.SignatureLength)
        {
            rules.Add("signature", $"must be {NodePublicKey.SignatureLength} bytes (IEEE P1363 r and s)");
        }
        return rules.Violations;
    }

    /// <summary>Every field but the signature, under <c>format</c>: the value the signature is over.</summary>
    /// <exception cref="ArgumentException">A field has no canonical form (null text or payload).</exception>
    public CanonicalMap SignedContent() => CanonicalValue.Map(Content());

    /// <summary>The bytes that are signed: the canonical encoding of <see cref="SignedContent"/>.</summary>
    public byte[] SigningInput() => CanonicalEncoding.Encode(SignedContent());

    /// <summary>The whole envelope, signature included, as a canonical map.</summary>
    public CanonicalMap ToCanonical() =>
        CanonicalValue.Map([.. Content(), ("signature", CanonicalValue.Bytes(Signature.IsDefault ? [] : Signature.AsSpan()))]);

    /// <summary>The envelope's wire form: the canonical encoding of <see cref="ToCanonical"/>.</summary>
    public byte[] Encode() => CanonicalEncoding.Encode(ToCanonical());

    private (string, CanonicalValue)[] Content() =>
    [
        ("format", Format),
        ("origin", Origin),
        ("policy_version", PolicyVersion),
        ("issued_at", IssuedAt),
        ("sequence", Sequence),
        ("payload_type", PayloadType),
        ("payload", Payload),
        ("key_id", KeyId),
    ];

    /// <summary>
    /// Reads an envelope from its wire form. Refuses, with a sentence, bytes that are not a canonical encoding, a value
    /// that is not a map of exactly the envelope's fields with their types, another format, or a field that breaks
    /// <see cref="Validate"/>. It does not check the signature: that is <see cref="EnvelopeVerifier"/>'s job.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out SignedEnvelope? envelope, [NotNullWhen(false)] out string? error)
    {
        envelope = null;
        if (!CanonicalEncoding.TryDecode(bytes, out var value, out error))
        {
            return false;
        }
        return TryFrom(value, out envelope, out error);
    }

    /// <summary>Like <see cref="TryDecode"/>, from a value already decoded.</summary>
    public static bool TryFrom(CanonicalValue value, [NotNullWhen(true)] out SignedEnvelope? envelope, [NotNullWhen(false)] out string? error)
    {
        envelope = null;
        if (value is not CanonicalMap map)
        {
            error = $"An envelope is a map, not a {value.Kind.ToString().ToLowerInvariant()}.";
            return false;
        }
        var missing = FieldNames.Where(f => !map.ContainsKey(f)).ToList();
        var unknown = map.Keys.Where(k => !FieldNames.Contains(k, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0 || unknown.Count > 0)
        {
            error = "The envelope's fields are wrong:" +
                (missing.Count > 0 ? " missing " + string.Join(", ", missing) + "." : "") +
                (unknown.Count > 0 ? " unknown " + string.Join(", ", unknown.Select(k => $"\"{k}\"")) + "." : "");
            return false;
        }
        var wrongType = new List<string>();
        T? Field<T>(string name, string kind) where T : CanonicalValue
        {
            if (map[name] is T typed)
            {
                return typed;
            }
            wrongType.Add($"{name} must be {kind}, not {map[name].Kind.ToString().ToLowerInvariant()}");
            return null;
        }
        var format = Field<CanonicalString>("format", "a string");
        var origin = Field<CanonicalString>("origin", "a string");
        var policyVersion = Field<CanonicalInteger>("policy_version", "an integer");
        var issuedAt = Field<CanonicalTimestamp>("issued_at", "a timestamp");
        var sequence = Field<CanonicalInteger>("sequence", "an integer");
        var payloadType = Field<CanonicalString>("payload_type", "a string");
        var keyId = Field<CanonicalString>("key_id", "a string");
        var signature = Field<CanonicalBytes>("signature", "bytes");
        if (format is null || origin is null || policyVersion is null || issuedAt is null || sequence is null
            || payloadType is null || keyId is null || signature is null)
        {
            error = "The envelope's fields have the wrong types: " + string.Join("; ", wrongType) + ".";
            return false;
        }
        if (format.Value != Format)
        {
            error = $"The envelope's format is \"{format.Value}\"; this node reads \"{Format}\".";
            return false;
        }
        var candidate = new SignedEnvelope(origin.Value, policyVersion.Value, issuedAt.Value, sequence.Value, payloadType.Value,
            map["payload"], keyId.Value, signature.Value);
        var violations = candidate.Validate();
        if (violations.Count > 0)
        {
            error = "The envelope is invalid: " + string.Join("; ", violations) + ".";
            return false;
        }
        envelope = candidate;
        error = null;
        return true;
    }

    public bool Equals(SignedEnvelope? other) =>
        other is not null
        && string.Equals(Origin, other.Origin, StringComparison.Ordinal)
        && PolicyVersion == other.PolicyVersion
        && IssuedAt.UtcTicks == other.IssuedAt.UtcTicks
        && Sequence == other.Sequence
        && string.Equals(PayloadType, other.PayloadType, StringComparison.Ordinal)
        && Payload == other.Payload
        && string.Equals(KeyId, other.KeyId, StringComparison.Ordinal)
        && Signature.IsDefault == other.Signature.IsDefault
        && Signature.AsSpan().SequenceEqual(other.Signature.AsSpan());

    public override int GetHashCode() => HashCode.Combine(Origin, Sequence, IssuedAt.UtcTicks, PayloadType, KeyId);

    /// <summary>"KE #42 fedreg.v1.SummaryResponse, policy 3, issued 2025-01-02T03:04:05.000000Z, key …": for logs.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"{Origin} #{Sequence} {PayloadType}, policy {PolicyVersion}, issued {IssuedAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'}, key {KeyId}");

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9._/-]{0,127}\z")]
    private static partial Regex PayloadTypeShape();
}
