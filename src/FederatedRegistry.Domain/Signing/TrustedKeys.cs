using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace FederatedRegistry.Domain.Signing;

/// <summary>The public keys a node trusts, by the code of the node that holds them: its peer directory.</summary>
public interface ITrustedKeys
{
    /// <summary>
    /// The keys trusted for <paramref name="origin"/> (more than one while a peer rotates its key); false when
    /// <paramref name="origin"/> is not a known peer.
    /// </summary>
    bool TryGetKeys(string origin, [NotNullWhen(true)] out IReadOnlyList<NodePublicKey>? keys);
}

/// <summary>An immutable <see cref="ITrustedKeys"/> built from configuration.</summary>
public sealed class TrustedKeyDirectory : ITrustedKeys
{
    private readonly FrozenDictionary<string, IReadOnlyList<NodePublicKey>> _byOrigin;

    /// <summary>One key per peer.</summary>
    /// <exception cref="ArgumentException">A code is not a node code, or one key is listed for two peers.</exception>
    public TrustedKeyDirectory(IReadOnlyDictionary<string, NodePublicKey> keys)
        : this(keys.Select(e => (e.Key, e.Value)))
    {
    }

    /// <summary>Any number of keys per peer; a peer listed twice trusts both keys (for rotation).</summary>
    /// <exception cref="ArgumentException">A code is not a node code, or one key is listed for two peers.</exception>
    public TrustedKeyDirectory(IEnumerable<(string Origin, NodePublicKey Key)> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var byOrigin = new Dictionary<string, List<NodePublicKey>>(StringComparer.Ordinal);
        var originOfKey = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (origin, key) in keys)
        {
            ArgumentNullException.ThrowIfNull(key);
            if (!Identifiers.IsNodeCode(origin))
            {
                throw new ArgumentException($"\"{origin}\" is not a node code (a country code such as KE, or an observer code such as INTL).", nameof(keys));
            }
            if (originOfKey.TryGetValue(key.KeyId, out var other) && other != origin)
            {
                // One key for two peers would let either sign as the other.
                throw new ArgumentException($"Key {key.KeyId} is listed for both {other} and {origin}; each peer needs its own key.", nameof(keys));
            }
            originOfKey[key.KeyId] = origin;
            var list = byOrigin.TryGetValue(origin, out var existing) ? existing : byOrigin[origin] = [];
            if (!list.Contains(key))
            {
                list.Add(key);
            }
        }
        _byOrigin = byOrigin.ToFrozenDictionary(e => e.Key, e => (IReadOnlyList<NodePublicKey>)[.. e.Value], StringComparer.Ordinal);
    }

    /// <summary>The codes of the peers with at least one key.</summary>
    public IEnumerable<string> Origins => _byOrigin.Keys;

    public bool TryGetKeys(string origin, [NotNullWhen(true)] out IReadOnlyList<NodePublicKey>? keys) =>
        _byOrigin.TryGetValue(origin, out keys);
}
