using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FederatedRegistry.Cli.Tests.Support;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Domain.Sharing;
using FederatedRegistry.Testing;

namespace FederatedRegistry.Cli.Tests;

/// <summary>systems update, incidents transition, advisories and the sharing policy, through the built binary.</summary>
public sealed partial class EndToEndTests
{
    private static string Example(string name) => Path.Combine(AppContext.BaseDirectory, "examples", name);

    private async Task<string> RegisterAsync(string productId)
    {
        var run = await _fedreg.RunAsync("systems", "register", _fedreg.WriteFile("register.yaml", Manifest(productId)), "--node", nodes.Ke.Url, "-o", "json");
        Assert.True(run.ExitCode == 0, run.ToString());
        return JsonDocument.Parse(run.Stdout).RootElement[0].GetProperty("system").GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task SystemsUpdate_ThenShow_ShowsTheNewDetails_AndAStaleVersionIsRefusedAsAConflict()
    {
        _fedreg.Environment["FEDREG_TOKEN"] = TestIssuer.Authority();
        var productId = NewProductId();
        var id = await RegisterAsync(productId);
        var newer = _fedreg.WriteFile("update.yaml", Manifest(productId).Replace("version: 1.0.0", "version: 2.0.0", StringComparison.Ordinal));
        var older = _fedreg.WriteFile("older.yaml", Manifest(productId).Replace("version: 1.0.0", "version: 1.5.0", StringComparison.Ordinal));

        var update = await _fedreg.RunAsync("systems", "update", id, newer, "--node", nodes.Ke.Url);
        var show = await _fedreg.RunAsync("systems", "show", id, "--node", nodes.Ke.Url);
        var stale = await _fedreg.RunAsync("systems", "update", id, older, "--version", "1", "--node", nodes.Ke.Url);
        var after = await _fedreg.RunAsync("systems", "show", id, "--node", nodes.Ke.Url);

        Assert.True(update.ExitCode == 0, update.ToString());
        Assert.Equal($"{id} updated: version 2, submitted.", update.Stdout.Trim());
        Assert.Matches(@"(?m)^version +2\.0\.0$", show.Stdout);
        Assert.Matches(@"(?m)^state_version +2$", show.Stdout);
        Assert.True(stale.ExitCode == 1, stale.ToString());
        Assert.Contains("Version conflict: the request expected version 1 but the current version is 2", stale.Stderr);
        Assert.Contains("  expected_version: must equal the current version 2", stale.Stderr);
        Assert.Contains($"{id} changed since version 1: see it with 'fedreg systems show {id}'", stale.Stderr);
        Assert.Matches(@"(?m)^version +2\.0\.0$", after.Stdout);
    }

    [Fact]
    public async Task SystemsUpdate_WithAnotherProductsManifest_IsRefusedBeforeAnythingIsSent()
    {
        _fedreg.Environment["FEDREG_TOKEN"] = TestIssuer.Authority();
        var id = await RegisterAsync(NewProductId());
        var other = NewProductId();

        var run = await _fedreg.RunAsync("systems", "update", id, _fedreg.WriteFile("other.yaml", Manifest(other)), "--node", nodes.Ke.Url);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"describes the product {other}, but {id} is the registration of", run.Stderr);
        var system = await nodes.Ke.Client.GetSystemAsync(new GetSystemRequest { Id = id }, TestNode.AsAuthority);
        Assert.Equal(1, system.Version);
    }

    [Fact]
    public async Task IncidentsTransition_MovesTheIncident_AndAnIllegalStepPrintsTheRule()
    {
        _fedreg.Environment["FEDREG_TOKEN"] = TestIssuer.Authority();
        var report = await _fedreg.RunAsync("incidents", "report", _fedreg.WriteFile("incident.yaml", $"""
            title: Transition test {Guid.NewGuid():N}
            description: A suggestion was one level too low.
            product_id: {NewProductId()}
            severity: moderate
            harm_types: [health_and_safety]
            occurred_at: 2026-01-02T08:30:00Z
            aware_at: 2026-01-03T10:00:00Z
            affected_jurisdictions: [KE]
            reporter: CLI test
            """), "--node", nodes.Ke.Url);
        var id = IncidentId().Match(report.Stdout).Value;

        var triage = await _fedreg.RunAsync("incidents", "transition", id, "--to", "triaged", "--note", "Confirmed by the health desk", "--node", nodes.Ke.Url);
        var illegal = await _fedreg.RunAsync("incidents", "transition", id, "--to", "mitigated", "--node", nodes.Ke.Url);

        Assert.True(report.ExitCode == 0, report.ToString());
        Assert.True(triage.ExitCode == 0, triage.ToString());
        Assert.StartsWith($"{id} is now triaged (version 2)", triage.Stdout.Trim());
        Assert.True(illegal.ExitCode == 1, illegal.ToString());
        Assert.Contains($"{nodes.Ke.Url} refused: An incident that is triaged cannot move to mitigated; allowed now: investigating, closed.", illegal.Stderr);
        var incident = await nodes.Ke.Client.GetIncidentAsync(new GetIncidentRequest { Id = id }, TestNode.AsAuthority);
        Assert.Equal(IncidentStatus.Triaged, incident.Status);
        Assert.Contains(incident.History, e => e.Note == "Confirmed by the health desk");
    }

