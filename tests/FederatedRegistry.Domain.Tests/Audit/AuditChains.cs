using System.Collections.Immutable;
using CsCheck;
using FederatedRegistry.Domain.Audit;
using FederatedRegistry.Domain.Signing;
using FederatedRegistry.Domain.Tests.Signing;

namespace FederatedRegistry.Domain.Tests.Audit;

/// <summary>Audit chains for tests: built by sealing entries one after the other, as the node's sealer does.</summary>
internal static class AuditChains
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    public static NodeKey Key => SigningFixtures.Kenya;

    /// <summary>A chain of <paramref name="count"/> entries, one second apart, with distinct subjects.</summary>
    public static IReadOnlyList<AuditEntry> Build(int count, long startSequence = 1, ImmutableArray<byte>? previous = null) =>
        Build(Enumerable.Range(0, count).Select(i => (
            Actor: i % 3 == 0 ? "authority:alice" : "provider:KE-PRV-acme:bob",
            Action: i % 2 == 0 ? "registered:submitted" : "decided:register",
            Subject: $"system:KE-SYS-{startSequence + i}",
            Payload: $"{{\"n\":{startSequence + i}}}")).ToList(), startSequence, previous);

    public static IReadOnlyList<AuditEntry> Build(
        IReadOnlyList<(string Actor, string Action, string Subject, string Payload)> changes, long startSequence = 1, ImmutableArray<byte>? previous = null)
    {
        var entries = new List<AuditEntry>(changes.Count);
        var hash = previous ?? AuditEntry.GenesisHash;
        for (var i = 0; i < changes.Count; i++)
        {
            var (actor, action, subject, payload) = changes[i];
            var entry = AuditEntry.Seal(startSequence + i, Start.AddSeconds(startSequence + i), actor, action, subject, AuditEntry.HashPayload(payload), hash);
            entries.Add(entry);
            hash = entry.EntryHash;
        }
        return entries;
    }

    public static AuditCheckpoint Checkpoint(IReadOnlyList<AuditEntry> entries, long size, NodeKey? key = null) =>
        AuditCheckpoint.Sign(key ?? Key, "KE", size, entries.Single(e => e.Sequence == size).EntryHash, Start.AddDays(1).AddSeconds(size));

    /// <summary>Text that the canonical encoding accepts: letters, digits, punctuation, accents and a character above U+FFFF.</summary>
    public static readonly Gen<string> Text = Gen.Select(
        Gen.Char["abcdefghijklmnopqrstuvwxyzABC0123456789:-_./@ éü"].Array[0, 24], Gen.Bool, (chars, astral) => new string(chars) + (astral ? "\U0001F600" : ""));

    public static readonly Gen<(string Actor, string Action, string Subject, string Payload)> Change =
        Gen.Select(Text, Text, Text, Text, (actor, action, subject, payload) => (actor, action, subject, payload));

    /// <summary>Chains of 1 to 40 entries with arbitrary texts.</summary>
    public static readonly Gen<IReadOnlyList<AuditEntry>> Chain = Change.List[1, 40].Select(changes => Build(changes));
}
