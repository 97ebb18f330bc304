using FederatedRegistry.Testing;

namespace FederatedRegistry.Deploy.Tests.Support;

/// <summary>Paths in the repository checkout the tests run from (found by walking up to FederatedRegistry.sln).</summary>
internal static class Repository
{
    private static readonly Lazy<string> RootPath = new(() => RepositoryCheckout.FindRoot("the tests read the chart from the checkout"));

    public static string Root => RootPath.Value;

    public static string Chart => Path.Combine(Root, "deploy", "helm", "federated-registry");

    public static string ChartTemplates => Path.Combine(Chart, "templates");

    public static string ChartSqlLink => Path.Combine(Chart, "files", "sql");

    public static string ApplySchemaScript => Path.Combine(Chart, "files", "apply-schema.sh");

    public static string ExampleValues => Path.Combine(Root, "deploy", "helm", "examples", "values-ke.yaml");

    public static string Dockerfile => Path.Combine(Root, "Dockerfile");

    public static string DockerIgnore => Path.Combine(Root, ".dockerignore");

    public static string PostgresScripts => Path.Combine(Root, "src", "FederatedRegistry.Storage", "Sql", "postgres");

    public static string NodeProject => Path.Combine(Root, "src", "FederatedRegistry.Node", "FederatedRegistry.Node.csproj");

    public static string NodeAppSettings => Path.Combine(Root, "src", "FederatedRegistry.Node", "appsettings.json");

    public static string Read(string path) => File.ReadAllText(path);

    /// <summary>The chart's manifest templates (not _helpers.tpl or NOTES.txt), by file name.</summary>
    public static IEnumerable<string> ManifestTemplates() =>
        Directory.EnumerateFiles(ChartTemplates, "*.yaml").Order(StringComparer.Ordinal);

    /// <summary>Every file in templates/, helpers and notes included: where .Values are read.</summary>
    public static IEnumerable<string> AllTemplates() =>
        Directory.EnumerateFiles(ChartTemplates).Order(StringComparer.Ordinal);

    /// <summary>A path relative to the repository root, with '/', for messages.</summary>
    public static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');
}
