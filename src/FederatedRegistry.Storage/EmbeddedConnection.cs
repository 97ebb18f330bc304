using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace FederatedRegistry.Storage;

/// <summary>
/// A connection to the embedded file that, each time it opens, sets what the node relies on: WAL, <c>synchronous=FULL</c>
/// and SQLite's busy timeout. Microsoft.Data.Sqlite sets no busy timeout of its own: a statement that meets another
/// writer's lock fails at once, and the library retries it after sleeping 150 ms on the calling thread. With the
/// timeout, SQLite waits for the lock itself, in steps that start at a millisecond.
/// </summary>
internal sealed class EmbeddedConnection(string connectionString) : SqliteConnection(connectionString)
{
    // OpenAsync too: Microsoft.Data.Sqlite opens synchronously, through this.
    public override void Open()
    {
        base.Open();
        using var pragma = CreateCommand();
        // WAL lets readers run beside the single writer and is a property of the file. synchronous=FULL makes every
        // commit fsync the WAL before it returns: an acknowledged write then survives kill -9 (already true with WAL,
        // whose appended frames sit in the OS cache) and also an OS crash or power cut.
        pragma.CommandText = string.Create(CultureInfo.InvariantCulture,
            $"PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = {DefaultTimeout * 1000};");
        pragma.ExecuteNonQuery();
    }
}

/// <summary>
/// The embedded file as a <see cref="DbDataSource"/>, for Orleans' ADO.NET grain storage
/// (<c>AdoNetGrainStorageOptions.DataSource</c>): its connections are <see cref="EmbeddedConnection"/>s, so that the
/// grain-state writes wait for the file's lock as the node's own statements do.
/// </summary>
internal sealed class EmbeddedDataSource(string connectionString) : DbDataSource
{
    public override string ConnectionString => connectionString;

    protected override DbConnection CreateDbConnection() => new EmbeddedConnection(connectionString);
}
