using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Sharing;
using FederatedRegistry.Domain.Signing;

namespace FederatedRegistry.Federation;

/// <summary>One peer as configured (an entry of <c>Federation:Peers</c>).</summary>
public sealed class PeerOptions
{
    /// <summary>The peer's node code, e.g. "FR" or "INTL".</summary>
    public string Code { get; set; } = "";

    /// <summary>"national" (the default) or "observer".</summary>
    public string Role { get; set; } = "national";

    /// <summary>The peer's federation endpoint (https, mutual TLS), e.g. "https://127.0.0.1:5182".</summary>
    public string Address { get; set; } = "";

    /// <summary>The peer's ECDSA P-256 public key: PEM, or base64 of its DER SubjectPublicKeyInfo (as GET /v1/node shows it).</summary>
    public string PublicKey { get; set; } = "";

    /// <summary>The SHA-256 of the peer's TLS certificate, 64 hex digits (colons allowed), as its GET /v1/node shows it.</summary>
    public string? CertificateSha256 { get; set; }

    /// <summary>The peer's TLS certificate itself: PEM, or base64 of its DER encoding. Pins that one certificate.</summary>
    public string? Certificate { get; set; }

    /// <summary>The CA that issues the peer's TLS certificates (PEM or base64 DER), with <see cref="Subject"/>.</summary>
    public string? CaCertificate { get; set; }

    /// <summary>With <see cref="CaCertificate"/>: the subject (CN=..., O=...) or SAN URI (urn:fedreg:node:FR) the peer's certificate carries.</summary>
    public string? Subject { get; set; }
}

/// <summary>
/// A peer this node trusts: who it is, where it answers, the key its messages must be signed with, and how its TLS
/// certificate is recognised.
/// </summary>
public sealed record Peer(string Code, NodeRole Role, Uri Address, NodePublicKey Key, PeerCertificatePin Certificate)
{
    public Caller AsCaller => new(Code, Role);

    public string RoleName => Role == NodeRole.Observer ? "observer" : "national";
}

/// <summary>
/// The peers this node talks to: the only nodes whose messages it believes, and the only ones it sends to.
/// Built once from configuration; immutable.
/// </summary>
public sealed class PeerDirectory
{
    private readonly FrozenDictionary<string, Peer> _byCode;

    public PeerDirectory(IEnumerable<Peer> peers)
    {
        Peers = [.. peers.OrderBy(p => p.Code, StringComparer.Ordinal)];
        _byCode = Peers.ToFrozenDictionary(p => p.Code, StringComparer.Ordinal);
        TrustedKeys = new TrustedKeyDirectory(Peers.Select(p => (p.Code, p.Key)));
    }

    public static PeerDirectory Empty { get; } = new([]);

    /// <summary>Ordered by code.</summary>
    public IReadOnlyList<Peer> Peers { get; }

    /// <summary>The keys to verify peers' envelopes with.</summary>
    public ITrustedKeys TrustedKeys { get; }

    /// <summary>National peers: the ones an observer asks for summaries.</summary>
    public IEnumerable<Peer> NationalPeers => Peers.Where(p => p.Role == NodeRole.National);

    public bool TryGet(string? code, out Peer peer)
    {
        peer = null!;
        return code is not null && _byCode.TryGetValue(code, out peer!);
    }

    /// <summary>
    /// The peer a TLS certificate belongs to: the one whose pin accepts it at <paramref name="now"/>. When none does, the
    /// reason names the peer whose pin matched a certificate it refused (expired, not yet valid, broken chain), if any.
    /// </summary>
    public CertificateVerdict Identify(X509Certificate2 certificate, DateTimeOffset now, X509Certificate2Collection? intermediates = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        string? refused = null;
        foreach (var peer in Peers)
        {
            var verdict = peer.Certificate.Check(certificate, now, intermediates);
            if (verdict.Match == PinMatch.Accepted)
            {
                return new CertificateVerdict(peer, "");
            }
            if (verdict.Match == PinMatch.Refused)
            {
                refused ??= $"it is pinned for {peer.Code}, but {verdict.Reason}";
            }
        }
        return new CertificateVerdict(null, refused ?? "it is no peer's pinned certificate");
    }

