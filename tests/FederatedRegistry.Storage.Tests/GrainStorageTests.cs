using FederatedRegistry.Storage.Tests.Grains;
using Orleans.Storage;

namespace FederatedRegistry.Storage.Tests;

/// <summary>The real Orleans ADO.NET grain storage provider against our schema.</summary>
public abstract class GrainStorageTests<TDatabase>(SiloFixture<TDatabase> fixture)
    where TDatabase : StorageDatabase, new()
{
    private TDatabase Database => fixture.Database;

    private IGrainStorage Storage => fixture.Silo.Storage();

    [Fact]
    public async Task WrittenState_IsReadBackByANewSiloAfterRestart()
    {
        var key = NewKey();
        await using (var first = await TestSilo.StartAsync(Database.Provider, Database.ConnectionString))
        {
            var grain = first.Grains.GetGrain<ITestStateGrain>(key);
            await grain.WriteAsync("before");
            await grain.WriteAsync("after restart");
        }

        await using var second = await TestSilo.StartAsync(Database.Provider, Database.ConnectionString);
        var restored = second.Grains.GetGrain<ITestStateGrain>(key);

        var state = await restored.ReadAsync();
        Assert.Equal("after restart", state.Text);
        Assert.Equal(2, state.Writes);
        Assert.Equal("2", await restored.GetEtagAsync());
        Assert.True(await restored.RecordExistsAsync());
    }

    [Fact]
    public async Task GrainWrite_AfterAnotherWriterMovedTheVersion_ThrowsInconsistentStateException()
    {
        var key = NewKey();
        var grain = fixture.Silo.Grains.GetGrain<ITestStateGrain>(key);
        await grain.WriteAsync("mine");
        await Database.ExecuteAsync(
            "UPDATE orleans_storage SET version = version + 1 WHERE grain_type = @type AND grain_id_extension = @key",
            ("type", TestStateGrain.StateName), ("key", key));

        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.WriteAsync("stale"));
    }

    [Fact]
    public async Task GrainClear_RemovesTheStateForANewActivation()
    {
        var key = NewKey();
        var grain = fixture.Silo.Grains.GetGrain<ITestStateGrain>(key);
        await grain.WriteAsync("to be cleared");

        await grain.ClearAsync();

        Assert.False(await grain.RecordExistsAsync());
        var stored = await ReadAsync(TestStateGrain.StateName, key);
        Assert.False(stored.RecordExists);
        Assert.Equal(string.Empty, stored.Text);
        Assert.Equal("2", stored.ETag);
    }

    [Fact]
    public async Task Etags_AreVersionsCountingUpFromOne()
    {
        var (name, key) = (NewStateName(), NewKey());

        var first = await WriteAsync(name, key, "a", etag: null);
        var second = await WriteAsync(name, key, "b", etag: first);

        Assert.Equal(("1", "2"), (first, second));
        var stored = await ReadAsync(name, key);
        Assert.Equal(("b", "2", true), (stored.Text, stored.ETag, stored.RecordExists));
    }

    [Fact]
    public async Task Read_OfStateNeverWritten_HasNoEtagAndNoRecord()
    {
        var stored = await ReadAsync(NewStateName(), NewKey());

        Assert.Null(stored.ETag);
        Assert.False(stored.RecordExists);
    }

    [Fact]
    public async Task Write_WithStaleEtag_ThrowsAndKeepsTheStoredState()
    {
        var (name, key) = (NewStateName(), NewKey());
        var first = await WriteAsync(name, key, "a", etag: null);
        await WriteAsync(name, key, "b", etag: first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(name, key, "stale", etag: first));

        var stored = await ReadAsync(name, key);
        Assert.Equal(("b", "2"), (stored.Text, stored.ETag));
    }

    [Fact]
    public async Task FirstWrite_WhenAnotherWriterInsertedFirst_ThrowsInconsistentStateException()
    {
        var (name, key) = (NewStateName(), NewKey());
        await WriteAsync(name, key, "winner", etag: null);

        await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(name, key, "loser", etag: null));

        Assert.Equal("winner", (await ReadAsync(name, key)).Text);
    }

    [Fact]
    public async Task Write_WithAnEtagWhenNoRowExists_ThrowsInconsistentStateException()
    {
        await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(NewStateName(), NewKey(), "ghost", etag: "3"));
    }

    [Fact]
    public async Task Clear_KeepsAVersionSoTheNextWriteContinuesFromIt()
    {
        var (name, key) = (NewStateName(), NewKey());
        var state = new GrainState<TestState>(new TestState { Text = "a" });
        await Storage.WriteStateAsync(name, GrainIdOf(key), state);

        await Storage.ClearStateAsync(name, GrainIdOf(key), state);

        Assert.Equal(("2", false), (state.ETag, state.RecordExists));
        var cleared = await ReadAsync(name, key);
        Assert.Equal(("2", false, string.Empty), (cleared.ETag, cleared.RecordExists, cleared.Text));
        Assert.Equal("3", await WriteAsync(name, key, "again", etag: "2"));
    }

    [Fact]
    public async Task Clear_WithStaleEtag_ThrowsInconsistentStateException()
    {
        var (name, key) = (NewStateName(), NewKey());
        var first = await WriteAsync(name, key, "a", etag: null);
        await WriteAsync(name, key, "b", etag: first);
        var stale = new GrainState<TestState>(new TestState()) { ETag = first, RecordExists = true };

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync(name, GrainIdOf(key), stale));
    }

    [Fact]
    public async Task Clear_WithDeleteStateOnClear_RemovesTheRow()
    {
        var (name, key) = (NewStateName(), NewKey());
        var deleting = fixture.Silo.Storage(TestSilo.DeletingStorageName);
        var state = new GrainState<TestState>(new TestState { Text = "a" });
        await deleting.WriteStateAsync(name, GrainIdOf(key), state);

        await deleting.ClearStateAsync(name, GrainIdOf(key), state);

        Assert.Equal((null, false), (state.ETag, state.RecordExists));
        var read = await ReadAsync(name, key);
        Assert.Equal((null, false), (read.ETag, read.RecordExists));
        Assert.Equal("1", await WriteAsync(name, key, "reborn", etag: null));
    }

    [Fact]
    public async Task StringKeyedGrain_IsStoredWithItsKeyInTheExtensionAndItsStateNameAsType()
    {
        var key = NewKey();
        await fixture.Silo.Grains.GetGrain<ITestStateGrain>(key).WriteAsync("where am I");

        var rows = await Database.CountAsync(
            "SELECT COUNT(*) FROM orleans_storage WHERE grain_type = @type AND grain_id_extension = @key "
            + "AND grain_id_n0 = 0 AND grain_id_n1 = 0 AND service_id = @service AND version = 1",
            ("type", TestStateGrain.StateName), ("key", key), ("service", TestSilo.ServiceId));

        Assert.Equal(1, rows);
    }

    [Fact]
    public async Task GrainsOfTwoTypes_WithOneStateNameAndKey_ShareOneRow()
    {
        // Only the state name and the key identify a row: each grain class needs its own state name.
        var (name, key) = (NewStateName(), NewKey());
        var state = new GrainState<TestState>(new TestState { Text = "written as type a" });
        await Storage.WriteStateAsync(name, GrainId.Create("type-a", key), state);

        var other = new GrainState<TestState>(new TestState());
        await Storage.ReadStateAsync(name, GrainId.Create("type-b", key), other);

        Assert.Equal(("written as type a", "1"), (other.State?.Text, other.ETag));
    }

    [Fact]
    public async Task FindGrainKeys_ListsTheStringKeysWithStateOfThatName()
    {
        var keys = new[] { NewKey(), NewKey(), NewKey() };
        foreach (var key in keys)
        {
            await fixture.Silo.Grains.GetGrain<ITestStateGrain>(key).WriteAsync("listed");
        }

        var cleared = NewKey();
        var clearedGrain = fixture.Silo.Grains.GetGrain<ITestStateGrain>(cleared);
        await clearedGrain.WriteAsync("then cleared");
        await clearedGrain.ClearAsync();
        var other = NewKey();
        await fixture.Silo.Grains.GetGrain<IOtherStateGrain>(other).WriteAsync("another state name");

        var found = await ToListAsync(Database.Index.FindGrainKeysAsync(TestStateGrain.StateName));

        Assert.Superset(keys.ToHashSet(), found.ToHashSet());
        Assert.DoesNotContain(cleared, found);
        Assert.DoesNotContain(other, found);
        Assert.Equal(found.Order(StringComparer.Ordinal), found);
        Assert.Contains(other, await ToListAsync(Database.Index.FindGrainKeysAsync(OtherStateGrain.StateName)));
    }

    [Fact]
    public async Task FindGrainKeys_ListsEveryKeyAcrossBatches_AndFiltersByServiceId()
    {
        var name = NewStateName();
        var keys = Enumerable.Range(0, 600).Select(i => $"KE-SYS-{i:D5}").ToList();
        foreach (var chunk in keys.Chunk(50))
        {
            await Task.WhenAll(chunk.Select(key => WriteAsync(name, key, "x", etag: null)));
        }

        var found = await ToListAsync(Database.Index.FindGrainKeysAsync(name));

        Assert.Equal(keys, found);
        Assert.Equal(keys, await ToListAsync(Database.Index.FindGrainKeysAsync(name, TestSilo.ServiceId)));
        Assert.Empty(await ToListAsync(Database.Index.FindGrainKeysAsync(name, "another-service")));
    }

    [Fact]
    public async Task StringKeyThatLooksLikeHex_IsStoredAsAnIntegerKeyAndNotListed()
    {
        // Orleans parses a string key made only of hex digits as an integer key: grains need a non-hex character.
        var name = NewStateName();
        await WriteAsync(name, "c0ffee", "x", etag: null);
        await WriteAsync(name, "KE-c0ffee", "x", etag: null);

        Assert.Equal(["KE-c0ffee"], await ToListAsync(Database.Index.FindGrainKeysAsync(name)));
    }

    [Fact]
    public async Task FindStaleGrainKeys_ListsStatesNewerThanTheirReadModelRow()
    {
        var name = NewStateName();
        var (current, behind, missing) = (NewKey(), NewKey(), NewKey());
        foreach (var key in new[] { current, behind })
        {
            var etag = await WriteAsync(name, key, "v1", etag: null);
            await WriteAsync(name, key, "v2", etag);
        }
        await WriteAsync(name, missing, "v1", etag: null);
        await Database.Index.UpsertSystemAsync(TestRows.System(version: 2) with { Id = current });
        await Database.Index.UpsertSystemAsync(TestRows.System(version: 1) with { Id = behind });

        var stale = await ToListAsync(Database.Index.FindStaleGrainKeysAsync(name, RegistryIndex.SystemsDataset));

        Assert.Equal(new[] { behind, missing }.Order(StringComparer.Ordinal), stale);
    }

    private static string NewKey() => $"KE-T-{Guid.NewGuid():N}";

    private static string NewStateName() => $"state-{Guid.NewGuid():N}";

    private static GrainId GrainIdOf(string key) => GrainId.Create("storagetest", key);

    private async Task<string?> WriteAsync(string stateName, string key, string text, string? etag)
    {
        var state = new GrainState<TestState>(new TestState { Text = text }) { ETag = etag, RecordExists = etag is not null };
        await Storage.WriteStateAsync(stateName, GrainIdOf(key), state);
        return state.ETag;
    }

    private async Task<Stored> ReadAsync(string stateName, string key)
    {
        var state = new GrainState<TestState>(new TestState());
        await Storage.ReadStateAsync(stateName, GrainIdOf(key), state);
        return new Stored(state.State?.Text ?? string.Empty, state.ETag, state.RecordExists);
    }

    private sealed record Stored(string Text, string? ETag, bool RecordExists);

    private static async Task<List<string>> ToListAsync(IAsyncEnumerable<string> source)
    {
        var list = new List<string>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}

public sealed class PostgresGrainStorageTests(PostgresSilo fixture) : GrainStorageTests<PostgresDatabase>(fixture), IClassFixture<PostgresSilo>;

public sealed class SqliteGrainStorageTests(SqliteSilo fixture) : GrainStorageTests<SqliteDatabase>(fixture), IClassFixture<SqliteSilo>;
