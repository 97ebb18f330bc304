using System.Globalization;
using System.Text.Json;

namespace FederatedRegistry.Storage.Tests;

/// <summary>
/// A database as a node left it before a schema script, and rows written into it the way that node's index and grains
/// wrote them: what the tests of each script migrate from.
/// </summary>
internal sealed class OldSchema(StorageProvider provider, string connectionString)
{
    public string ConnectionString { get; } = connectionString;

    /// <summary>A new database holding every script before <paramref name="scriptVersion"/>, and the record of them.</summary>
    public static async Task<OldSchema> CreateBeforeAsync(StorageDatabase database, int scriptVersion)
    {
        var connectionString = await database.CreateEmptyDatabaseAsync($"migrate_{scriptVersion:D4}");
        _ = await SchemaMigrator.GetAppliedAsync(database.Provider, connectionString);
        foreach (var script in SchemaMigrator.GetScripts(database.Provider).Where(s => s.Version < scriptVersion))
        {
            await DirectSql.ExecuteAsync(database.Provider, connectionString, script.Sql);
            await DirectSql.ExecuteAsync(database.Provider, connectionString, $"INSERT INTO {SchemaMigrator.MigrationsTable} (version, name) VALUES (@version, @name)",
                ("version", script.Version), ("name", script.Name));
        }

        return new OldSchema(database.Provider, connectionString);
    }

    /// <summary>
    /// The row in the columns of script 2 and <paramref name="laterColumns"/> (those later scripts added), with its counts.
    /// </summary>
    public async Task InsertIncidentAsync(IncidentRow row, params (string Column, object Value)[] laterColumns)
    {
        (string Column, object Value)[] columns =
        [
            ("id", row.Id),
            ("system_id", (object?)row.SystemId ?? DBNull.Value),
            ("product_id", (object?)row.ProductId ?? DBNull.Value),
            ("title", row.Title),
            ("severity", row.Severity),
            ("harm_types", Array(row.HarmTypes)),
            ("status", row.Status),
            ("affected_jurisdictions", Array(row.AffectedJurisdictions)),
            ("occurred_at", Time(row.OccurredAt)),
            ("aware_at", Time(row.AwareAt)),
            ("reported_at", Time(row.ReportedAt)),
            ("reporting_deadline", row.ReportingDeadline is { } deadline ? Time(deadline) : DBNull.Value),
            ("state_version", row.StateVersion),
            ("updated_at", Time(row.UpdatedAt)),
            .. laterColumns,
        ];
        await DirectSql.ExecuteAsync(
            provider,
            ConnectionString,
            $"INSERT INTO registry_incidents ({string.Join(", ", columns.Select(c => c.Column))}) VALUES ({string.Join(", ", columns.Select(c => "@" + c.Column))})",
            columns);
        var month = row.OccurredAt.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        foreach (var (dimension, value) in new[] { ("status", row.Status), ("severity", row.Severity), ("month", month) }
            .Concat(row.HarmTypes.Distinct().Select(h => ("harm_type", h))))
        {
            await DirectSql.ExecuteAsync(
                provider,
                ConnectionString,
                """
                INSERT INTO registry_counts (dataset, dimension, value, count) VALUES ('incidents', @dimension, @value, 1)
                ON CONFLICT (dataset, dimension, value) DO UPDATE SET count = registry_counts.count + 1
                """,
                ("dimension", dimension),
                ("value", value));
        }
    }

    /// <summary>A string-keyed grain's stored state at <paramref name="version"/>, as the Orleans provider keeps it.</summary>
    public async Task StoreGrainStateAsync(string stateName, string key, int version) =>
        await DirectSql.ExecuteAsync(
            provider,
            ConnectionString,
            """
            INSERT INTO orleans_storage
                (grain_id_hash, grain_type_hash, grain_id_n0, grain_id_n1, service_id, grain_type, grain_id_extension, payload, version)
            VALUES (0, 0, 0, 0, 'KE', @grain_type, @key, @payload, @version)
            """,
            ("grain_type", stateName),
            ("key", key),
            ("payload", new byte[] { 1, 2, 3 }),
            ("version", version));

    /// <summary>The keys the index finds behind their grain state, in the order it gives them.</summary>
    public static async Task<List<string>> StaleAsync(IRegistryIndex index, string stateName, string dataset)
    {
        var keys = new List<string>();
        await foreach (var key in index.FindStaleGrainKeysAsync(stateName, dataset))
        {
            keys.Add(key);
        }

        return keys;
    }

    private object Array(string[] values) => provider == StorageProvider.Postgres ? values : JsonSerializer.Serialize(values);

    private object Time(DateTimeOffset value) => provider == StorageProvider.Postgres
        ? value.ToUniversalTime()
        : value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
