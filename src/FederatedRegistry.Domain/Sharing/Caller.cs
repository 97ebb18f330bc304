namespace FederatedRegistry.Domain.Sharing;

/// <summary>What a node is in the federation, as the node's <c>Node:Role</c> and the peer directory say.</summary>
public enum NodeRole
{
    /// <summary>A sovereign jurisdiction's node; its code is an ISO 3166-1 alpha-2 country code.</summary>
    National = 1,

    /// <summary>An international body's node, e.g. INTL.</summary>
    Observer = 2,
}

/// <summary>The node asking for data (or to be pushed to), as the peer directory describes it once it is authenticated.</summary>
public sealed record Caller(string NodeCode, NodeRole Role)
{
    /// <summary>
    /// A node code (<see cref="Identifiers.IsNodeCode"/>) and a defined role, and a national node's code is a country.
    /// A caller that is not well formed matches no grant at all.
    /// </summary>
    public bool IsWellFormed =>
        Identifiers.IsNodeCode(NodeCode) &&
        Role switch
        {
            NodeRole.National => CountryCodes.IsAssigned(NodeCode),
            NodeRole.Observer => true,
            _ => false,
        };
}

/// <summary>
/// The audiences a grant may name: one node by its code ("FR", "INTL"), or a class of nodes.
/// No audience ever covers the node that owns the policy.
/// </summary>
public static class Audiences
{
    /// <summary>Every node whose role is observer.</summary>
    public const string Observers = "observers";

    /// <summary>Every national node (a peer jurisdiction); observers are not peers: grant them through <see cref="Observers"/>.</summary>
    public const string AllPeers = "all-peers";

    /// <summary>A class name or a node code.</summary>
    public static bool IsAudience(string? audience) => audience is Observers or AllPeers || Identifiers.IsNodeCode(audience);

    /// <summary>Whether a grant to <paramref name="audience"/> in the policy of node <paramref name="owner"/> covers the caller.</summary>
    public static bool Covers(string audience, string owner, Caller caller) =>
        caller.IsWellFormed &&
        !string.Equals(caller.NodeCode, owner, StringComparison.Ordinal) &&
        audience switch
        {
            Observers => caller.Role == NodeRole.Observer,
            AllPeers => caller.Role == NodeRole.National,
            _ => string.Equals(audience, caller.NodeCode, StringComparison.Ordinal),
        };

    /// <summary>
    /// Whether every node the audience covers may appear among an incident's affected jurisdictions, i.e. has a
    /// country code: false for observers and for an observer's code.
    /// </summary>
    public static bool IsJurisdictional(string audience) => audience == AllPeers || CountryCodes.IsAssigned(audience);
}
