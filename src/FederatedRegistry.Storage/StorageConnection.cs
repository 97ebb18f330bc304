using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FederatedRegistry.Storage;

/// <summary>Opens connections to a node's database and names the settings Orleans needs for it.</summary>
public static class StorageConnection
{
    /// <summary>
    /// The ADO.NET invariant to put in <c>AdoNetGrainStorageOptions.Invariant</c>: <c>"Npgsql"</c> for PostgreSQL,
    /// <c>"System.Data.SQLite"</c> for the embedded file (Orleans 10.4 loads Microsoft.Data.Sqlite under that name).
    /// </summary>
    public static string AdoNetInvariant(StorageProvider provider) => provider switch
    {
        StorageProvider.Postgres => "Npgsql",
        StorageProvider.Embedded => "System.Data.SQLite",
        _ => throw UnknownProvider(provider),
    };

    /// <summary>
    /// A connection string for an embedded database file: shared cache off, pooling on, and
    /// <paramref name="busyTimeoutSeconds"/> as the time a statement waits for another writer.
    /// </summary>
    public static string ForSqliteFile(string path, int busyTimeoutSeconds = 30) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = busyTimeoutSeconds,
    }.ToString();

    /// <summary>
    /// What to give an Orleans ADO.NET provider's options: exactly one of a connection string (PostgreSQL) or a data
    /// source (<see cref="EmbeddedDataSource"/> for the embedded file, whose connections must set the busy timeout
    /// themselves, which no connection string can say).
    /// </summary>
    public static (string? ConnectionString, DbDataSource? DataSource) ForAdoNet(StorageProvider provider, string connectionString) => provider switch
    {
        StorageProvider.Postgres => (connectionString, null),
        StorageProvider.Embedded => (null, EmbeddedDataSource(connectionString)),
        _ => throw UnknownProvider(provider),
    };

    /// <summary>
    /// The embedded file as a data source for Orleans' ADO.NET providers, in place of a connection string: every
    /// connection it opens sets WAL, <c>synchronous=FULL</c> and the busy timeout, as <see cref="OpenAsync"/> does.
    /// </summary>
    private static DbDataSource EmbeddedDataSource(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        EnsureDirectoryOf(new SqliteConnectionStringBuilder(connectionString));
        return new EmbeddedDataSource(connectionString);
    }

    /// <summary>
    /// Statements Npgsql keeps prepared on each pooled connection when the operator's connection string does not say
    /// (<c>Max Auto Prepare</c>): more than the node's distinct hot statements, far below Npgsql's limit of 256.
    /// </summary>
    public const int DefaultMaxAutoPrepare = 64;

    /// <summary>
    /// The operator's PostgreSQL connection string with Npgsql's automatic preparation on, unless the string sets
    /// <c>Max Auto Prepare</c> itself (0 turns it off). The node runs the same few statements over and over, and
    /// without it PostgreSQL plans each of them again on every execution: measured with pg_stat_statements, planning
    /// was a third of the server's time for a registration edit.
    /// </summary>
    public static string ForPostgres(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var setsIt = given.Keys.Cast<string>()
            .Any(k => string.Equals(k.Replace(" ", "", StringComparison.Ordinal), "MaxAutoPrepare", StringComparison.OrdinalIgnoreCase));
        return setsIt ? connectionString : new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = DefaultMaxAutoPrepare }.ToString();
    }

    /// <summary>
    /// Opens a connection to read with. For SQLite it first creates the directory of the file if missing, then sets
    /// WAL mode, <c>synchronous=FULL</c> and the busy timeout on the connection. A connection that writes the embedded
    /// file is opened with <see cref="OpenToWriteAsync"/>.
    /// </summary>
    public static Task<DbConnection> OpenAsync(StorageProvider provider, string connectionString, CancellationToken ct = default) =>
        OpenCoreAsync(provider, connectionString, writes: false, ct);

    /// <summary>
    /// Opens a connection to write with, as <see cref="OpenAsync"/> does.
    /// On the embedded file it first waits for this process's turn to write the file, behind the other writers that
    /// asked before it, and holds the turn until the connection is closed: open it for the write and close it after.
    /// </summary>
    public static Task<DbConnection> OpenToWriteAsync(StorageProvider provider, string connectionString, CancellationToken ct = default) =>
        OpenCoreAsync(provider, connectionString, writes: true, ct);

    private static async Task<DbConnection> OpenCoreAsync(StorageProvider provider, string connectionString, bool writes, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return provider switch
        {
            StorageProvider.Postgres => await OpenPostgresAsync(connectionString, ct).ConfigureAwait(false),
            StorageProvider.Embedded => await OpenSqliteAsync(connectionString, writes, ct).ConfigureAwait(false),
            _ => throw UnknownProvider(provider),
        };
    }

    /// <summary>Why a connection string cannot be used with the provider, as a sentence; null when it parses.</summary>
    public static string? Describe(StorageProvider provider, string connectionString)
    {
        try
        {
            _ = provider == StorageProvider.Postgres
                ? new NpgsqlConnectionStringBuilder(connectionString)
                : (DbConnectionStringBuilder)new SqliteConnectionStringBuilder(connectionString);
            return null;
        }
        catch (ArgumentException e)
        {
            return (e.InnerException is KeyNotFoundException ? $"it names an unknown setting ({e.ParamName})" : e.Message) +
                (provider == StorageProvider.Postgres ? "; see the Npgsql connection string parameters, e.g. 'Maximum Pool Size'" : "");
        }
    }

    private static async Task<DbConnection> OpenPostgresAsync(string connectionString, CancellationToken ct)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<DbConnection> OpenSqliteAsync(string connectionString, bool writes, CancellationToken ct)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        EnsureDirectoryOf(builder);
        var connection = new EmbeddedConnection(builder.ToString(), writes);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static void EnsureDirectoryOf(SqliteConnectionStringBuilder builder)
    {
        var path = builder.DataSource;
        var inMemory = builder.Mode == SqliteOpenMode.Memory
            || string.IsNullOrEmpty(path)
            || path == ":memory:"
            || path.StartsWith("file:", StringComparison.OrdinalIgnoreCase);
        if (inMemory)
        {
            return;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }

    /// <summary>
    /// Checks what a store created on a node's database is given: a known provider and a connection string. The SQL
    /// stores share one implementation for both providers.
    /// </summary>
    internal static void CheckStore(StorageProvider provider, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        if (provider is not (StorageProvider.Postgres or StorageProvider.Embedded))
        {
            throw UnknownProvider(provider);
        }
    }

    internal static ArgumentOutOfRangeException UnknownProvider(StorageProvider provider) =>
        new(nameof(provider), provider, "Unknown storage provider.");
}
