using FederatedRegistry.Deploy.Tests.Support;
using FederatedRegistry.Storage;
using FederatedRegistry.Testing;
using Npgsql;

namespace FederatedRegistry.Deploy.Tests;

/// <summary>
/// The schema Job's script (files/apply-schema.sh with psql, as the Job's container runs it) against a real
/// PostgreSQL, next to the node's own migrator: the same schema, the same records, in either order.
/// </summary>
public sealed class SchemaJobPostgresTests
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task ApplySchema_OnAnEmptyDatabase_RecordsEveryScriptAsTheMigratorWould()
    {
        var database = await PostgresServer.CreateDatabaseAsync("job_records");
        try
        {
            var result = await ApplySchemaAsync(database, Repository.ChartSqlLink);

            Assert.True(result.ExitCode == 0, result.Output);
            var applied = await SchemaMigrator.GetAppliedAsync(StorageProvider.Postgres, database);
            Assert.Equal(
                SchemaMigrator.GetScripts(StorageProvider.Postgres).Select(s => (s.Version, s.Name)),
                applied.Select(a => (a.Version, a.Name)));
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task ApplySchema_GivesTheSameSchemaAsTheNodesMigrator()
    {
        // Tables, columns, types, defaults, constraints, indexes, functions, triggers, views and the Orleans queries.
        var byJob = await PostgresServer.CreateDatabaseAsync("job_schema");
        var byNode = await PostgresServer.CreateDatabaseAsync("node_schema");
        try
        {
            var result = await ApplySchemaAsync(byJob, Repository.ChartSqlLink);
            await SchemaMigrator.ApplyAsync(StorageProvider.Postgres, byNode);

            Assert.True(result.ExitCode == 0, result.Output);
            var expected = await DescribeAsync(byNode);
            Assert.Contains(expected, line => line.StartsWith("column orleans_storage.", StringComparison.Ordinal));
            Assert.Contains(expected, line => line.StartsWith("index ", StringComparison.Ordinal));
            Assert.Contains(expected, line => line.StartsWith("query WriteToStorageKey ", StringComparison.Ordinal));
            Assert.Equal(expected, await DescribeAsync(byJob));
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(byJob);
            await PostgresServer.DropDatabaseAsync(byNode);
        }
    }

    [Fact]
    public async Task NodeMigrator_AfterTheJob_AppliesNothing_AndTheJobAfterTheNode_SkipsEveryScript()
    {
        var jobFirst = await PostgresServer.CreateDatabaseAsync("job_first");
        var nodeFirst = await PostgresServer.CreateDatabaseAsync("node_first");
        try
        {
            Assert.Equal(0, (await ApplySchemaAsync(jobFirst, Repository.ChartSqlLink)).ExitCode);
            var recordedByJob = await SchemaMigrator.GetAppliedAsync(StorageProvider.Postgres, jobFirst);
            await SchemaMigrator.ApplyAsync(StorageProvider.Postgres, jobFirst);

            await SchemaMigrator.ApplyAsync(StorageProvider.Postgres, nodeFirst);
            var recordedByNode = await SchemaMigrator.GetAppliedAsync(StorageProvider.Postgres, nodeFirst);
            var second = await ApplySchemaAsync(nodeFirst, Repository.ChartSqlLink);

            // Same rows, same applied_at: nobody applied a script twice.
            Assert.Equal(recordedByJob, await SchemaMigrator.GetAppliedAsync(StorageProvider.Postgres, jobFirst));
            Assert.True(second.ExitCode == 0, second.Output);
            Assert.Equal(recordedByNode, await SchemaMigrator.GetAppliedAsync(StorageProvider.Postgres, nodeFirst));
            Assert.All(SchemaMigrator.GetScripts(StorageProvider.Postgres),
                s => Assert.Contains($"{s.Version:D4}_{s.Name} is already applied", second.Output, StringComparison.Ordinal));
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(jobFirst);
            await PostgresServer.DropDatabaseAsync(nodeFirst);
        }
    }

    [Fact]
    public async Task ApplySchema_WhenAScriptFails_FailsTheJob_AndKeepsNothingOfThatScript()
    {
        // A broken script after the real ones: the Job must exit non-zero (Helm then stops the upgrade), and the
        // script's transaction must leave neither its record nor its half-done changes.
        var database = await PostgresServer.CreateDatabaseAsync("job_fails");
        var scripts = Directory.CreateTempSubdirectory("fedreg-sql-");
        try
        {
            foreach (var file in Directory.EnumerateFiles(Repository.ChartSqlLink, "*.sql"))
            {
                File.Copy(file, Path.Combine(scripts.FullName, Path.GetFileName(file)));
            }

            await File.WriteAllTextAsync(Path.Combine(scripts.FullName, "9999_broken.sql"),
                "CREATE TABLE half_done (id int);\nSELECT no_such_column FROM half_done;\n");

            var result = await ApplySchemaAsync(database, scripts.FullName);

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("no_such_column", result.Output, StringComparison.Ordinal);
            var applied = await SchemaMigrator.GetAppliedAsync(StorageProvider.Postgres, database);
            Assert.DoesNotContain(applied, a => a.Version == 9999);
            Assert.Equal(SchemaMigrator.GetScripts(StorageProvider.Postgres).Count, applied.Count);
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT to_regclass('half_done') IS NULL", connection);
            Assert.True((bool)(await command.ExecuteScalarAsync())!);
        }
        finally
        {
            scripts.Delete(recursive: true);
            await PostgresServer.DropDatabaseAsync(database);
        }
    }

    private static async Task<ShellScript.Result> ApplySchemaAsync(string connectionString, string sqlDirectory)
    {
        var psql = ShellScript.FindPsqlDirectory()
            ?? throw new InvalidOperationException("psql is missing: install the PostgreSQL client (Debian: postgresql-client), which the schema Job's image provides.");
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = $"{psql}{Path.PathSeparator}{Environment.GetEnvironmentVariable("PATH")}",
            ["SQL_DIR"] = sqlDirectory,
            ["PGHOST"] = builder.Host!,
            ["PGPORT"] = builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGDATABASE"] = builder.Database!,
            ["PGUSER"] = builder.Username!,
            ["PGPASSWORD"] = builder.Password ?? "",
            ["PGSSLMODE"] = "prefer",
            ["PGCONNECT_TIMEOUT"] = "10",
        };
        return await ShellScript.RunAsync(Repository.ApplySchemaScript, environment, ScriptTimeout);
    }

    // The schema as the catalogs describe it, one line per object, in a stable order. applied_at values differ by
    // nature and are not read; the migrations table's definition is.
    private static async Task<IReadOnlyList<string>> DescribeAsync(string connectionString)
    {
        string[] queries =
        [
            """
            SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' null=' || is_nullable
                   || ' default=' || coalesce(column_default, '') || ' collation=' || coalesce(collation_name, '')
            FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY 1
            """,
            """
            SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
            FROM pg_constraint WHERE connamespace = current_schema()::regnamespace ORDER BY 1
            """,
            "SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1",
            """
            SELECT 'function ' || proname || ' ' || pg_get_functiondef(oid)
            FROM pg_proc WHERE pronamespace = current_schema()::regnamespace AND prokind IN ('f', 'p') ORDER BY 1
            """,
            "SELECT 'trigger ' || tgrelid::regclass || ' ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1",
            "SELECT 'view ' || table_name || ' ' || view_definition FROM information_schema.views WHERE table_schema = current_schema() ORDER BY 1",
            "SELECT 'sequence ' || sequence_name || ' ' || data_type FROM information_schema.sequences WHERE sequence_schema = current_schema() ORDER BY 1",
            "SELECT 'query ' || querykey || ' ' || querytext FROM orleansquery ORDER BY 1",
            $"SELECT 'migration ' || version || ' ' || name FROM {SchemaMigrator.MigrationsTable} ORDER BY version",
        ];
        var lines = new List<string>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var query in queries)
        {
            await using var command = new NpgsqlCommand(query, connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(0));
            }
        }

        return lines;
    }
}
