using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace FederatedRegistry.Deploy.Tests.Support;

/// <summary>The chart's values.schema.json, evaluated as Helm does before it renders anything.</summary>
internal static class ValuesSchema
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(Repository.Read(ChartValues.SchemaPath)));

    public static JsonObject Document => JsonNode.Parse(Repository.Read(ChartValues.SchemaPath))!.AsObject();

    /// <summary>The schema's complaints about <paramref name="values"/>, one line each ("/path: message"); none when valid.</summary>
    public static IReadOnlyList<string> Errors(JsonNode values)
    {
        var results = Schema.Value.Evaluate(
            JsonSerializer.SerializeToElement(values),
            new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }

        var errors = new List<string>();
        void Collect(EvaluationResults result)
        {
            foreach (var (keyword, message) in result.Errors ?? new Dictionary<string, string>())
            {
                errors.Add($"{result.InstanceLocation}: {keyword}: {message}");
            }

            foreach (var detail in result.Details ?? [])
            {
                Collect(detail);
            }
        }

        Collect(results);
        return errors.Count > 0 ? errors : ["invalid (no detail given)"];
    }
}