    /// <summary>
    /// Reads the configured peers, collecting a sentence per fault that names the setting
    /// (<c>Federation:Peers:1:PublicKey</c>) and the rule.
    /// </summary>
    /// <param name="entries">The configured entries, in configuration order.</param>
    /// <param name="selfCode">This node's code: a node is never its own peer.</param>
    /// <param name="ownKey">This node's key: a peer listed with it could sign as this node.</param>
    /// <param name="failures">Receives one sentence per fault; the directory is only usable when none was added.</param>
    /// <param name="ownCertificate">This node's TLS certificate: a peer pinned to it could pass as this node.</param>
    public static PeerDirectory FromOptions(IReadOnlyList<PeerOptions> entries, string selfCode, NodePublicKey? ownKey, ICollection<string> failures,
        X509Certificate2? ownCertificate = null)
    {
        var peers = new List<Peer>();
        var seenCodes = new HashSet<string>(StringComparer.Ordinal);
        var seenKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        var seenPins = new List<(PeerCertificatePin Pin, string Code)>();
        // When the node's own certificate was valid: any pin that would accept it then would let a peer pass as this node.
        var ownValidAt = ownCertificate is null ? default : new DateTimeOffset(ownCertificate.NotBefore).AddSeconds(1);
        for (var i = 0; i < entries.Count; i++)
        {
            var name = $"Federation:Peers:{i}";
            var entry = entries[i];
            var before = failures.Count;
            if (!Identifiers.IsNodeCode(entry.Code))
            {
                failures.Add($"{name}:Code '{entry.Code}' must be a node code: an ISO 3166-1 alpha-2 country code such as FR, or an observer code of 3-8 capital letters such as INTL.");
            }
            else if (entry.Code == selfCode)
            {
                failures.Add($"{name}:Code '{entry.Code}' is this node's own code; a node is not its own peer.");
            }
            else if (!seenCodes.Add(entry.Code))
            {
                failures.Add($"{name}:Code '{entry.Code}' is listed twice.");
            }
            var role = entry.Role?.Trim().ToLowerInvariant() switch
            {
                "national" or "" or null => NodeRole.National,
                "observer" => NodeRole.Observer,
                _ => (NodeRole?)null,
            };
            if (role is null)
            {
                failures.Add($"{name}:Role '{entry.Role}' must be 'national' or 'observer'.");
            }
            else if (role == NodeRole.National && Identifiers.IsNodeCode(entry.Code) && !CountryCodes.IsAssigned(entry.Code))
            {
                failures.Add($"{name}:Role is national, but '{entry.Code}' is not an ISO 3166-1 alpha-2 country code; an international body's node has Role 'observer'.");
            }
            if (!Uri.TryCreate(entry.Address, UriKind.Absolute, out var address) || address.Scheme != Uri.UriSchemeHttps)
            {
                failures.Add($"{name}:Address '{entry.Address}' must be the peer's federation endpoint as an absolute https:// URL (its Federation:ListenUrl), e.g. https://127.0.0.1:5082.");
            }
            NodePublicKey? key = null;
            try
            {
                key = NodePublicKey.Parse(entry.PublicKey ?? "");
            }
            catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
            {
                failures.Add($"{name}:PublicKey cannot be read: {e.Message.TrimEnd('.')}. Give the peer's ECDSA P-256 public key as PEM or as the base64 that its GET /v1/node shows.");
            }
            if (key is not null)
            {
                if (ownKey is not null && key.Equals(ownKey))
                {
                    failures.Add($"{name}:PublicKey is this node's own key; each node needs its own key.");
                }
                else if (seenKeys.TryGetValue(key.KeyId, out var other) && other != entry.Code)
                {
                    failures.Add($"{name}:PublicKey is also the key of {other}; each peer needs its own key.");
                }
                seenKeys.TryAdd(key.KeyId, entry.Code);
            }
            var pin = ReadPin(entry, name, failures, out var setting);
            if (pin is not null)
            {
                if (ownCertificate is not null && pin.Check(ownCertificate, ownValidAt).Match == PinMatch.Accepted)
                {
                    failures.Add($"{name}:{setting} pins this node's own TLS certificate; each node needs its own certificate.");
                }
                else if (seenPins.FirstOrDefault(p => p.Pin.SamePinAs(pin)) is { Code: { } other } && other != entry.Code)
                {
                    failures.Add($"{name}:{setting} pins the certificate of {other} too; each peer needs its own certificate.");
                }
                seenPins.Add((pin, entry.Code));
            }
            if (failures.Count == before)
            {
                peers.Add(new Peer(entry.Code, role!.Value, address!, key!, pin!));
            }
        }
        return new PeerDirectory(peers);
    }

