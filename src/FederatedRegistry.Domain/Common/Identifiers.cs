using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace FederatedRegistry.Domain;

/// <summary>
/// Identifiers a node issues. Each starts with the node's code, so nodes never collide and no
/// central allocator is needed (as CVE numbering authorities allocate within their own scope).
/// </summary>
public static partial class Identifiers
{
    public const string ProviderKind = "PRV";
    public const string SystemKind = "SYS";
    public const string IncidentKind = "INC";
    public const string AdvisoryKind = "ADV";

    /// <summary>"KE-PRV-acme-health": the provider's chosen slug under the node's code.</summary>
    public static string ProviderId(string nodeCode, string slug) => $"{nodeCode}-{ProviderKind}-{slug}";

    /// <summary>
    /// Derived from the global product id, so one product has exactly one registration per node and a
    /// repeated registration (a retried request, a resumed import) lands on the same record.
    /// </summary>
    public static string SystemId(string nodeCode, string productId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(productId));
        return $"{nodeCode}-{SystemKind}-{Base32(hash)[..20]}";
    }

    /// <summary>Time-ordered and random, so incidents list in the order they arrived without coordination.</summary>
    public static string NewIncidentId(string nodeCode) =>
        $"{nodeCode}-{IncidentKind}-{Base32(Guid.CreateVersion7().ToByteArray(bigEndian: true))[..26]}";

    /// <summary>
    /// The incident id for a report that carries the reporter's idempotency key (request_id): derived from the node,
    /// the reporter's scope (its organisation, or the authority) and the key, so that a retried report lands on the
    /// incident the first attempt created, whether or not that attempt's answer arrived. Same shape as
    /// <see cref="NewIncidentId"/> (26 Crockford base32 characters, so <see cref="IsIncidentId"/> holds), but taken
    /// from a SHA-256 hash: the time of the first attempt cannot be known on a retry, so such ids do not sort by
    /// arrival. The scope keeps one reporter's keys from meeting another's.
    /// </summary>
    public static string IncidentIdForRequest(string nodeCode, string scope, string requestId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"fedreg.incident-request/v1\n{nodeCode}\n{scope}\n{requestId}"));
        return $"{nodeCode}-{IncidentKind}-{Base32(hash)[..26]}";
    }

    /// <summary>A client-chosen idempotency key: 8-128 letters, digits, '.', '_', ':' or '-', e.g. a UUID.</summary>
    public static bool IsRequestId(string? value) => value is not null && RequestIdShape().IsMatch(value);

    public const string RequestIdDescription = "8-128 letters, digits, '.', '_', ':' or '-', such as a UUID";

    /// <summary>Time-ordered like incident ids, so advisories list in the order they were published.</summary>
    public static string NewAdvisoryId(string nodeCode) =>
        $"{nodeCode}-{AdvisoryKind}-{Base32(Guid.CreateVersion7().ToByteArray(bigEndian: true))[..26]}";

    public static bool IsAdvisoryId(string? id) => id is not null && AdvisoryIdShape().IsMatch(id);

    public static bool IsProviderId(string? id) => id is not null && ProviderIdShape().IsMatch(id);

    public static bool IsSystemId(string? id) => id is not null && SystemIdShape().IsMatch(id);

    public static bool IsIncidentId(string? id) => id is not null && IncidentIdShape().IsMatch(id);

    /// <summary>The node code an identifier was issued under ("KE" for "KE-SYS-…").</summary>
    public static string NodeOf(string id) => id[..id.IndexOf('-', StringComparison.Ordinal)];

    /// <summary>Node codes: a country (ISO 3166-1 alpha-2) or an observer's code of 3-8 capitals, e.g. "INTL".</summary>
    public static bool IsNodeCode(string? code) =>
        code is not null && (CountryCodes.IsAssigned(code) || ObserverCodeShape().IsMatch(code));

    public static readonly Regex SlugShape = Slug();
    public static readonly Regex ProductIdShape = ProductId();

    public const string SlugDescription = "3-40 lower-case letters, digits and hyphens, starting and ending with a letter or digit";
    public const string ProductIdDescription = "a lower-case domain name, '/', then a product name (letters, digits, '.', '_', '-'), such as acme.example/triage-assist";

    // Crockford's alphabet: no I, L, O or U, so ids survive being read aloud or retyped.
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private static string Base32(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder((bytes.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                sb.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0)
        {
            sb.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]\z")]
    private static partial Regex Slug();

    [GeneratedRegex(@"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+/[a-z0-9][a-z0-9._-]{0,99}\z")]
    private static partial Regex ProductId();

    [GeneratedRegex(@"^[A-Z]{2,8}-PRV-[a-z0-9][a-z0-9-]{1,38}[a-z0-9]\z")]
    private static partial Regex ProviderIdShape();

    [GeneratedRegex(@"^[A-Z]{2,8}-SYS-[0-9A-HJKMNP-TV-Z]{20}\z")]
    private static partial Regex SystemIdShape();

    [GeneratedRegex(@"^[A-Z]{2,8}-INC-[0-9A-HJKMNP-TV-Z]{26}\z")]
    private static partial Regex IncidentIdShape();

    [GeneratedRegex(@"^[A-Z]{2,8}-ADV-[0-9A-HJKMNP-TV-Z]{26}\z")]
    private static partial Regex AdvisoryIdShape();

    [GeneratedRegex(@"^[A-Za-z0-9._:-]{8,128}\z")]
    private static partial Regex RequestIdShape();

    [GeneratedRegex(@"^[A-Z]{3,8}\z")]
    private static partial Regex ObserverCodeShape();
}
