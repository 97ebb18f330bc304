using System.Text.Json.Nodes;
using FederatedRegistry.Deploy.Tests.Support;

namespace FederatedRegistry.Deploy.Tests;

/// <summary>values.yaml, values.schema.json and the @param annotations describe the same values.</summary>
public sealed class ValuesSchemaTests
{
    [Fact]
    public void DefaultValues_ValidateAgainstTheSchema()
    {
        var errors = ValuesSchema.Errors(ChartValues.Load());

        Assert.Empty(errors);
    }

    [Fact]
    public void ExampleCountryValues_MergedOverTheDefaults_ValidateAgainstTheSchema()
    {
        // Helm validates the merged values, so the example is merged first, as `helm install -f` would.
        var merged = ChartValues.Merge(ChartValues.Load(), YamlJson.LoadMapping(Repository.Read(Repository.ExampleValues)));

        Assert.Empty(ValuesSchema.Errors(merged));
    }

    [Fact]
    public void Schema_IsDraft07_WhichEveryHelm3ReleaseValidates()
    {
        // Helm before 3.18 validates with gojsonschema, which knows drafts 4 to 7 only.
        Assert.Equal("http://json-schema.org/draft-07/schema#", (string?)ValuesSchema.Document["$schema"]);
    }

    [Theory]
    [InlineData("replicaCount", "\"three\"")]
    [InlineData("replicaCount", "0")]
    [InlineData("node.code", "\"ke\"")]
    [InlineData("database.sslMode", "\"on\"")]
    [InlineData("containerPorts.silo", "70000")]
    [InlineData("federation.queryDeadline", "\"2s\"")]
    [InlineData("image.bogus", "\"x\"")]
    [InlineData("cluster.probeTimeout", "\"00:00:00\"")]
    [InlineData("cluster.iAmAlivePeriod", "\"30s\"")]
    [InlineData("cluster.missedProbesLimit", "0")]
    [InlineData("limits.maxRequestBytes", "1024")]
    [InlineData("limits.maxJsonDepth", "65")]
    [InlineData("limits.burst", "0")]
    [InlineData("observability.metrics.refreshInterval", "\"00:00:00.05\"")]
    [InlineData("observability.metrics.refreshInterval", "\"01:00:01\"")]
    public void Schema_RefusesAWrongValue(string path, string json)
    {
        var values = ChartValues.Load();
        Set(values, path, JsonNode.Parse(json));

        Assert.NotEmpty(ValuesSchema.Errors(values));
    }

    [Fact]
    public void Schema_AcceptsNoBurst_OnlyWhenRateLimitingIsOff_AsTheNodeDoes()
    {
        var values = ChartValues.Load();
        Set(values, "limits.requestsPerSecond", JsonNode.Parse("0"));
        Set(values, "limits.burst", JsonNode.Parse("0"));

        Assert.Empty(ValuesSchema.Errors(values));
    }

    [Fact]
    public void Schema_RefusesAPeerPinnedTwoWays_AsTheNodeDoes()
    {
        // The node refuses a peer with more than one TLS pin at start; the schema refuses it at install.
        var values = ChartValues.Load();
        values["federation"]!["peers"] = JsonNode.Parse("""
            [{"code": "FR", "address": "https://fr.example:443", "publicKey": "k",
              "certificateSha256": "00000000000000000000000000000000000000000000000000000000000000ff", "certificate": "c"}]
            """);

        Assert.NotEmpty(ValuesSchema.Errors(values));
    }

    [Fact]
    public void Schema_AcceptsAPeerPinnedByItsCaAndSubject()
    {
        var values = ChartValues.Load();
        values["federation"]!["peers"] = JsonNode.Parse("""
            [{"code": "INTL", "role": "observer", "address": "https://intl.example", "publicKey": "k",
              "caCertificate": "ca", "subject": "urn:fedreg:node:INTL"}]
            """);

        Assert.Empty(ValuesSchema.Errors(values));
    }

    [Fact]
    public void EveryValue_IsDeclaredInTheSchema_AndEveryDeclaredObjectRefusesUnknownKeys()
    {
        var undeclared = new List<string>();
        void Walk(JsonObject values, JsonObject schema, string prefix)
        {
            var properties = schema["properties"] as JsonObject;
            if (properties is null)
            {
                // A free-form object (labels, annotations, resources, the policy document): the schema says so by
                // declaring no properties, and accepts any keys there.
                return;
            }

            if (schema["additionalProperties"] is not JsonValue closed || closed.GetValue<bool>())
            {
                undeclared.Add($"{prefix}: declares properties but does not refuse others (additionalProperties: false)");
            }

            foreach (var (key, value) in values)
            {
                var path = prefix.Length == 0 ? key : $"{prefix}.{key}";
                if (properties[key] is not JsonObject declared)
                {
                    undeclared.Add(path);
                }
                else if (value is JsonObject child)
                {
                    Walk(child, declared, path);
                }
            }
        }

        Walk(ChartValues.Load(), ValuesSchema.Document, "");

        Assert.Empty(undeclared);
    }

    [Fact]
    public void EveryDeclaredValue_ExistsInValuesYaml_AndIsDescribed()
    {
        // The schema documents no value that values.yaml lacks, and says what each one is.
        var problems = new List<string>();
        var values = ChartValues.Load();
        void Walk(JsonObject schema, string prefix)
        {
            foreach (var (key, declared) in schema["properties"] as JsonObject ?? [])
            {
                var path = prefix.Length == 0 ? key : $"{prefix}.{key}";
                if (!ChartValues.TryGet(values, path, out _))
                {
                    problems.Add($"{path}: declared in the schema, missing from values.yaml");
                }

                if (string.IsNullOrWhiteSpace((string?)declared!["description"]))
                {
                    problems.Add($"{path}: no description in the schema");
                }

                Walk(declared.AsObject(), path);
            }
        }

        Walk(ValuesSchema.Document, "");

        Assert.Empty(problems);
    }

    [Fact]
    public void EveryValue_IsAnnotatedWithAtParam_AndEveryAtParamNamesAValue()
    {
        // bitnami readme-generator style: a value is annotated itself, or as part of an object annotated as a whole
        // (resources, podSecurityContext). Each annotation has a description and names a value that exists.
        var values = ChartValues.Load();
        var annotations = ChartValues.Annotations();
        var annotated = annotations.Select(a => a.Path).ToHashSet(StringComparer.Ordinal);

        var unannotated = ChartValues.Paths(values)
            .Where(p => p.IsLeaf)
            .Select(p => p.Path)
            .Where(path => !Ancestry(path).Any(annotated.Contains))
            .ToList();
        var dangling = annotations.Where(a => !ChartValues.TryGet(values, a.Path, out _)).Select(a => a.Path).ToList();
        var undescribed = annotations.Where(a => a.Description.Length == 0).Select(a => a.Path).ToList();
        var twice = annotations.GroupBy(a => a.Path).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

        Assert.Empty(unannotated);
        Assert.Empty(dangling);
        Assert.Empty(undescribed);
        Assert.Empty(twice);
    }

    // "a.b.c", "a.b", "a": the value and the objects it is part of.
    private static IEnumerable<string> Ancestry(string path)
    {
        var keys = path.Split('.');
        for (var count = keys.Length; count > 0; count--)
        {
            yield return string.Join('.', keys[..count]);
        }
    }

    private static void Set(JsonObject values, string path, JsonNode? value)
    {
        var keys = path.Split('.');
        var node = values;
        foreach (var key in keys[..^1])
        {
            node = node[key]!.AsObject();
        }

        node[keys[^1]] = value;
    }
}
