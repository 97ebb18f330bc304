using System.ComponentModel.DataAnnotations;

namespace FederatedRegistry.Grains;

/// <summary>Who this node is. Bound from the "Node" configuration section.</summary>
public sealed class NodeOptions
{
    public const string Section = "Node";

    /// <summary>ISO 3166-1 alpha-2 code of the jurisdiction (e.g. "KE"), or an observer's code (e.g. "INTL").</summary>
    [Required(ErrorMessage = "Node:Code is required: the jurisdiction's ISO 3166-1 alpha-2 code, e.g. KE.")]
    public string Code { get; set; } = "";

    /// <summary>Human-readable name of the authority that runs the node.</summary>
    [Required(ErrorMessage = "Node:Name is required: the name of the authority that runs this node.")]
    public string Name { get; set; } = "";

    /// <summary>"national" or "observer".</summary>
    public string Role { get; set; } = "national";

    /// <summary>Directory for the embedded database and the node's keys.</summary>
    [Required(ErrorMessage = "Node:DataDirectory is required: a directory for the node's embedded database and keys.")]
    public string DataDirectory { get; set; } = "";
}
