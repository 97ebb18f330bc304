namespace FederatedRegistry.Storage.Tests;

/// <summary>The envelope ledger on each store: an envelope is accepted once, by any number of concurrent callers.</summary>
public abstract class EnvelopeLedgerTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>
    where TDatabase : StorageDatabase
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task TryRecord_AcceptsAnEnvelopeOnce_PerOriginAndSequence()
    {
        var ledger = await NewLedgerAsync();

        Assert.True(await ledger.TryRecordAsync("FR", 1, At.AddMinutes(6)));
        Assert.False(await ledger.TryRecordAsync("FR", 1, At.AddMinutes(7)));
        Assert.True(await ledger.TryRecordAsync("FR", 2, At.AddMinutes(6)));
        Assert.True(await ledger.TryRecordAsync("INTL", 1, At.AddMinutes(6)));
    }

    [Fact]
    public async Task TryRecord_FromManyCallersAtOnce_AcceptsEachEnvelopeExactlyOnce()
    {
        var ledger = await NewLedgerAsync();
        // Four silos racing for the same 50 envelopes.
        var attempts = Enumerable.Range(0, 4).SelectMany(_ => Enumerable.Range(1, 50))
            .Select(async sequence => (sequence, accepted: await ledger.TryRecordAsync("KE", sequence, At.AddMinutes(6))));

        var results = await Task.WhenAll(attempts);

        Assert.All(results.GroupBy(r => r.sequence), g => Assert.Equal(1, g.Count(r => r.accepted)));
    }

    [Fact]
    public async Task ForgetExpired_ForgetsOnlyWhatExpired()
    {
        var ledger = await NewLedgerAsync();
        await ledger.TryRecordAsync("FR", 1, At);
        await ledger.TryRecordAsync("FR", 2, At.AddMinutes(10));

        Assert.Equal(1, await ledger.ForgetExpiredAsync(At.AddMinutes(1)));

        Assert.True(await ledger.TryRecordAsync("FR", 1, At.AddMinutes(11)));
        Assert.False(await ledger.TryRecordAsync("FR", 2, At.AddMinutes(11)));
    }

    private async Task<IEnvelopeLedger> NewLedgerAsync()
    {
        var connectionString = await database.CreateEmptyDatabaseAsync("ledger");
        await SchemaMigrator.ApplyAsync(database.Provider, connectionString);
        return EnvelopeLedger.Create(database.Provider, connectionString);
    }
}

public sealed class PostgresEnvelopeLedgerTests(PostgresDatabase database) : EnvelopeLedgerTests<PostgresDatabase>(database);

public sealed class SqliteEnvelopeLedgerTests(SqliteDatabase database) : EnvelopeLedgerTests<SqliteDatabase>(database);
