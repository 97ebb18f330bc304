using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using FederatedRegistry.Deploy.Tests.Support;
using FederatedRegistry.Domain.Sharing;
using Npgsql;

namespace FederatedRegistry.Deploy.Tests;

/// <summary>What the chart hands the node is what the node can read: versions, the connection string, the policy.</summary>
public sealed partial class ChartSettingsTests
{
    [Fact]
    public void ChartAppVersion_IsTheNodesVersion()
    {
        // appVersion is the default image tag: it names the fedreg-node release the chart was written for.
        var chart = YamlJson.LoadMapping(Repository.Read(Path.Combine(Repository.Chart, "Chart.yaml")));
        var version = XDocument.Load(Repository.NodeProject).Descendants("Version").Single().Value;

        Assert.Equal("v2", (string?)chart["apiVersion"]);
        Assert.Equal(version, (string?)chart["appVersion"]);
    }

    [Fact]
    public void ConnectionString_ParsesWithNpgsql_KeepingAPasswordWithSemicolonsAndEquals()
    {
        // The chart's format (from _helpers.tpl) filled in as Helm would, then $(FEDREG_DATABASE_PASSWORD) expanded
        // as Kubernetes does: the double quotes keep ';' and '=' in the password.
        const string password = "p;Host=evil;a=b'c";
        var format = ConnectionStringFormat().Match(Repository.Read(Path.Combine(Repository.ChartTemplates, "_helpers.tpl")));
        Assert.True(format.Success, "_helpers.tpl has no connection string printf");
        var filled = format.Groups["format"].Value.Replace("\\\"", "\"", StringComparison.Ordinal);
        var arguments = new Queue<string>(["db.example", "5433", "fedreg", "fedreg_node", "VerifyFull", "20"]);
        filled = Verb().Replace(filled, _ => arguments.Dequeue());
        filled = filled.Replace("$(FEDREG_DATABASE_PASSWORD)", password, StringComparison.Ordinal);

        var parsed = new NpgsqlConnectionStringBuilder(filled);

        Assert.Empty(arguments);
        Assert.Equal("db.example", parsed.Host);
        Assert.Equal(5433, parsed.Port);
        Assert.Equal("fedreg", parsed.Database);
        Assert.Equal("fedreg_node", parsed.Username);
        Assert.Equal(password, parsed.Password);
        Assert.Equal(SslMode.VerifyFull, parsed.SslMode);
        Assert.Equal(20, parsed.MaxPoolSize);
    }

    [Fact]
    public void SslModes_OfTheSchema_MapToNpgsqlModes()
    {
        // database.sslMode is spelled as libpq (and psql in the schema Job) wants it; the node needs Npgsql's names.
        var helpers = Repository.Read(Path.Combine(Repository.ChartTemplates, "_helpers.tpl"));
        var pairs = SslModePair().Matches(SslModeDict().Match(helpers).Value)
            .ToDictionary(m => m.Groups["libpq"].Value, m => m.Groups["npgsql"].Value);
        var schemaModes = ValuesSchema.Document["properties"]!["database"]!["properties"]!["sslMode"]!["enum"]!.AsArray()
            .Select(m => (string)m!);

        Assert.Equal(schemaModes.Order(), pairs.Keys.Order());
        Assert.All(pairs.Values, npgsql => Assert.True(Enum.TryParse<SslMode>(npgsql, out _), $"{npgsql} is no Npgsql SslMode"));
    }

    [Fact]
    public void ExampleCountryValues_PolicyIsAValidSharingPolicyForItsNode()
    {
        // The chart writes sharing.policy as JSON for Sharing:PolicyFile; the node refuses to start on an invalid one.
        var example = YamlJson.LoadMapping(Repository.Read(Repository.ExampleValues));
        var policy = example["sharing"]!["policy"]!.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

        var parsed = SharingPolicyDocument.Parse(policy, (string?)example["node"]!["code"]);

        Assert.Null(parsed.Error);
    }

    [GeneratedRegex(@"\$cs := printf ""(?<format>(?:[^""\\]|\\.)*)""")]
    private static partial Regex ConnectionStringFormat();

    [GeneratedRegex("%[sv]")]
    private static partial Regex Verb();

    [GeneratedRegex(@"\$modes := dict[^}]*")]
    private static partial Regex SslModeDict();

    [GeneratedRegex(@"""(?<libpq>[a-z-]+)"" ""(?<npgsql>[A-Za-z]+)""")]
    private static partial Regex SslModePair();
}