    [Fact]
    public async Task AdvisoriesPublish_ThenList_ShowsTheAdvisory()
    {
        _fedreg.Environment["FEDREG_TOKEN"] = TestIssuer.Authority();
        var title = $"Advisory test {Guid.NewGuid():N}";
        var file = _fedreg.WriteFile("advisory.yaml", File.ReadAllText(Example("advisory.yaml"))
            .Replace("title: Triage models under-prioritise chest pain in older patients", "title: " + title, StringComparison.Ordinal));

        var publish = await _fedreg.RunAsync("advisories", "publish", file, "--node", nodes.Ke.Url);
        var list = await _fedreg.RunAsync("advisories", "list", "--node", nodes.Ke.Url);
        var json = await _fedreg.RunAsync("advisories", "list", "--node", nodes.Ke.Url, "-o", "json");

        Assert.True(publish.ExitCode == 0, publish.ToString());
        var id = Regex.Match(publish.Stdout, @"^Published (KE-ADV-[0-9A-Z]+) under policy version \d+: ").Groups[1].Value;
        Assert.NotEmpty(id);
        Assert.Matches($@"(?m)^{id} +\S+ \S+ +health +{title}$", list.Stdout);
        var listed = Assert.Single(JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray(), a => a.GetProperty("id").GetString() == id);
        Assert.Equal(title, listed.GetProperty("title").GetString());
    }

    [Fact]
    public async Task AdvisoriesPublish_WithoutCategories_NamesTheFieldAndSendsNothing()
    {
        var file = _fedreg.WriteFile("advisory.yaml", "title: No categories\nsummary: Something happened.\n");

        // A node that does not exist: the file is refused before any node is called.
        var run = await _fedreg.RunAsync("advisories", "publish", file, "--node", $"http://127.0.0.1:{FreePorts.Next()}");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("advisory.yaml cannot be used; nothing was sent:", run.Stderr);
        Assert.Contains("  categories: is required", run.Stderr);
    }

    [Fact]
    public async Task PolicyApply_AnInvalidFile_ExitsTwoNamingTheField_AndTheNodesPolicyIsUnchanged()
    {
        _fedreg.Environment["FEDREG_TOKEN"] = TestIssuer.Authority();
        var file = _fedreg.WriteFile("policy.yaml", """
            version: 1
            node_code: KE
            grants:
              - audience: observers
                datasets:
                  systems:
                    summary:
                      dimensions: [risk_tier, colour]
                  advisories:
                    send: yes
            """);
        var before = await nodes.Ke.Client.GetPolicyAsync(new GetPolicyRequest(), TestNode.AsAuthority);

        var run = await _fedreg.RunAsync("policy", "apply", file, "--node", nodes.Ke.Url);
        var againstNoNode = await _fedreg.RunAsync("policy", "apply", file, "--node", $"http://127.0.0.1:{FreePorts.Next()}");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("policy.yaml cannot be used; nothing was sent:", run.Stderr);
        Assert.Contains("  grants[0].datasets.systems.summary.dimensions[1]: 'colour' is not a dimension of systems", run.Stderr);
        Assert.Contains("  grants[0].datasets.advisories.send: must be true or false", run.Stderr);
        Assert.True(againstNoNode.ExitCode == 2, againstNoNode.ToString());
        var after = await nodes.Ke.Client.GetPolicyAsync(new GetPolicyRequest(), TestNode.AsAuthority);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.Document, after.Document);
    }

    [Fact]
    public async Task PolicyApply_TheExample_ThenShow_ReturnsIt()
    {
        _fedreg.Environment["FEDREG_TOKEN"] = TestIssuer.Authority();

        var apply = await _fedreg.RunAsync("policy", "apply", Example("policy.yaml"), "--node", nodes.Ke.Url);
        var json = await _fedreg.RunAsync("policy", "show", "--node", nodes.Ke.Url, "-o", "json");
        var table = await _fedreg.RunAsync("policy", "show", "--node", nodes.Ke.Url);

        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Matches($@"^{Regex.Escape(nodes.Ke.Url)}: installed policy version \d+ \(it replaces version \d+\)\.", apply.Stdout);
        Assert.True(json.ExitCode == 0, json.ToString());
        var shown = JsonNode.Parse(json.Stdout)!;
        var version = shown["version"]!.GetValue<int>();
        var example = SharingPolicyDocument.Parse(File.ReadAllText(Example("policy.json"))).Value! with { Version = version };
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(SharingPolicyDocument.Write(example)), shown), json.Stdout);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains($"Sharing policy of KE ({nodes.Ke.Url}), version {version}, installed ", table.Stdout);
        Assert.Matches(@"(?m)^FR +systems +records +fields product_id, name, category, risk_tier, status; only where status is registered and category is health or finance$", table.Stdout);
        Assert.Matches(@"(?m)^observers +incidents +alerts +serious or worse, cross-border only; fields id, ", table.Stdout);
    }
}
