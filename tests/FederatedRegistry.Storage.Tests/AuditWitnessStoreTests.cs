using System.Security.Cryptography;
using System.Text;

namespace FederatedRegistry.Storage.Tests;

/// <summary>The witness store on each store: kept checkpoints per peer, evidence recorded once and never changed.</summary>
public abstract class AuditWitnessStoreTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>
    where TDatabase : StorageDatabase
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);

    private StorageProvider Provider => database.Provider;

    [Fact]
    public async Task SaveCheckpoint_KeepsEachSizeOnce_AndTheLatestIsTheLargestOfThatPeer()
    {
        var store = await NewStoreAsync();
        Assert.Null(await store.ReadLatestCheckpointAsync("FR"));

        await store.SaveCheckpointAsync("FR", Checkpoint("FR", 3), At);
        await store.SaveCheckpointAsync("FR", Checkpoint("FR", 9), At.AddMinutes(1).AddTicks(7));
        await store.SaveCheckpointAsync("FR", Checkpoint("FR", 9, head: "other"), At.AddMinutes(2));
        await store.SaveCheckpointAsync("BR", Checkpoint("BR", 20), At);

        var latest = await store.ReadLatestCheckpointAsync("FR");
        Assert.Equal(new WitnessedCheckpointRow("FR", Checkpoint("FR", 9), At.AddMinutes(1)), latest);
        Assert.Equal(20, (await store.ReadLatestCheckpointAsync("BR"))!.Checkpoint.Size);
    }

    [Fact]
    public async Task RecordEvidence_OncePerKeptCheckpoint_TheFirstStaysAsRecorded()
    {
        var store = await NewStoreAsync();
        var seen = Checkpoint("FR", 5);
        var first = new WitnessEvidenceRow("FR", At, seen, Checkpoint("FR", 7, head: "rewritten"), "The log was rewritten.\nEntry 6 does not follow entry 5.", "ZW52ZWxvcGU=");

        Assert.True(await store.RecordEvidenceAsync(first));
        Assert.False(await store.RecordEvidenceAsync(first with { DetectedAt = At.AddMinutes(1), Answered = Checkpoint("FR", 8), Findings = "later" }));
        Assert.True(await store.RecordEvidenceAsync(new WitnessEvidenceRow("FR", At.AddMinutes(2), null, null, "From the first entry.", "")));
        Assert.True(await store.RecordEvidenceAsync(first with { Peer = "BR" }));

        var evidence = await store.ReadEvidenceAsync("FR", 10);
        Assert.Equal(2, evidence.Count);
        Assert.Equal(new WitnessEvidenceRow("FR", At.AddMinutes(2), null, null, "From the first entry.", "", evidence[0].Id), evidence[0]);
        Assert.Equal(first with { Id = evidence[1].Id }, evidence[1]);
        Assert.True(evidence[0].Id > evidence[1].Id);
        Assert.Single(await store.ReadEvidenceAsync("FR", 1));
    }

    private static AuditCheckpointRow Checkpoint(string node, long size, string head = "head") =>
        new(size, Hash($"{head}{size}"), At.AddSeconds(size), node, "key-" + node, Hash($"signature{size}") + Hash($"s{size}"));

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private async Task<IAuditWitnessStore> NewStoreAsync()
    {
        var connectionString = await database.CreateEmptyDatabaseAsync("witness");
        await SchemaMigrator.ApplyAsync(Provider, connectionString);
        return AuditWitnessStore.Create(Provider, connectionString);
    }
}

public sealed class PostgresAuditWitnessStoreTests(PostgresDatabase database) : AuditWitnessStoreTests<PostgresDatabase>(database);

public sealed class SqliteAuditWitnessStoreTests(SqliteDatabase database) : AuditWitnessStoreTests<SqliteDatabase>(database);
