using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FederatedRegistry.Deploy.Tests.Support;

/// <summary>The chart's values.yaml as JSON, its value paths, and its <c>## @param</c> annotations.</summary>
internal static partial class ChartValues
{
    public static string ValuesPath => Path.Combine(Repository.Chart, "values.yaml");

    public static string SchemaPath => Path.Combine(Repository.Chart, "values.schema.json");

    public static JsonObject Load() => YamlJson.LoadMapping(Repository.Read(ValuesPath));

    /// <summary>
    /// Every key path of <paramref name="values"/> ("image.tag", "database.caCertificate.key"), with whether it is a
    /// leaf: a scalar, a list, or an empty mapping (a free-form map such as podAnnotations). Lists are not entered.
    /// </summary>
    public static IReadOnlyList<(string Path, bool IsLeaf)> Paths(JsonObject values)
    {
        var paths = new List<(string, bool)>();
        void Walk(JsonObject node, string prefix)
        {
            foreach (var (key, child) in node)
            {
                var path = prefix.Length == 0 ? key : $"{prefix}.{key}";
                if (child is JsonObject { Count: > 0 } mapping)
                {
                    paths.Add((path, false));
                    Walk(mapping, path);
                }
                else
                {
                    paths.Add((path, true));
                }
            }
        }

        Walk(values, "");
        return paths;
    }

    /// <summary>The node at a dotted path, or false when the path does not exist (a missing key or a step below a leaf).</summary>
    public static bool TryGet(JsonObject values, string path, out JsonNode? node)
    {
        node = values;
        foreach (var key in path.Split('.'))
        {
            if (node is not JsonObject mapping || !mapping.TryGetPropertyValue(key, out var child))
            {
                node = null;
                return false;
            }

            node = child;
        }

        return true;
    }

    /// <summary>The <c>## @param path description</c> annotations of values.yaml, in order.</summary>
    public static IReadOnlyList<(string Path, string Description)> Annotations() =>
        ParamLine().Matches(Repository.Read(ValuesPath)).Select(m => (m.Groups["path"].Value, m.Groups["description"].Value.Trim())).ToList();

    /// <summary>Helm's merge of a user values file over the defaults: mappings merge key by key, anything else replaces.</summary>
    public static JsonObject Merge(JsonObject defaults, JsonObject overrides)
    {
        var result = (JsonObject)defaults.DeepClone();
        foreach (var (key, value) in overrides)
        {
            result[key] = result[key] is JsonObject baseMapping && value is JsonObject overrideMapping
                ? Merge(baseMapping, overrideMapping)
                : value?.DeepClone();
        }

        return result;
    }

    [GeneratedRegex(@"^\s*## @param (?<path>\S+)(?<description>.*)$", RegexOptions.Multiline)]
    private static partial Regex ParamLine();
}
