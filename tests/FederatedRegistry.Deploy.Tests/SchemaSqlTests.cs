using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using FederatedRegistry.Deploy.Tests.Support;
using FederatedRegistry.Storage;

namespace FederatedRegistry.Deploy.Tests;

/// <summary>
/// The SQL the chart's schema Job applies is the SQL the node applies: one source. files/sql in the chart is a symlink
/// to src/FederatedRegistry.Storage/Sql/postgres (the directory the node embeds its scripts from); Helm follows it
/// when it loads or packages the chart, and the schema ConfigMap carries each file's text exactly (AsConfig).
/// </summary>
public sealed partial class SchemaSqlTests
{
    [Fact]
    public void ChartSqlDirectory_IsASymlinkToTheNodesPostgresScripts()
    {
        var link = new DirectoryInfo(Repository.ChartSqlLink);

        Assert.NotNull(link.LinkTarget);
        Assert.Equal(
            Path.GetFullPath(Repository.PostgresScripts).TrimEnd('/'),
            link.ResolveLinkTarget(returnFinalTarget: true)!.FullName.TrimEnd('/'));
    }

    [Fact]
    public void ChartSqlFiles_AreByteForByteTheScriptsTheNodeEmbedsAndApplies()
    {
        var chartFiles = Directory.EnumerateFiles(Repository.ChartSqlLink, "*.sql").Order(StringComparer.Ordinal).ToList();
        var embedded = SchemaMigrator.GetScripts(StorageProvider.Postgres);

        Assert.Equal(embedded.Select(s => Path.GetFileName(s.Path)), chartFiles.Select(Path.GetFileName));
        foreach (var (script, file) in embedded.Zip(chartFiles))
        {
            var bytes = File.ReadAllBytes(file);
            // Helm drops a UTF-8 byte order mark when it loads a file; with none there, the ConfigMap holds these bytes.
            Assert.False(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble), $"{file} starts with a byte order mark");
            Assert.Equal(script.Sql, Encoding.UTF8.GetString(bytes));
        }
    }

    [Fact]
    public void SchemaConfigMap_CarriesTheChartSqlFilesAndTheScript_ThroughFilesGlobAsConfig()
    {
        // AsConfig serialises each file as a YAML string that reads back to its exact text (nindent inside a block
        // scalar would not: it changes blank lines and the final newline).
        var template = Repository.Read(Path.Combine(Repository.ChartTemplates, "schema-configmap.yaml"));

        Assert.Contains("(.Files.Glob \"files/sql/*.sql\").AsConfig", template, StringComparison.Ordinal);
        Assert.Contains("(.Files.Glob \"files/apply-schema.sh\").AsConfig", template, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplySchemaScript_TakesTheMigratorsLockAndRecordsInItsTable()
    {
        // Same advisory lock: the Job and a starting node never apply a script at the same time. Same table: each
        // sees what the other applied. The key is private to the migrator, so it is read by reflection.
        var lockKey = (long)typeof(SchemaMigrator).GetField("PostgresLockKey", BindingFlags.NonPublic | BindingFlags.Static)!.GetRawConstantValue()!;
        var script = Repository.Read(Repository.ApplySchemaScript);

        Assert.Equal(lockKey.ToString(System.Globalization.CultureInfo.InvariantCulture), LockKeyLine().Match(script).Groups[1].Value);
        Assert.Equal(SchemaMigrator.MigrationsTable, TableLine().Match(script).Groups[1].Value);
    }

    [GeneratedRegex(@"^lock_key=(\d+)$", RegexOptions.Multiline)]
    private static partial Regex LockKeyLine();

    [GeneratedRegex(@"^table=(\w+)$", RegexOptions.Multiline)]
    private static partial Regex TableLine();
}
