using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace FederatedRegistry.Storage;

/// <summary>
/// Applies the embedded schema scripts to a node's database: each script not yet recorded in
/// <c>fedreg_schema_migrations</c> runs in its own transaction together with its record. Safe to call on every
/// start, and from several processes at once (PostgreSQL serialises them with an advisory lock, SQLite with an
/// immediate transaction).
/// </summary>
public static partial class SchemaMigrator
{
    /// <summary>The table that records applied scripts: <c>(version, name, applied_at)</c>.</summary>
    public const string MigrationsTable = "fedreg_schema_migrations";

    // Any fixed bigint works: advisory locks are scoped to the database. This one spells "fedreg".
    private const long PostgresLockKey = 0x66_65_64_72_65_67;

    private static readonly Lazy<IReadOnlyList<SchemaScript>> PostgresScripts = new(() => LoadScripts("postgres"));
    private static readonly Lazy<IReadOnlyList<SchemaScript>> SqliteScripts = new(() => LoadScripts("sqlite"));

    /// <summary>The scripts for <paramref name="provider"/>, in the order they are applied.</summary>
    public static IReadOnlyList<SchemaScript> GetScripts(StorageProvider provider) => provider switch
    {
        StorageProvider.Postgres => PostgresScripts.Value,
        StorageProvider.Embedded => SqliteScripts.Value,
        _ => throw StorageConnection.UnknownProvider(provider),
    };

    /// <summary>Applies every script that this database has not recorded yet.</summary>
    public static async Task ApplyAsync(StorageProvider provider, string connectionString, CancellationToken ct = default)
    {
        await using var connection = await StorageConnection.OpenToWriteAsync(provider, connectionString, ct).ConfigureAwait(false);
        if (provider == StorageProvider.Postgres)
        {
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({PostgresLockKey})", ct).ConfigureAwait(false);
            try
            {
                await ApplyPendingAsync(provider, connection, ct).ConfigureAwait(false);
            }
            finally
            {
                // Closing the session would release the lock too; unlocking keeps a pooled session clean.
                await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({PostgresLockKey})", CancellationToken.None).ConfigureAwait(false);
            }
        }
        else
        {
            await ApplyPendingAsync(provider, connection, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The scripts this database has recorded as applied, by version (creating the empty record table if missing).</summary>
    public static async Task<IReadOnlyList<AppliedMigration>> GetAppliedAsync(StorageProvider provider, string connectionString, CancellationToken ct = default)
    {
        await using var connection = await StorageConnection.OpenAsync(provider, connectionString, ct).ConfigureAwait(false);
        await EnsureMigrationsTableAsync(provider, connection, ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT version, name, applied_at FROM {MigrationsTable} ORDER BY version";
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var applied = new List<AppliedMigration>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var appliedAt = provider == StorageProvider.Postgres
                ? reader.GetFieldValue<DateTimeOffset>(2)
                : DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            applied.Add(new AppliedMigration(reader.GetInt32(0), reader.GetString(1), appliedAt));
        }

        return applied;
    }

    /// <summary>
    /// The scripts this build ships that the database has not recorded as applied (all of them when the record table
    /// is missing). Only reads: a health check asks this of a database it must not change.
    /// </summary>
    public static async Task<IReadOnlyList<SchemaScript>> GetPendingAsync(StorageProvider provider, string connectionString, CancellationToken ct = default)
    {
        await using var connection = await StorageConnection.OpenAsync(provider, connectionString, ct).ConfigureAwait(false);
        await using (var exists = connection.CreateCommand())
        {
            exists.CommandText = provider == StorageProvider.Postgres
                ? $"SELECT to_regclass('{MigrationsTable}') IS NOT NULL"
                : $"SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = '{MigrationsTable}'";
            if (!Convert.ToBoolean(await exists.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture))
            {
                return GetScripts(provider);
            }
        }

        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT version FROM {MigrationsTable}";
        var applied = new HashSet<int>();
        await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        return GetScripts(provider).Where(s => !applied.Contains(s.Version)).ToList();
    }

    private static async Task ApplyPendingAsync(StorageProvider provider, DbConnection connection, CancellationToken ct)
    {
        await EnsureMigrationsTableAsync(provider, connection, ct).ConfigureAwait(false);
        foreach (var script in GetScripts(provider))
        {
            await ApplyIfPendingAsync(provider, connection, script, ct).ConfigureAwait(false);
        }
    }

    private static async Task ApplyIfPendingAsync(StorageProvider provider, DbConnection connection, SchemaScript script, CancellationToken ct)
    {
        await using var transaction = await BeginAsync(provider, connection, ct).ConfigureAwait(false);
        // Checked inside the transaction: on SQLite that is what keeps a second process from applying it twice.
        if (await IsAppliedAsync(connection, transaction, script.Version, ct).ConfigureAwait(false))
        {
            return;
        }

        await ExecuteAsync(connection, transaction, script.Sql, ct).ConfigureAwait(false);
        await using var record = connection.CreateCommand();
        record.Transaction = transaction;
        record.CommandText = $"INSERT INTO {MigrationsTable} (version, name) VALUES (@version, @name)";
        record.AddParameter("version", script.Version);
        record.AddParameter("name", script.Name);
        await record.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }

    private static async Task<DbTransaction> BeginAsync(StorageProvider provider, DbConnection connection, CancellationToken ct) =>
        provider == StorageProvider.Embedded
            // Deferred transactions could both read "not applied" and then race; IMMEDIATE takes the write lock first.
            ? ((Microsoft.Data.Sqlite.SqliteConnection)connection).BeginTransaction(deferred: false)
            : await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct).ConfigureAwait(false);

    private static async Task EnsureMigrationsTableAsync(StorageProvider provider, DbConnection connection, CancellationToken ct)
    {
        var sql = provider == StorageProvider.Postgres
            ? $"""
              CREATE TABLE IF NOT EXISTS {MigrationsTable} (
                  version    integer     NOT NULL PRIMARY KEY,
                  name       text        NOT NULL,
                  applied_at timestamptz NOT NULL DEFAULT now())
              """
            : $"""
              CREATE TABLE IF NOT EXISTS {MigrationsTable} (
                  version    INTEGER NOT NULL PRIMARY KEY,
                  name       TEXT    NOT NULL,
                  applied_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))
              """;
        await ExecuteAsync(connection, null, sql, ct).ConfigureAwait(false);
    }

    private static async Task<bool> IsAppliedAsync(DbConnection connection, DbTransaction transaction, int version, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT COUNT(*) FROM {MigrationsTable} WHERE version = @version";
        command.AddParameter("version", version);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static List<SchemaScript> LoadScripts(string folder)
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var prefix = $"Sql/{folder}/";
        var scripts = new List<SchemaScript>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var path = resource.Replace('\\', '/');
            if (!path.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var match = ScriptFileName().Match(path[prefix.Length..]);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Schema script '{path}' must be named NNNN_name.sql.");
            }

            scripts.Add(new SchemaScript(
                int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture),
                match.Groups["name"].Value,
                path,
                ReadResource(assembly, resource)));
        }

        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        return scripts;
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded schema script '{resource}' is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^(?<version>\d{4})_(?<name>[a-z0-9_]+)\.sql$")]
    private static partial Regex ScriptFileName();
}
