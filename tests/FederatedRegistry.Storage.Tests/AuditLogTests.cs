using System.Security.Cryptography;
using System.Text;

namespace FederatedRegistry.Storage.Tests;

/// <summary>The audit log on each store: idempotent appends, sealing by a single writer, reads by sequence, checkpoints.</summary>
public abstract class AuditLogTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>
    where TDatabase : StorageDatabase
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);

    private StorageProvider Provider => database.Provider;

    [Fact]
    public async Task Append_ThenReadUnsealed_GivesTheEntriesInInsertOrderToTheMicrosecond()
    {
        var log = await NewLogAsync();
        var records = Enumerable.Range(1, 5).Select(i => Record($"k{i}", At.AddTicks(i * 10 + 7))).ToList();

        await log.AppendAsync(records[..3]);
        await log.AppendAsync(records[3..]);

        var unsealed = await log.ReadUnsealedAsync(100);
        Assert.Equal(records.Select(r => (r.Actor, r.Subject)), unsealed.Select(u => (u.Actor, u.Subject)));
        Assert.Equal(records.Select(r => r.At.AddTicks(-7)), unsealed.Select(u => u.At));
        Assert.True(unsealed.Select(u => u.Id).SequenceEqual(unsealed.Select(u => u.Id).Order()));
        Assert.Equal(5, await log.CountUnsealedAsync());
    }

    [Fact]
    public async Task Append_TheSameSourceKeyAgain_RecordsItOnce()
    {
        var log = await NewLogAsync();
        var record = Record("system:KE-SYS-1:v1");

        await log.AppendAsync([record]);
        await log.AppendAsync([record with { Actor = "someone-else" }, Record("system:KE-SYS-1:v2")]);
        await log.AppendAsync([Record("dup"), Record("dup")]);

        var unsealed = await log.ReadUnsealedAsync(100);
        Assert.Equal(["authority:alice", "authority:alice", "authority:alice"], unsealed.Select(u => u.Actor));
        Assert.Equal(3, unsealed.Count);
    }

    [Fact]
    public async Task ReadBySourceKeyPrefix_GivesExactlyTheEntriesUnderThePrefix_SealedOrNot_InAppendOrder()
    {
        var log = await NewLogAsync();
        await log.AppendAsync([Record("system:KE-SYS-A:v10"), Record("system:KE-SYS-AB:v1"), Record("system:KE-SYS-A:v1")]);
        var unsealed = await log.ReadUnsealedAsync(10);
        await log.SealAsync([.. unsealed.Select((u, i) => new AuditSeal(u.Id, i + 1, Hash($"prev{i}"), Hash($"entry{i}")))]);
        await log.AppendAsync([Record("system:KE-SYS-A:v2"), Record("system:KE-SYS-A:w"), Record("system:KE-SYS-A:"), Record("provider:KE-SYS-A:v1")]);

        var entries = await log.ReadBySourceKeyPrefixAsync("system:KE-SYS-A:v");

        // In the order appended, not by key.
        Assert.Equal(["system:KE-SYS-A:v10", "system:KE-SYS-A:v1", "system:KE-SYS-A:v2"], entries.Select(e => e.SourceKey));
        Assert.All(entries, e => Assert.Equal($"{{\"key\":\"{e.SourceKey}\"}}", e.Payload));
        Assert.All(entries, e => Assert.Equal(("authority:alice", "registered:submitted"), (e.Actor, e.Action)));
        Assert.Empty(await log.ReadBySourceKeyPrefixAsync("system:KE-SYS-Z:v"));
        Assert.Equal((3L, 0L), (await log.CountBySourceKeyPrefixAsync("system:KE-SYS-A:v"), await log.CountBySourceKeyPrefixAsync("system:KE-SYS-Z:v")));
    }

    [Fact]
    public async Task FindSourceKeys_GivesThoseTheLogHolds_SealedOrNot_InChunksOfAnySize()
    {
        var log = await NewLogAsync();
        await log.AppendAsync([Record("held:1"), Record("held:2")]);
        var unsealed = await log.ReadUnsealedAsync(10);
        await log.SealAsync([.. unsealed.Take(1).Select((u, i) => new AuditSeal(u.Id, i + 1, Hash($"prev{i}"), Hash($"entry{i}")))]);
        string[] asked = ["held:1", "held:2", "held:1", .. Enumerable.Range(0, 1200).Select(i => $"absent:{i}")];

        var found = await log.FindSourceKeysAsync(asked);

        Assert.Equal(["held:1", "held:2"], found.Order(StringComparer.Ordinal));
        Assert.Empty(await log.FindSourceKeysAsync([]));
    }

    [Fact]
    public async Task Seal_GivesEntriesTheirPlaceInTheChain_AndReadEntriesReturnsThemBySequence()
    {
        var log = await NewLogAsync();
        await log.AppendAsync([Record("a"), Record("b"), Record("c")]);
        var unsealed = await log.ReadUnsealedAsync(10);
        Assert.Equal(new AuditChainHead(0, null), await log.ReadHeadAsync());

        await log.SealAsync([.. unsealed.Select((u, i) => new AuditSeal(u.Id, i + 1, Hash($"prev{i}"), Hash($"entry{i}")))]);

        Assert.Empty(await log.ReadUnsealedAsync(10));
        Assert.Equal(new AuditChainHead(3, Hash("entry2")), await log.ReadHeadAsync());
        var entries = await log.ReadEntriesAsync(1, 10);
        Assert.Equal([1L, 2L, 3L], entries.Select(e => e.Sequence));
        Assert.Equal(["a", "b", "c"], entries.Select(e => e.SourceKey));
        Assert.Equal(Hash("prev1"), entries[1].PreviousHash);
        Assert.Equal(Hash("entry1"), entries[1].EntryHash);
        Assert.Equal("{\"key\":\"b\"}", entries[1].Payload);
        Assert.Equal(PayloadHash("{\"key\":\"b\"}"), entries[1].PayloadHash);
        Assert.Equal([2L, 3L], (await log.ReadEntriesAsync(2, 10)).Select(e => e.Sequence));
        Assert.Equal([2L], (await log.ReadEntriesAsync(2, 1)).Select(e => e.Sequence));
        Assert.Empty(await log.ReadEntriesAsync(4, 10));
    }

    [Fact]
    public async Task ReadEntries_LeavesOutWhatIsNotSealedYet()
    {
        var log = await NewLogAsync();
        await log.AppendAsync([Record("a"), Record("b")]);
        var first = (await log.ReadUnsealedAsync(1)).Single();
        await log.SealAsync([new AuditSeal(first.Id, 1, Hash("p"), Hash("e"))]);

        var entries = await log.ReadEntriesAsync(1, 10);

        Assert.Equal(["a"], entries.Select(e => e.SourceKey));
        Assert.Equal(1, await log.CountUnsealedAsync());
    }

    [Fact]
    public async Task Seal_AnEntryThatIsAlreadySealed_SealsNothing()
    {
        var log = await NewLogAsync();
        await log.AppendAsync([Record("a"), Record("b")]);
        var unsealed = await log.ReadUnsealedAsync(10);
        await log.SealAsync([new AuditSeal(unsealed[0].Id, 1, Hash("p"), Hash("e1"))]);

        await Assert.ThrowsAsync<InvalidOperationException>(() => log.SealAsync(
            [new AuditSeal(unsealed[1].Id, 2, Hash("e1"), Hash("e2")), new AuditSeal(unsealed[0].Id, 3, Hash("e2"), Hash("e3"))]));

        Assert.Equal([unsealed[1].Id], (await log.ReadUnsealedAsync(10)).Select(u => u.Id));
        Assert.Equal(new AuditChainHead(1, Hash("e1")), await log.ReadHeadAsync());
    }

    [Fact]
    public async Task Seal_ASequenceNumberTakenAlready_IsRefused()
    {
        var log = await NewLogAsync();
        await log.AppendAsync([Record("a"), Record("b")]);
        var unsealed = await log.ReadUnsealedAsync(10);
        await log.SealAsync([new AuditSeal(unsealed[0].Id, 1, Hash("p"), Hash("e1"))]);

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => log.SealAsync([new AuditSeal(unsealed[1].Id, 1, Hash("p"), Hash("e2"))]));

        Assert.Single(await log.ReadUnsealedAsync(10));
    }

    [Fact]
    public async Task Checkpoints_AreReadByLatestAndBySize_AndASecondOfOneSizeIsIgnored()
    {
        var log = await NewLogAsync();
        Assert.Null(await log.ReadLatestCheckpointAsync());
        var small = new AuditCheckpointRow(3, Hash("h3"), At.AddTicks(17), "KE", "key-id", Hash("sig3"));
        var large = new AuditCheckpointRow(8, Hash("h8"), At.AddMinutes(1), "KE", "key-id", Hash("sig8"));

        await log.SaveCheckpointAsync(large);
        await log.SaveCheckpointAsync(small);
        await log.SaveCheckpointAsync(small with { HeadHash = Hash("other") });

        Assert.Equal(large, await log.ReadLatestCheckpointAsync());
        Assert.Equal(small with { At = At.AddTicks(10) }, await log.ReadCheckpointAsync(3));
        Assert.Null(await log.ReadCheckpointAsync(5));
    }

    [Fact]
    public async Task UpsertWithAudit_AppendsTheEntriesOfTheVersionsAfterTheStoredOne_InTheSameStep()
    {
        var (index, log) = await NewIndexAndLogAsync();
        var row = TestRows.System();
        Func<int, IReadOnlyList<AuditRecord>> audit(int version) => stored =>
            [.. Enumerable.Range(stored + 1, version - stored).Select(v => Record($"system:{row.Id}:v{v}"))];

        await index.UpsertSystemAsync(row, audit(1));
        var gap = await index.UpsertSystemAsync(row with { StateVersion = 3 }, audit(3));
        var unchanged = await index.UpsertSystemAsync(row with { StateVersion = 2 }, audit(2));

        Assert.Equal(1, gap?.PreviousStateVersion);
        Assert.Null(unchanged);
        Assert.Equal([$"system:{row.Id}:v1", $"system:{row.Id}:v2", $"system:{row.Id}:v3"],
            (await ReadSourceKeysAsync(log)));
    }

    [Fact]
    public async Task UpsertWithAudit_OfEachNextVersion_StoresTheRowAndExactlyThatVersionsEntry()
    {
        var (index, log) = await NewIndexAndLogAsync();
        var row = TestRows.System() with { Status = "draft" };
        Func<int, IReadOnlyList<AuditRecord>> audit(int version) => stored =>
            [.. Enumerable.Range(stored + 1, version - stored).Select(v => Record($"system:{row.Id}:v{v}"))];

        await index.UpsertSystemAsync(row, audit(1));
        var second = await index.UpsertSystemAsync(row with { StateVersion = 2, Name = "Renamed" }, audit(2));
        var third = await index.UpsertSystemAsync(row with { StateVersion = 3, Name = "Renamed", Status = "submitted" }, audit(3));

        Assert.Equal((1, 2), (second?.PreviousStateVersion, second?.StateVersion));
        Assert.Empty(second!.Deltas);
        Assert.Equal(["status/draft:-1", "status/submitted:1"], third!.Deltas.Select(d => $"{d.Dimension}/{d.Value}:{d.Delta}"));
        var stored = await index.GetSystemAsync(row.Id);
        Assert.Equal((3, "Renamed", "submitted"), (stored!.StateVersion, stored.Name, stored.Status));
        Assert.Equal([$"system:{row.Id}:v1", $"system:{row.Id}:v2", $"system:{row.Id}:v3"], await ReadSourceKeysAsync(log));
    }

    [Fact]
    public async Task UpsertWithAudit_ForAnIncident_AppendsItsEntry()
    {
        var (index, log) = await NewIndexAndLogAsync();
        var row = TestRows.Incident();

        await index.UpsertIncidentAsync(row, stored => [Record($"incident:{row.Id}:v{stored + 1}")]);

        Assert.Equal([$"incident:{row.Id}:v1"], await ReadSourceKeysAsync(log));
    }

    [Fact]
    public async Task UpsertWithAudit_WhoseEntryCannotBeStored_StoresNeitherTheRowNorTheEntry()
    {
        var (index, log) = await NewIndexAndLogAsync();
        var row = TestRows.System();

        await Assert.ThrowsAnyAsync<Exception>(() => index.UpsertSystemAsync(row, _ => [Record("ok"), Record("") ]));

        Assert.Null(await index.GetSystemAsync(row.Id));
        Assert.Empty(await ReadSourceKeysAsync(log));
    }

    [Fact]
    public async Task UpsertWithAudit_OfTheNextVersion_WhoseEntryCannotBeStored_LeavesTheRowAtItsVersion()
    {
        var (index, log) = await NewIndexAndLogAsync();
        var row = TestRows.System();
        await index.UpsertSystemAsync(row, _ => [Record($"system:{row.Id}:v1")]);

        // A change of uncounted fields only: the update that needs no counts moved.
        await Assert.ThrowsAnyAsync<Exception>(() => index.UpsertSystemAsync(row with { StateVersion = 2, Name = "Renamed" }, _ => [Record("ok"), Record("")]));

        var stored = await index.GetSystemAsync(row.Id);
        Assert.Equal((1, row.Name), (stored!.StateVersion, stored.Name));
        Assert.Equal([$"system:{row.Id}:v1"], await ReadSourceKeysAsync(log));
    }

    [Fact]
    public async Task UpsertWithAudit_ReappliedAfterTheEntryWasLost_DoesNotDuplicateIt()
    {
        var (index, log) = await NewIndexAndLogAsync();
        var row = TestRows.System();
        await index.UpsertSystemAsync(row, _ => [Record($"system:{row.Id}:v1")]);

        await log.AppendAsync([Record($"system:{row.Id}:v1")]);
        await index.UpsertSystemAsync(row with { StateVersion = 2 }, stored => [Record($"system:{row.Id}:v{stored}"), Record($"system:{row.Id}:v2")]);

        Assert.Equal([$"system:{row.Id}:v1", $"system:{row.Id}:v2"], await ReadSourceKeysAsync(log));
    }

    [Fact]
    public async Task FindGrainKeysWithoutEntry_ListsTheGrainsWhoseDerivedSourceKeyIsMissing()
    {
        var connectionString = await NewDatabaseAsync();
        var log = AuditLog.Create(Provider, connectionString);
        foreach (var key in new[] { "KE-PRV-a", "KE-PRV-b", "KE-PRV-c" })
        {
            await DirectSql.ExecuteAsync(Provider, connectionString, """
                INSERT INTO orleans_storage
                    (grain_id_hash, grain_type_hash, grain_id_n0, grain_id_n1, service_id, grain_type, grain_id_extension, payload, version)
                VALUES (0, 0, 0, 0, 'KE', 'provider', @key, @payload, 1)
                """, ("key", key), ("payload", new byte[] { 1 }));
        }
        await log.AppendAsync([Record("provider:KE-PRV-b:created")]);

        var missing = new List<string>();
        await foreach (var key in log.FindGrainKeysWithoutEntryAsync("provider", "provider:", ":created"))
        {
            missing.Add(key);
        }

        Assert.Equal(["KE-PRV-a", "KE-PRV-c"], missing);
    }

    private static AuditRecord Record(string sourceKey, DateTimeOffset? at = null) =>
        new(sourceKey, at ?? At, "authority:alice", "registered:submitted", $"system:{sourceKey}", $"{{\"key\":\"{sourceKey}\"}}",
            PayloadHash($"{{\"key\":\"{sourceKey}\"}}"));

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string PayloadHash(string payload) => Hash(payload);

    private static async Task<List<string>> ReadSourceKeysAsync(IAuditLog log)
    {
        var unsealed = await log.ReadUnsealedAsync(100);
        var size = (await log.ReadHeadAsync()).Size;
        // Source keys of unsealed rows are not part of the read; seal them to read them back.
        await log.SealAsync([.. unsealed.Select((u, i) => new AuditSeal(u.Id, size + i + 1, Hash("p"), Hash($"e{u.Id}")))]);
        return [.. (await log.ReadEntriesAsync(1, 100)).Select(e => e.SourceKey)];
    }

    private async Task<string> NewDatabaseAsync()
    {
        var connectionString = await database.CreateEmptyDatabaseAsync("audit");
        await SchemaMigrator.ApplyAsync(Provider, connectionString);
        return connectionString;
    }

    private async Task<IAuditLog> NewLogAsync() => AuditLog.Create(Provider, await NewDatabaseAsync());

    private async Task<(IRegistryIndex Index, IAuditLog Log)> NewIndexAndLogAsync()
    {
        var connectionString = await NewDatabaseAsync();
        return (RegistryIndex.Create(Provider, connectionString), AuditLog.Create(Provider, connectionString));
    }
}

public sealed class PostgresAuditLogTests(PostgresDatabase database) : AuditLogTests<PostgresDatabase>(database);

public sealed class SqliteAuditLogTests(SqliteDatabase database) : AuditLogTests<SqliteDatabase>(database);
