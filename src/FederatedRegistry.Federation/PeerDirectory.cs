using System.Collections.Frozen;
using System.Security.Cryptography;
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

    /// <summary>The peer's federation (gRPC) endpoint, e.g. "http://127.0.0.1:5181".</summary>
    public string Address { get; set; } = "";

    /// <summary>The peer's ECDSA P-256 public key: PEM, or base64 of its DER SubjectPublicKeyInfo (as GET /v1/node shows it).</summary>
    public string PublicKey { get; set; } = "";
}

/// <summary>A peer this node trusts: who it is, where it answers, and the key its messages must be signed with.</summary>
public sealed record Peer(string Code, NodeRole Role, Uri Address, NodePublicKey Key)
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
    /// Reads the configured peers, collecting a sentence per fault that names the setting
    /// (<c>Federation:Peers:1:PublicKey</c>) and the rule.
    /// </summary>
    /// <param name="entries">The configured entries, in configuration order.</param>
    /// <param name="selfCode">This node's code: a node is never its own peer.</param>
    /// <param name="ownKey">This node's key: a peer listed with it could sign as this node.</param>
    /// <param name="failures">Receives one sentence per fault; the directory is only usable when none was added.</param>
    public static PeerDirectory FromOptions(IReadOnlyList<PeerOptions> entries, string selfCode, NodePublicKey? ownKey, ICollection<string> failures)
    {
        var peers = new List<Peer>();
        var seenCodes = new HashSet<string>(StringComparer.Ordinal);
        var seenKeys = new Dictionary<string, string>(StringComparer.Ordinal);
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
            if (!Uri.TryCreate(entry.Address, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
            {
                failures.Add($"{name}:Address '{entry.Address}' must be the peer's federation endpoint as an absolute http:// or https:// URL, e.g. http://127.0.0.1:5181.");
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
            if (failures.Count == before)
            {
                peers.Add(new Peer(entry.Code, role!.Value, address!, key!));
            }
        }
        return new PeerDirectory(peers);
    }
}
