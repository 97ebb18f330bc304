using System.Net;
using FederatedRegistry.Node.Tests.Support;

namespace FederatedRegistry.Node.Tests.FieldRules;

/// <summary>Every field rule, broken alone on its HTTP route, answers 400 naming exactly that field.</summary>
[Collection(EmbeddedNodeCollection.Name)]
public sealed class FieldRuleTests(EmbeddedNodeFixture node)
{
    [Theory]
    [MemberData(nameof(FieldRuleCases.Names), MemberType = typeof(FieldRuleCases))]
    public async Task BrokenField_Answers400NamingTheField(string caseName)
    {
        var rule = FieldRuleCases.All[caseName];

        var response = await node.Client.SendAsync(rule.Method, rule.Path, rule.Body);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{rule.Method} {rule.Path}: expected 400, got {response}");
        Assert.Equal(3, (int)response.Object["code"]!); // INVALID_ARGUMENT
        Assert.Contains(rule.Field, response.ViolatedFields);
        // Only the broken field (and fields its rule names with it): the rest of the request was valid.
        Assert.All(response.ViolatedFields, f => Assert.True(f == rule.Field || rule.AlsoNamed.Any(a => a.EndsWith('*') ? f.StartsWith(a[..^1], StringComparison.Ordinal) : f == a),
            $"unexpected field {f} in {response.Body}"));
        Assert.Contains(rule.Field, response.Message);
    }

    [Fact]
    public void Catalogue_CoversEveryRoute()
    {
        var routes = FieldRuleCases.All.Values.Select(c => $"{c.Method} {Route(c.Path)}").ToHashSet();

        Assert.Superset(new HashSet<string>
        {
            "POST /v1/providers", "GET /v1/providers/{id}", "POST /v1/systems", "GET /v1/systems", "GET /v1/systems/{id}",
            "PUT /v1/systems/{id}", "GET /v1/systems/{id}/versions", "POST /v1/systems/{id}:decide", "POST /v1/incidents",
            "GET /v1/incidents", "GET /v1/incidents/{id}", "POST /v1/incidents/{id}:transition",
        }, routes);
    }

    private static string Route(string path)
    {
        var withoutQuery = path.Split('?')[0];
        var parts = withoutQuery.Split('/');
        if (parts.Length > 3)
        {
            var id = parts[3];
            var verb = id.Contains(':', StringComparison.Ordinal) ? id[id.IndexOf(':', StringComparison.Ordinal)..] : "";
            parts[3] = "{id}" + verb;
        }
        return string.Join('/', parts);
    }
}
