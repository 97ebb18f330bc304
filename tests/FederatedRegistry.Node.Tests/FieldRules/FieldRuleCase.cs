using System.Text.Json.Nodes;

namespace FederatedRegistry.Node.Tests.FieldRules;

/// <summary>
/// One field rule broken on one HTTP route: a valid request with exactly one field made invalid, and the field
/// the answer must name. <see cref="AlsoNamed"/> lists fields a rule names together with it (an occurred_at in the
/// future is also after aware_at); an entry ending in "*" stands for every field that starts with it.
/// </summary>
public sealed record FieldRuleCase(string Name, HttpMethod Method, string Path, JsonObject? Body, string Field, IReadOnlyList<string> AlsoNamed)
{
    public override string ToString() => Name;
}

/// <summary>Edits a JSON body by dotted path of lowerCamelCase names ("details.assessment.humanOversight").</summary>
public static class JsonEdit
{
    public static JsonObject Set(this JsonObject body, string path, JsonNode? value)
    {
        var (parent, name) = Walk(body, path);
        parent[name] = value;
        return body;
    }

    public static JsonObject Without(this JsonObject body, string path)
    {
        var (parent, name) = Walk(body, path);
        parent.Remove(name);
        return body;
    }

    public static JsonArray Repeat(JsonNode value, int count) => [.. Enumerable.Range(0, count).Select(_ => value.DeepClone())];

    private static (JsonObject Parent, string Name) Walk(JsonObject body, string path)
    {
        var parts = path.Split('.');
        var current = body;
        foreach (var part in parts[..^1])
        {
            current = current[part] as JsonObject ?? throw new InvalidOperationException($"No object at '{part}' of '{path}'.");
        }
        return (current, parts[^1]);
    }
}
