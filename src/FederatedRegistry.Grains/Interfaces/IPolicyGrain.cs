using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Sharing;

namespace FederatedRegistry.Grains;

/// <summary>
/// The node's sharing policy, held durably and versioned. The node uses the grain keyed <see cref="NodePolicy"/>;
/// other keys exist only so that tests do not share one policy. Deny by default: until a policy is installed the
/// grain answers version 0, a policy that grants nothing.
/// </summary>
public interface IPolicyGrain : IGrainWithStringKey
{
    /// <summary>The key of the policy the node runs under.</summary>
    const string NodePolicy = "node";

    /// <summary>The current version: version 0 and a deny-all document until a policy is installed.</summary>
    Task<PolicyVersion> GetAsync();

    /// <summary>The current version as the evaluator takes it (the deny-all policy while none is installed).</summary>
    Task<SharingPolicy> GetPolicyAsync();

    /// <summary>Every installed version, oldest first (empty while the policy is the deny-all version 0).</summary>
    Task<IReadOnlyList<PolicyVersion>> GetHistoryAsync();

    /// <summary>
    /// Installs <paramref name="document"/> (SharingPolicyDocument JSON) as the next version, unless it equals the current
    /// policy (the <c>version</c> inside a document is ignored: the node numbers versions), in which case the current
    /// version is returned unchanged. Invalid when the document does not parse for this node.
    /// </summary>
    Task<Outcome<PolicyVersion>> InstallAsync(string document);

    /// <summary>
    /// As <see cref="InstallAsync"/>, but only when the current version is <paramref name="expectedVersion"/>;
    /// otherwise a VersionConflict naming <c>expected_version</c>.
    /// </summary>
    Task<Outcome<PolicyVersion>> ReplaceAsync(string document, int expectedVersion);
}

/// <summary>One version of the node's sharing policy.</summary>
/// <param name="Version">0 for the built-in deny-all policy, then 1, 2, ... with every change.</param>
/// <param name="Document">The canonical JSON (SharingPolicyDocument.Write) whose <c>version</c> equals <paramref name="Version"/>.</param>
/// <param name="UpdatedAt">When the version was installed; null for version 0.</param>
[GenerateSerializer, Immutable, Alias("fedreg.PolicyVersion")]
public sealed record PolicyVersion(
    [property: Id(0)] int Version,
    [property: Id(1)] string Document,
    [property: Id(2)] DateTimeOffset? UpdatedAt);
