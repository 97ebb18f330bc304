using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace FederatedRegistry.Storage;

/// <summary>
/// A connection to the embedded file that, each time it opens, sets what the node relies on: WAL, <c>synchronous=FULL</c>
/// and SQLite's busy timeout. Microsoft.Data.Sqlite sets no busy timeout of its own: a statement that meets another
/// writer's lock fails at once, and the library retries it after sleeping 150 ms on the calling thread. With the
/// timeout, SQLite waits for the lock itself, in steps that start at a millisecond.
/// A connection opened to write (<paramref name="writes"/>) then takes this process's turn to write the file
/// (<see cref="EmbeddedWriteTurns"/>) and holds it until it closes.
/// </summary>
internal sealed class EmbeddedConnection(string connectionString, bool writes = false) : SqliteConnection(connectionString)
{
    private SemaphoreSlim? _turn;

    // Microsoft.Data.Sqlite opens synchronously; only the wait for the turn is asynchronous here.
    public override async Task OpenAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        OpenAndSetPragmas();
        if (writes && _turn is null)
        {
            await TakeTurnAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override void Open()
    {
        OpenAndSetPragmas();
        if (writes && _turn is null)
        {
            var turn = EmbeddedWriteTurns.Of(ConnectionString);
            Hold(turn, turn.Wait(TurnTimeout));
        }
    }

    // Opened before the turn is taken: opening needs no lock, so the turn is held only for the writing.
    private void OpenAndSetPragmas()
    {
        base.Open();
        try
        {
            using var pragma = CreateCommand();
            // WAL lets readers run beside the single writer and is a property of the file. synchronous=FULL makes every
            // commit fsync the WAL before it returns: an acknowledged write then survives kill -9 (already true with WAL,
            // whose appended frames sit in the OS cache) and also an OS crash or power cut.
            pragma.CommandText = string.Create(CultureInfo.InvariantCulture,
                $"PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = {DefaultTimeout * 1000};");
            pragma.ExecuteNonQuery();
        }
        catch
        {
            base.Close();
            throw;
        }
    }

    private async Task TakeTurnAsync(CancellationToken ct)
    {
        var turn = EmbeddedWriteTurns.Of(ConnectionString);
        bool taken;
        try
        {
            taken = await turn.WaitAsync(TurnTimeout, ct).ConfigureAwait(false);
        }
        catch
        {
            base.Close();
            throw;
        }
        Hold(turn, taken);
    }

    private void Hold(SemaphoreSlim turn, bool taken)
    {
        if (!taken)
        {
            base.Close();
            throw TurnNotGiven();
        }
        _turn = turn;
    }

    // Dispose closes the connection through this too.
    public override void Close()
    {
        try
        {
            base.Close();
        }
        finally
        {
            ReleaseTurn();
        }
    }

    // The busy timeout bounds the wait for the turn as it bounds the wait for SQLite's lock; 0 waits as long as it takes,
    // as Microsoft.Data.Sqlite's command timeout of 0 does.
    private TimeSpan TurnTimeout => DefaultTimeout > 0 ? TimeSpan.FromSeconds(DefaultTimeout) : Timeout.InfiniteTimeSpan;

    private SqliteException TurnNotGiven() => new(
        string.Create(CultureInfo.InvariantCulture,
            $"database is locked: other writers in this process held '{EmbeddedWriteTurns.FileOf(ConnectionString)}' for the whole busy timeout of {DefaultTimeout} s"),
        EmbeddedWriteTurns.SqliteBusy);

    private void ReleaseTurn() => Interlocked.Exchange(ref _turn, null)?.Release();
}

/// <summary>
/// This process's turn to write each embedded file, one writer at a time per file. SQLite lets one writer hold a file's
/// lock; a writer that meets it waits in SQLite's busy handler, which sleeps in steps growing to 100 ms whether or not the
/// lock was freed meanwhile, so with many writers some waited most of a second for a lock that was free most of that time
/// (figure 1 of the benchmarks). Here they queue in order, without holding a thread, and reach SQLite's lock when it is
/// free. The busy handler is left for the one case a process cannot queue: another process writing the same file.
/// </summary>
internal static class EmbeddedWriteTurns
{
    /// <summary>SQLite's result code for a file locked by another connection.</summary>
    public const int SqliteBusy = 5;

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> ByFile = new(StringComparer.Ordinal);

    // Found by connection string, which is parsed once: a writer asks at every open. Two strings naming one file (a
    // relative and a full path, other settings) share the file's turn.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> ByConnectionString = new(StringComparer.Ordinal);

    /// <summary>The turn to write the file <paramref name="connectionString"/> names.</summary>
    public static SemaphoreSlim Of(string connectionString) => ByConnectionString.GetOrAdd(connectionString,
        static s => ByFile.GetOrAdd(Path.GetFullPath(FileOf(s)), static _ => new SemaphoreSlim(1, 1)));

    /// <summary>The file a connection string names, as it names it.</summary>
    public static string FileOf(string connectionString) => new SqliteConnectionStringBuilder(connectionString).DataSource;
}

/// <summary>
/// The embedded file as a <see cref="DbDataSource"/>, for Orleans' ADO.NET grain storage
/// (<c>AdoNetGrainStorageOptions.DataSource</c>): its connections are <see cref="EmbeddedConnection"/>s that take the
/// file's turn to write, so that the grain-state writes queue with the node's own writers. Orleans opens a connection
/// per operation and closes it at once, reads included; a grain's state read is one short statement.
/// </summary>
internal sealed class EmbeddedDataSource(string connectionString) : DbDataSource
{
    public override string ConnectionString => connectionString;

    protected override DbConnection CreateDbConnection() => new EmbeddedConnection(connectionString, writes: true);
}