    // Exactly one way to recognise the peer's TLS certificate: a fingerprint, the certificate itself, or a CA and subject.
    // Gives the pin (null after a fault) and the setting that made it, for later faults to name.
    private static PeerCertificatePin? ReadPin(PeerOptions entry, string name, ICollection<string> failures, out string setting)
    {
        setting = "";
        var given = new[] { ("CertificateSha256", entry.CertificateSha256), ("Certificate", entry.Certificate), ("CaCertificate", entry.CaCertificate) }
            .Where(s => !string.IsNullOrWhiteSpace(s.Item2)).Select(s => s.Item1).ToList();
        var subjectGiven = !string.IsNullOrWhiteSpace(entry.Subject);
        if (given.Count == 0)
        {
            failures.Add(subjectGiven
                ? $"{name}:Subject is set without {name}:CaCertificate; give the CA that issues the peer's certificate with it."
                : $"{name}:CertificateSha256 is required (or {name}:Certificate, or {name}:CaCertificate with :Subject): pin the peer's TLS certificate, e.g. with the certificate_sha256 its GET /v1/node shows.");
            return null;
        }
        if (given.Count > 1)
        {
            failures.Add($"{name}:{string.Join(", :", given)} are alternatives; pin the peer's TLS certificate one way only.");
            return null;
        }
        setting = given[0] == "CaCertificate" ? "Subject" : given[0];
        switch (given[0])
        {
            case "CertificateSha256":
                if (subjectGiven)
                {
                    failures.Add($"{name}:Subject is only used with {name}:CaCertificate; a pinned fingerprint names the certificate by itself.");
                    return null;
                }
                if (!PeerCertificatePin.TryParseFingerprint(entry.CertificateSha256, out var fingerprint))
                {
                    failures.Add($"{name}:CertificateSha256 '{entry.CertificateSha256}' must be the SHA-256 of the peer's TLS certificate as 64 hex digits (colons allowed), as its GET /v1/node shows.");
                    return null;
                }
                return PeerCertificatePin.Sha256(fingerprint);
            case "Certificate":
                if (subjectGiven)
                {
                    failures.Add($"{name}:Subject is only used with {name}:CaCertificate; a pinned certificate names itself.");
                    return null;
                }
                using (var certificate = ReadCertificate(entry.Certificate!, $"{name}:Certificate", failures))
                {
                    return certificate is null ? null : PeerCertificatePin.Of(certificate);
                }
            default:
                var authority = ReadCertificate(entry.CaCertificate!, $"{name}:CaCertificate", failures);
                if (!subjectGiven)
                {
                    failures.Add($"{name}:Subject is required with {name}:CaCertificate: the subject (CN=..., O=...) or SAN URI (urn:fedreg:node:{entry.Code}) that the peer's certificate carries.");
                    authority?.Dispose();
                    return null;
                }
                if (!PeerCertificatePin.TryReadSubject(entry.Subject, out _, out _))
                {
                    failures.Add($"{name}:Subject '{entry.Subject}' must be a distinguished name such as CN={entry.Code}, O=Authority or an absolute URI such as urn:fedreg:node:{entry.Code}.");
                    authority?.Dispose();
                    return null;
                }
                return authority is null ? null : PeerCertificatePin.Authority(authority, entry.Subject!);
        }
    }

    private static X509Certificate2? ReadCertificate(string text, string setting, ICollection<string> failures)
    {
        try
        {
            var trimmed = text.Trim();
            return trimmed.StartsWith("-----BEGIN", StringComparison.Ordinal)
                ? X509Certificate2.CreateFromPem(trimmed)
                : X509CertificateLoader.LoadCertificate(Convert.FromBase64String(trimmed));
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
        {
            failures.Add($"{setting} cannot be read: {e.Message.TrimEnd('.')}. Give the certificate as PEM (-----BEGIN CERTIFICATE-----) or as base64 of its DER encoding.");
            return null;
        }
    }
}

/// <summary>Whose a TLS certificate is: the peer it belongs to, or null and why it is no peer's.</summary>
public sealed record CertificateVerdict(Peer? Peer, string Reason);
