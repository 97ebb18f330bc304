using System.Globalization;
using FederatedRegistry.Domain.Signing;

namespace FederatedRegistry.Domain.Audit;

/// <summary>
/// A verification as people read it: what was checked, each finding, and the verdict. Both verifiers print these
/// lines (<c>fedreg-node audit verify</c> over HTTP, <c>fedreg audit verify</c> over gRPC), so an operator reading one
/// and a script matching the other see the same sentences.
/// </summary>
public static class AuditReport
{
    /// <summary>The first words of the verdict line of an intact log.</summary>
    public const string IntactPrefix = "Intact:";

    /// <summary>The first words of the verdict line of a log that is not intact.</summary>
    public const string TamperedPrefix = "Tampered:";

    /// <summary>The report, one sentence a line: the log checked, its latest checkpoint, every finding, then the verdict.</summary>
    /// <param name="log">Whose log was read, e.g. <c>http://127.0.0.1:5080/</c>.</param>
    /// <param name="verification">What <see cref="AuditVerifier.Verify"/> (and, with payloads, <see cref="AuditVerifier.VerifyPayloads"/>) found.</param>
    /// <param name="checkpoint">The latest checkpoint the node answered, whether or not its signature verified; null when it has none.</param>
    /// <param name="key">The key the log was checked with.</param>
    /// <param name="payloadsChecked">Whether the payloads were checked against their hashes as well.</param>
    public static IReadOnlyList<string> Lines(string log, AuditVerification verification, AuditCheckpoint? checkpoint, NodePublicKey key, bool payloadsChecked)
    {
        ArgumentNullException.ThrowIfNull(verification);
        ArgumentNullException.ThrowIfNull(key);
        var lines = new List<string>
        {
            verification.EntryCount == 0
                ? $"The audit log of {log} has no sealed entries yet; checked with key {key.KeyId}."
                : string.Create(CultureInfo.InvariantCulture,
                    $"The audit log of {log}: {Entries(verification.EntryCount)}, up to sequence {verification.LastSequence}; checked with key {key.KeyId}."),
            checkpoint is null
                ? "The node has signed no checkpoint yet: the chain can be checked, but nothing signed vouches for it."
                : string.Create(CultureInfo.InvariantCulture,
                    $"Latest checkpoint: {Entries(checkpoint.Size)}, signed by {checkpoint.NodeCode} at {Time(checkpoint.At)} with key {checkpoint.KeyId}."),
        };
        lines.AddRange(verification.Findings.Select(f => f.Message));
        lines.Add(Verdict(verification, checkpoint is not null, payloadsChecked));
        return lines;
    }

    /// <summary>
    /// The last line: "Intact: ..." saying what was shown, or "Tampered: ..." naming the first bad entry (or the
    /// checkpoint, when no entry is at fault).
    /// </summary>
    public static string Verdict(AuditVerification verification, bool checkpointed, bool payloadsChecked)
    {
        ArgumentNullException.ThrowIfNull(verification);
        if (verification.IsIntact)
        {
            return IntactPrefix + (checkpointed
                ? " every entry follows the one before it, unaltered, and the log leads to the head the node signed"
                : " every entry follows the one before it, unaltered")
                + (payloadsChecked ? "; every payload matches its hash." : ".");
        }
        return verification.FirstBadSequence is { } first
            ? string.Create(CultureInfo.InvariantCulture, $"{TamperedPrefix} the first bad entry is sequence {first}.")
            : $"{TamperedPrefix} the checkpoint was not signed by this key.";
    }

    private static string Entries(long count) => count == 1 ? "1 entry" : string.Create(CultureInfo.InvariantCulture, $"{count} entries");

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
