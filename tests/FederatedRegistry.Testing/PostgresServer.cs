using System.Text;
using Npgsql;

namespace FederatedRegistry.Testing;

/// <summary>
/// A real PostgreSQL for tests. If <c>FEDREG_TEST_POSTGRES</c> holds a base Npgsql connection string (of a role
/// that may create databases) that server is used; otherwise a throwaway cluster is started once per test process
/// from the binaries under <c>/usr/lib/postgresql/*/bin</c>, and stopped when the process exits.
/// </summary>
public static class PostgresServer
{
    /// <summary>The environment variable that names an existing server to use instead of a throwaway cluster.</summary>
    public const string EnvironmentVariable = "FEDREG_TEST_POSTGRES";

    private static readonly Lazy<Task<string>> Server = new(StartOrUseConfiguredAsync);

    /// <summary>A connection string for the server's maintenance database (starts the throwaway cluster on first use).</summary>
    public static Task<string> GetServerConnectionStringAsync() => Server.Value;

    /// <summary>
    /// Creates a fresh, empty database named after <paramref name="prefix"/> and returns its connection string,
    /// with a small pool (<c>Max Pool Size=20</c>) so that many fixtures fit in the server's connection limit.
    /// Drop it with <see cref="DropDatabaseAsync"/> when the fixture is disposed: a configured server keeps it otherwise.
    /// </summary>
    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var server = await GetServerConnectionStringAsync().ConfigureAwait(false);
        var name = DatabaseName(prefix);
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        return new NpgsqlConnectionStringBuilder(server)
        {
            Database = name,
            MaxPoolSize = 20,
            // Idle connections of finished fixtures go back to the server soon.
            ConnectionIdleLifetime = 15,
            ConnectionPruningInterval = 5,
        }.ToString();
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing what still uses it.</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using (var pooled = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        await using var connection = new NpgsqlConnection(await GetServerConnectionStringAsync().ConfigureAwait(false));
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private static async Task<string> StartOrUseConfiguredAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var cluster = await ThrowawayCluster.StartAsync().ConfigureAwait(false);
        return cluster.ConnectionString;
    }

    private static string DatabaseName(string prefix)
    {
        var clean = new StringBuilder();
        foreach (var c in prefix.ToLowerInvariant())
        {
            clean.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        var stem = clean.Length > 30 ? clean.ToString(0, 30) : clean.ToString();
        return $"{(stem.Length > 0 && char.IsAsciiLetter(stem[0]) ? stem : "t" + stem)}_{Guid.NewGuid():N}";
    }

}
