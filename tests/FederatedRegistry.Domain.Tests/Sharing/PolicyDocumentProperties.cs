using System.Text.Json.Nodes;
using CsCheck;
using FederatedRegistry.Domain.Sharing;

namespace FederatedRegistry.Domain.Tests.Sharing;

/// <summary>
/// For generated valid policies, the document reads back what it wrote; with one fault put into the document,
/// every violation names exactly the path of that fault.
/// </summary>
public sealed class PolicyDocumentProperties
{
    private const long Iterations = 2_000;

    /// <summary>One way to put a fault into a policy's JSON, and what the answer must then say.</summary>
    private sealed record Breaker(string Path, string Words, Func<string, string> Break);

    [Fact]
    public void Write_ThenParse_GivesBackTheSamePolicy() =>
        SharingGenerators.Policy.Sample(policy =>
        {
            var text = SharingPolicyDocument.Write(policy);

            var parsed = SharingPolicyDocument.Parse(text, SharingGenerators.Owner);

            Assert.True(parsed.IsSuccess, parsed.Error?.Message);
            Assert.Equal(text, SharingPolicyDocument.Write(parsed.Value!));
            Assert.Equal(policy.Grants.Select(g => (g.Audience, g.Advisories, g.Systems?.Summary?.MinCount, g.Incidents?.Alerts?.MinSeverity)),
                parsed.Value!.Grants.Select(g => (g.Audience, g.Advisories, g.Systems?.Summary?.MinCount, g.Incidents?.Alerts?.MinSeverity)));
        }, iter: Iterations);

    [Fact]
    public void Validate_ForAnyGeneratedPolicy_FindsNothing() =>
        SharingGenerators.Policy.Sample(policy => Assert.Empty(SharingPolicyDocument.Validate(policy, SharingGenerators.Owner)), iter: Iterations);

    [Fact]
    public void Parse_OfAPolicyWithOneFault_NamesOnlyThatPath() =>
        Gen.Select(SharingGenerators.Policy, Gen.Int[0, int.MaxValue]).Sample((policy, pick) =>
        {
            var breakers = Breakers(policy);
            var breaker = breakers[pick % breakers.Count];

            var outcome = SharingPolicyDocument.Parse(breaker.Break(SharingPolicyDocument.Write(policy)), SharingGenerators.Owner);

            Assert.False(outcome.IsSuccess, $"{breaker.Path} ({breaker.Words}) was accepted");
            Assert.All(outcome.Error!.Violations, v => Assert.Equal(breaker.Path, v.Field));
            Assert.Contains(outcome.Error.Violations, v => v.Rule.Contains(breaker.Words, StringComparison.Ordinal));
        }, iter: Iterations, print: t => SharingPolicyDocument.Write(t.Item1));

    private static Func<string, string> Edit(Action<JsonObject> change) => json =>
    {
        var root = JsonNode.Parse(json)!.AsObject();
        change(root);
        return root.ToJsonString();
    };

    private static JsonObject At(JsonObject root, string path)
    {
        JsonNode node = root;
        foreach (var part in path.Split('.'))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            node = bracket < 0 ? node[part]! : node[part[..bracket]]![int.Parse(part[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture)]!;
        }
        return node.AsObject();
    }

    /// <summary>The faults this policy can be given, each in one place.</summary>
    private static List<Breaker> Breakers(SharingPolicy policy)
    {
        List<Breaker> breakers =
        [
            new("version", "must be at least 1", Edit(r => r["version"] = 0)),
            new("version", "must not appear twice", json => "{ \"version\": 1," + json.TrimStart()[1..]),
            new("node_code", "must be a node code", Edit(r => r["node_code"] = "ke")),
            new("owner", "not a known property", Edit(r => r["owner"] = "KE")),
        ];
        for (var i = 0; i < policy.Grants.Count; i++)
        {
            var grant = $"grants[{i}]";
            var index = i;
            breakers.Add(new($"{grant}.audience", "must be a node code", Edit(r => At(r, grant)["audience"] = "XX")));
            breakers.Add(new($"{grant}.audience", "must not name this node itself", Edit(r => At(r, grant)["audience"] = SharingGenerators.Owner)));
            breakers.Add(new($"{grant}.datasets.models", "is not a dataset", Edit(r => At(r, $"{grant}.datasets")["models"] = new JsonObject())));
            var alertsStayValid = policy.Grants[i].Incidents?.Alerts?.AffectingRecipientOnly != true || Audiences.IsJurisdictional(policy.Grants[0].Audience);
            if (index > 0 && alertsStayValid)
            {
                breakers.Add(new($"{grant}.audience", "already names", Edit(r => At(r, grant)["audience"] = policy.Grants[0].Audience)));
            }
            foreach (var (name, dataset) in new[] { ("systems", policy.Grants[i].Systems), ("incidents", policy.Grants[i].Incidents) })
            {
                var path = $"{grant}.datasets.{name}";
                if (dataset is null)
                {
                    continue;
                }
                breakers.Add(new($"{path}.everything", "is not a granularity", Edit(r => At(r, path)["everything"] = true)));
                if (dataset.Summary is { } summary)
                {
                    breakers.Add(new($"{path}.summary.min_count", "must be at least 1", Edit(r => At(r, $"{path}.summary")["min_count"] = 0)));
                    breakers.Add(new($"{path}.summary.min_count", "must be a whole number", Edit(r => At(r, $"{path}.summary")["min_count"] = 2.5)));
                    breakers.Add(new($"{path}.summary.dimensions[{summary.Dimensions.Count}]", "must not repeat",
                        Edit(r => At(r, $"{path}.summary")["dimensions"]!.AsArray().Add(summary.Dimensions[0]))));
                    breakers.Add(new($"{path}.summary.dimensions[0]", "is not a dimension",
                        Edit(r => At(r, $"{path}.summary")["dimensions"]![0] = "colour")));
                }
                if (dataset.Records is { } records)
                {
                    breakers.Add(new($"{path}.records.fields[0]", "is not a shareable field", Edit(r => At(r, $"{path}.records")["fields"]![0] = "reporter")));
                    breakers.Add(new($"{path}.records.fields", "must name at least one", Edit(r => At(r, $"{path}.records")["fields"] = new JsonArray())));
                    breakers.Add(new($"{path}.records.filter.name", "can test", Edit(r =>
                    {
                        var recordsNode = At(r, $"{path}.records");
                        recordsNode["filter"] ??= new JsonObject();
                        recordsNode["filter"]!["name"] = new JsonArray("x");
                    })));
                    if (records.Filter is [var term, ..])
                    {
                        breakers.Add(new($"{path}.records.filter.{term.Field}[{term.Values.Count}]", "is not a value of",
                            Edit(r => At(r, $"{path}.records.filter")[term.Field]!.AsArray().Add("nothing_like_it"))));
                    }
                }
                if (dataset.Alerts is not null)
                {
                    breakers.Add(new($"{path}.alerts.min_severity", "must be one of", Edit(r => At(r, $"{path}.alerts")["min_severity"] = "grave")));
                    breakers.Add(new($"{path}.alerts.cross_border_only", "must be true or false", Edit(r => At(r, $"{path}.alerts")["cross_border_only"] = "yes")));
                }
            }
        }
        return breakers;
    }
}
