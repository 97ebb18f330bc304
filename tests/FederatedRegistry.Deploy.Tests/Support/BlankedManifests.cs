using System.Text.Json.Nodes;

namespace FederatedRegistry.Deploy.Tests.Support;

/// <summary>The chart's manifest templates parsed as YAML after <see cref="TemplateBlanker"/>: their own structure.</summary>
internal static class BlankedManifests
{
    /// <summary>The non-empty documents of one template.</summary>
    public static IReadOnlyList<JsonObject> Documents(string template) =>
        YamlJson.LoadAll(TemplateBlanker.Blank(Repository.Read(template)))
            .OfType<JsonObject>()
            .ToList();

    /// <summary>The one document of kind <paramref name="kind"/> in <paramref name="fileName"/>.</summary>
    public static JsonObject Single(string fileName, string kind) =>
        Assert.Single(Documents(Path.Combine(Repository.ChartTemplates, fileName)), d => (string?)d["kind"] == kind);
}
