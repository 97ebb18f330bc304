using System.Security.Cryptography;
using FederatedRegistry.Domain.Audit;
using FederatedRegistry.Domain.Signing;
using V1 = FederatedRegistry.Contracts.V1;

namespace FederatedRegistry.Federation;

/// <summary>What reading and verifying a node's whole audit log came to.</summary>
/// <param name="Verification">The findings; intact when there are none.</param>
/// <param name="Checkpoint">The latest checkpoint the node answered (verified or not); null when it has signed none.</param>
/// <param name="PayloadsChecked">Whether every payload was also checked against its hash.</param>
public sealed record AuditLogCheckResult(AuditVerification Verification, AuditCheckpoint? Checkpoint, bool PayloadsChecked)
{
    /// <summary>The report lines (<see cref="AuditReport.Lines"/>) for the log of <paramref name="log"/>.</summary>
    public IReadOnlyList<string> Lines(string log, NodePublicKey key) => AuditReport.Lines(log, Verification, Checkpoint, key, PayloadsChecked);
}

/// <summary>
/// Reads a node's audit log (every sealed entry, page by page) and its latest checkpoint through whichever API the
/// caller speaks, and verifies them with <see cref="AuditVerifier"/> and nothing but the node's public key. The HTTP
/// verifier of the node and the gRPC one of the command line differ only in how they fetch a page.
/// </summary>
public static class AuditLogCheck
{
    /// <summary>The most entries a node answers in one page.</summary>
    public const int MaxPageSize = 1000;

    /// <param name="latestCheckpoint">The node's latest checkpoint, or null when it answers that it has none.</param>
    /// <param name="page">The page of entries from a sequence number on, with payloads when asked.</param>
    /// <param name="key">The node's public key.</param>
    /// <param name="payloads">Also check every payload against its entry's payload hash (the node's authority only).</param>
    /// <param name="ct">Stops the reading.</param>
    public static async Task<AuditLogCheckResult> RunAsync(
        Func<CancellationToken, Task<V1.AuditCheckpoint?>> latestCheckpoint,
        Func<long, bool, CancellationToken, Task<V1.ListAuditEntriesResponse>> page,
        NodePublicKey key,
        bool payloads,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(latestCheckpoint);
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(key);

        // The checkpoint first: every entry it covers is sealed before the entries are read.
        var answered = await latestCheckpoint(ct);
        var checkpoint = answered is null ? null : AuditMessages.ToDomain(answered);
        var entries = new List<(AuditEntry Entry, string Payload)>();
        var from = 1L;
        while (true)
        {
            var current = await page(from, payloads, ct);
            entries.AddRange(current.Entries.Select(e => (AuditMessages.ToDomain(e), e.Payload)));
            if (current.NextFrom <= from)
            {
                break;
            }
            from = current.NextFrom;
        }

        var verification = AuditVerifier.Verify(entries.Select(e => e.Entry), checkpoint is null ? [] : [checkpoint], key);
        if (payloads)
        {
            verification = verification.With(AuditVerifier.VerifyPayloads(entries));
        }
        return new AuditLogCheckResult(verification, checkpoint, payloads);
    }

    /// <summary>
    /// The key a user gave: a PEM PUBLIC KEY block, the base64 SubjectPublicKeyInfo that GetNodeInfo shows, or the path
    /// of a file holding either. Null, with the sentence to print, when it is none of these.
    /// </summary>
    public static NodePublicKey? ReadPublicKey(string keyOrFile, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(keyOrFile);
        try
        {
            problem = null;
            return NodePublicKey.Parse(File.Exists(keyOrFile) ? File.ReadAllText(keyOrFile) : keyOrFile);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            problem = $"--public-key is not an ECDSA P-256 public key (PEM, base64 SubjectPublicKeyInfo, or a file holding one): {e.Message}";
            return null;
        }
    }
}
