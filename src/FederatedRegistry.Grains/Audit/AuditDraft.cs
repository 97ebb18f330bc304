using System.Text.Json;
using FederatedRegistry.Domain.Audit;
using FederatedRegistry.Grains.Serialization;
using FederatedRegistry.Storage;
using Microsoft.Extensions.Logging;

namespace FederatedRegistry.Grains;

/// <summary>
/// An audit entry as a grain keeps it in its own state, written with the change it records, until it knows the entry
/// is in the audit log: a crash between the state write and the append then only delays the entry.
/// </summary>
/// <param name="SourceKey">Names the change; the log stores each source key once.</param>
/// <param name="At">When the change happened.</param>
/// <param name="Actor">Who made it.</param>
/// <param name="Action">What happened.</param>
/// <param name="Subject">What it happened to.</param>
/// <param name="Payload">The change as JSON.</param>
[GenerateSerializer, Immutable, Alias("fedreg.AuditDraft")]
public sealed record AuditDraft(
    [property: Id(0)] string SourceKey,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Actor,
    [property: Id(3)] string Action,
    [property: Id(4)] string Subject,
    [property: Id(5)] string Payload)
{
    /// <summary>A draft whose payload is <paramref name="payload"/> as JSON (the domain's JSON options).</summary>
    public static AuditDraft Of<T>(string sourceKey, DateTimeOffset at, string actor, string action, string subject, T payload) =>
        new(sourceKey, at, actor, action, subject, AuditRecords.Json(payload));

    /// <summary>The record the audit log stores: texts cleaned, the payload hashed.</summary>
    public AuditRecord ToRecord() => AuditRecords.Create(SourceKey, At, Actor, Action, Subject, Payload);
}

/// <summary>Audit records from the grains' changes.</summary>
public static class AuditRecords
{
    /// <summary>The record of one change; texts that could not be hashed or stored are cleaned, the payload is hashed.</summary>
    public static AuditRecord Create(string sourceKey, DateTimeOffset at, string actor, string action, string subject, string payload) =>
        new(sourceKey, at, AuditEntry.CleanText(actor), AuditEntry.CleanText(action), AuditEntry.CleanText(subject), payload,
            AuditEntry.Hex(AuditEntry.HashPayload(payload)));

    /// <summary>A payload as JSON, with the options grain state is written with.</summary>
    public static string Json<T>(T value) => JsonSerializer.Serialize(value, DomainSerialization.JsonOptions);
}

/// <summary>
/// The audit drafts a grain stored with its changes and has not yet seen appended to the log. After each change is
/// stored the grain calls <see cref="StoredAsync"/>, which appends what is pending; the next change leaves out what was
/// appended (<see cref="With"/>). On activation the grain appends what its state still holds, which after a crash is
/// what never reached the log. Appending is idempotent, so nothing is recorded twice.
/// </summary>
internal sealed class AuditBacklog(IAuditLog log)
{
    private readonly HashSet<string> _appended = new(StringComparer.Ordinal);

    /// <summary>Whether the stored draft <paramref name="sourceKey"/> is known to be in the log.</summary>
    public bool IsAppended(string sourceKey) => _appended.Contains(sourceKey);

    /// <summary>The drafts to store with a change: the stored ones not known to be appended, then the new ones.</summary>
    public IReadOnlyList<AuditDraft> With(IReadOnlyList<AuditDraft> stored, params IEnumerable<AuditDraft> fresh) =>
        [.. stored.Where(d => !_appended.Contains(d.SourceKey)), .. fresh];

    /// <summary>
    /// After a state holding <paramref name="stored"/> was written (or read at activation): appends the drafts not
    /// appended yet. A failure is the caller's to log: the drafts stay in the state and are appended with the next change
    /// or at the next activation.
    /// </summary>
    public async Task StoredAsync(IReadOnlyList<AuditDraft> stored)
    {
        _appended.IntersectWith(stored.Select(d => d.SourceKey));
        var pending = stored.Where(d => !_appended.Contains(d.SourceKey)).ToList();
        if (pending.Count == 0)
        {
            return;
        }
        await log.AppendAsync([.. pending.Select(d => d.ToRecord())]);
        _appended.UnionWith(pending.Select(d => d.SourceKey));
    }

    /// <summary>
    /// As <see cref="StoredAsync"/>, but a failure to append is logged, not thrown: the change it follows is already
    /// stored and acknowledged, and its drafts are safe in the state.
    /// </summary>
    public async Task TryStoredAsync(IReadOnlyList<AuditDraft> stored, ILogger logger, GrainId grain)
    {
        try
        {
            await StoredAsync(stored);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            AuditLogMessages.AppendDeferred(logger, e, grain);
        }
    }
}

internal static partial class AuditLogMessages
{
    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Audit entries of {Grain} could not be appended yet; they stay in its state and are appended with its next change or activation")]
    public static partial void AppendDeferred(ILogger logger, Exception error, GrainId grain);
}
