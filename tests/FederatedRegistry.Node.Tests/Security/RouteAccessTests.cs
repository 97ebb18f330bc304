using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Node.Hosting;
using FederatedRegistry.Node.Tests.Support;
using Google.Api;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Xunit.Abstractions;

namespace FederatedRegistry.Node.Tests.Security;

/// <summary>
/// Deny by default, checked route by route: every route of the national API, called as every kind of caller, gets the
/// answer the access table below designs — 401 without a valid token, 403 for a role the route does not admit, and
/// otherwise an answer from the route itself.
/// </summary>
[Collection(EmbeddedNodeCollection.Name)]
public sealed class RouteAccessTests(EmbeddedNodeFixture node, ITestOutputHelper output)
{
    /// <summary>Who may call each RPC of fedreg.v1.Registry: the design, which the attributes on RegistryApi must match.</summary>
    private static readonly Dictionary<string, string?> Design = new(StringComparer.Ordinal)
    {
        ["CreateProvider"] = AccessPolicies.Authority,
        ["GetProvider"] = AccessPolicies.AuthorityOrProvider,
        ["RegisterSystem"] = AccessPolicies.AuthorityOrProvider,
        ["GetSystem"] = null,
        ["ListSystems"] = null,
        ["UpdateSystem"] = AccessPolicies.AuthorityOrProvider,
        ["ListSystemVersions"] = AccessPolicies.AuthorityOrProvider,
        ["DecideSystem"] = AccessPolicies.Authority,
        ["ReportIncident"] = AccessPolicies.AuthorityOrProvider,
        ["GetIncident"] = AccessPolicies.Authority,
        ["ListIncidents"] = AccessPolicies.Authority,
        ["TransitionIncident"] = AccessPolicies.Authority,
        ["GetSummary"] = AccessPolicies.AuthorityOrObserver,
        ["GetNodeInfo"] = null,
        ["GetPolicy"] = AccessPolicies.Authority,
        ["ReplacePolicy"] = AccessPolicies.Authority,
        ["ListAlerts"] = AccessPolicies.Authority,
        ["AcknowledgeAlert"] = AccessPolicies.Authority,
        ["PublishAdvisory"] = AccessPolicies.Authority,
        ["PublishAdvisories"] = AccessPolicies.Authority,
        ["ListAdvisories"] = AccessPolicies.AuthorityOrObserver,
        ["GetFederationSummary"] = AccessPolicies.AuthorityOrObserver,
        ["GetFederationMaturity"] = AccessPolicies.AuthorityOrObserver,
        ["LookupFederationProduct"] = AccessPolicies.Authority,
        ["ListPeers"] = AccessPolicies.Authority,
        // Anyone may verify the audit trail with the node's public key (payloads stay the authority's: include_payloads).
        ["ListAuditEntries"] = null,
        ["GetLatestAuditCheckpoint"] = null,
        ["GetAuditConsistency"] = null,
        // What this node has witnessed of its peers' logs: for its authority and observers, like the federation views.
        ["ListWitnessedCheckpoints"] = AccessPolicies.AuthorityOrObserver,
        // Incidents as a file: as ListIncidents, the authority's alone.
        ["ExportIncidents"] = AccessPolicies.Authority,
        // Registrations as a file: as ListSystems, open to all, each caller getting what it may see.
        ["ExportRegistrations"] = null,
    };

    private static readonly (string Name, Func<string> Token, string? Role)[] Callers =
    [
        ("no token", () => "", null),
        ("expired", () => TestTokens.Expired(), null),
        ("wrong audience", () => TestTokens.For(Roles.Authority, audience: "another-node"), null),
        ("wrong issuer", () => TestTokens.For(Roles.Authority, issuer: "https://elsewhere.test"), null),
        ("alg none", () => TestTokens.Unsigned(), null),
        ("wrong key", () =>
        {
            using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return TestTokens.For(Roles.Authority, key: other);
        }, null),
        ("not yet valid", () => TestTokens.For(Roles.Authority, issuedAt: DateTimeOffset.UtcNow.AddHours(1)), null),
        ("no known role", () => TestTokens.For("administrator"), "none"),
        ("authority", () => TestTokens.Authority(), Roles.Authority),
        ("provider", () => TestTokens.Provider("KE-PRV-someone-else"), Roles.Provider),
        ("observer", () => TestTokens.Observer(), Roles.Observer),
    ];

    [Fact]
    public void Every_rpc_declares_its_rule_and_it_is_the_designed_one()
    {
        var methods = Registry.Descriptor.Methods.Select(m => m.Name).ToList();
        Assert.Equal(methods.Order(StringComparer.Ordinal), Design.Keys.Order(StringComparer.Ordinal));
        var api = typeof(NodeHost).Assembly.GetType("FederatedRegistry.Node.Api.RegistryApi", throwOnError: true)!;
        foreach (var name in methods)
        {
            var method = api.GetMethod(name, BindingFlags.Public | BindingFlags.Instance)!;
            var declared = method.GetCustomAttribute<AuthorizeAttribute>()?.Policy;
            var anonymous = method.GetCustomAttribute<AllowAnonymousAttribute>() is not null;
            Assert.True(anonymous ^ (declared is not null), $"{name} must declare exactly one rule");
            Assert.Equal(Design[name], anonymous ? null : declared);
        }
    }

    [Fact]
    public async Task Every_route_answers_every_caller_as_designed()
    {
        var checkedCount = 0;
        var failures = new List<string>();
        foreach (var method in Registry.Descriptor.Methods)
        {
            var rule = method.GetOptions().GetExtension(AnnotationsExtensions.Http);
            var (verb, path) = Route(rule);
            foreach (var (name, token, role) in Callers)
            {
                using var client = node.Client.As(token());
                using var request = new HttpRequestMessage(verb, path);
                if (verb != HttpMethod.Get)
                {
                    request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                }
                using var response = await client.Http.SendAsync(request);
                var expected = Expected(Design[method.Name], role);
                var actual = response.StatusCode switch
                {
                    HttpStatusCode.Unauthorized => "401",
                    HttpStatusCode.Forbidden => "403",
                    >= HttpStatusCode.InternalServerError => "5xx",
                    _ => "answered",
                };
                checkedCount++;
                if (actual != expected)
                {
                    failures.Add($"{verb} {path} as {name}: expected {expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
        }
        output.WriteLine($"{checkedCount} route × caller combinations checked ({Registry.Descriptor.Methods.Count} routes × {Callers.Length} callers).");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    /// <summary>The HTTP routes outside fedreg.v1.Registry: the probes, which Kubernetes calls without a token.</summary>
    private static readonly string[] HealthRoutes = ["/health/live", "/health/ready", "/health/startup", "/healthz"];

    [Fact]
    public async Task Health_routes_answer_every_caller_whatever_its_token()
    {
        var failures = new List<string>();
        foreach (var path in HealthRoutes)
        {
            foreach (var (name, token, _) in Callers)
            {
                using var client = node.Client.As(token());
                using var response = await client.Http.GetAsync(path);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"GET {path} as {name}: expected 200, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task Grpc_calls_are_refused_the_same_way()
    {
        using var anonymous = node.Client.As("");
        await GrpcAssert.FailsWith(StatusCode.Unauthenticated, () => anonymous.Grpc.GetSummaryAsync(new GetSummaryRequest(), deadline: NodeClient.Deadline));
        using var observer = node.Client.As(TestTokens.Observer());
        await GrpcAssert.FailsWith(StatusCode.PermissionDenied, () => observer.Grpc.CreateProviderAsync(Messages.Provider(), deadline: NodeClient.Deadline));
        Assert.NotNull(await observer.Grpc.GetSummaryAsync(new GetSummaryRequest(), deadline: NodeClient.Deadline));
        Assert.Equal("KE", (await anonymous.Grpc.GetNodeInfoAsync(new GetNodeInfoRequest(), deadline: NodeClient.Deadline)).Code);
    }

    private static string Expected(string? policy, string? role) => policy switch
    {
        null => "answered",
        _ when role is null => "401",
        AccessPolicies.Authority => role == Roles.Authority ? "answered" : "403",
        AccessPolicies.AuthorityOrProvider => role is Roles.Authority or Roles.Provider ? "answered" : "403",
        AccessPolicies.AuthorityOrObserver => role is Roles.Authority or Roles.Observer ? "answered" : "403",
        _ => throw new InvalidOperationException($"Unknown policy {policy}"),
    };

    private static (HttpMethod Verb, string Path) Route(HttpRule rule)
    {
        var (verb, template) = rule.PatternCase switch
        {
            HttpRule.PatternOneofCase.Get => (HttpMethod.Get, rule.Get),
            HttpRule.PatternOneofCase.Post => (HttpMethod.Post, rule.Post),
            HttpRule.PatternOneofCase.Put => (HttpMethod.Put, rule.Put),
            HttpRule.PatternOneofCase.Delete => (HttpMethod.Delete, rule.Delete),
            HttpRule.PatternOneofCase.Patch => (HttpMethod.Patch, rule.Patch),
            _ => throw new InvalidOperationException($"Unsupported rule {rule}"),
        };
        // Path parameters get ids of the right shape that name nothing on the node.
        var path = System.Text.RegularExpressions.Regex.Replace(template, @"\{(\w+)\}", m => m.Groups[1].Value switch
        {
            "product_id" => "nothing.example/none",
            _ when template.StartsWith("/v1/providers", StringComparison.Ordinal) => "KE-PRV-nobody-here",
            _ when template.StartsWith("/v1/systems", StringComparison.Ordinal) => "KE-SYS-0123456789ABCDEFGHJK",
            _ when template.StartsWith("/v1/alerts", StringComparison.Ordinal) => "FR-INC-0123456789ABCDEFGHJKMNPQRS",
            _ => "KE-INC-0123456789ABCDEFGHJKMNPQRS",
        });
        return (verb, path);
    }
}
