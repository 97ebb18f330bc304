using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using FederatedRegistry.Deploy.Tests.Support;
using FederatedRegistry.Domain.Sharing;
using FederatedRegistry.Node.Hosting;
using Npgsql;
using ClusterMembershipOptions = Orleans.Configuration.ClusterMembershipOptions;

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


    public static TheoryData<string, string, string> NodeDefaults() => new()
    {
        // value path, configuration key, the node's own default (from its options class, as the binder would read it)
        { "cluster.probeTimeout", "Orleans__ProbeTimeout", new SiloOptions().ProbeTimeout.ToString("c", CultureInfo.InvariantCulture) },
        { "cluster.missedProbesLimit", "Orleans__MissedProbesLimit", new SiloOptions().MissedProbesLimit.ToString(CultureInfo.InvariantCulture) },
        { "cluster.iAmAlivePeriod", "Orleans__IAmAlivePeriod", new SiloOptions().IAmAlivePeriod.ToString("c", CultureInfo.InvariantCulture) },
        { "limits.maxRequestBytes", "Limits__MaxRequestBytes", new LimitsOptions().MaxRequestBytes.ToString(CultureInfo.InvariantCulture) },
        { "limits.maxJsonDepth", "Limits__MaxJsonDepth", new LimitsOptions().MaxJsonDepth.ToString(CultureInfo.InvariantCulture) },
        { "limits.requestsPerSecond", "Limits__RequestsPerSecond", new LimitsOptions().RequestsPerSecond.ToString(CultureInfo.InvariantCulture) },
        { "limits.burst", "Limits__Burst", new LimitsOptions().Burst.ToString(CultureInfo.InvariantCulture) },
        { "observability.metrics.refreshInterval", "Telemetry__RefreshInterval", new TelemetryOptions().RefreshInterval.ToString("c", CultureInfo.InvariantCulture) },
    };

    [Theory]
    [MemberData(nameof(NodeDefaults))]
    public void TuningValue_IsRenderedAsItsNodeKey_AndDefaultsToTheNodesOwnDefault(string valuePath, string key, string nodeDefault)
    {
        // The chart always sets these keys, so its default replaces the node's: a drift would change a node's behaviour
        // by installing it with Helm, and the README's defaults would be wrong for one of the two.
        var template = Repository.Read(Path.Combine(Repository.ChartTemplates, "configmap-settings.yaml"));
        Assert.True(ChartValues.TryGet(ChartValues.Load(), valuePath, out var value), $"{valuePath} is not in values.yaml");

        Assert.Matches($@"(?m)^  {Regex.Escape(key)}: {{{{ \.Values\.{Regex.Escape(valuePath)} (\| [a-z0-9]+ )*}}}}$", template);
        Assert.Equal(nodeDefault, value!.ToJsonString().Trim('"'));
    }

    [Fact]
    public void SettingsConfigMap_PassesIntegersThatMayReachAMillionThroughInt64()
    {
        // Helm reads numbers of a values file as float64, and quote prints 4194304 as "4.194304e+06", which the node's
        // binder refuses as an integer. Integers the schema lets reach 1000000 must be converted first.
        var lines = SettingLine().Matches(Repository.Read(Path.Combine(Repository.ChartTemplates, "configmap-settings.yaml")));
        var schema = ValuesSchema.Document;
        var large = lines
            .Select(m => (Key: m.Groups["key"].Value, Path: m.Groups["path"].Value, Pipes: m.Groups["pipes"].Value))
            .Where(l => SchemaOf(schema, l.Path) is { } declared && IsInteger(declared) &&
                        !(declared["maximum"] is JsonValue max && max.GetValue<long>() < 1_000_000))
            .ToList();
        var unconverted = large.Where(l => !Regex.IsMatch(l.Pipes, @"\| int(64)? ")).Select(l => $"{l.Key}: .Values.{l.Path}").ToList();

        Assert.Contains(large, l => l.Key == "Limits__MaxRequestBytes");
        Assert.Empty(unconverted);
    }

    [Fact]
    public void StartupProbe_OutlastsTheWaitForDeadSilosEntriesToGoStale()
    {
        // After every silo of a node died (a database outage, a cluster restart), their entries stay Active in the
        // membership table; a silo that starts probes them and cannot join until they have missed Orleans'
        // NumMissedTableIAmAliveLimit heartbeats of Orleans:IAmAlivePeriod. A startup probe that gave up sooner would
        // restart the first silo again and again.
        var values = ChartValues.Load();
        var window = TimeSpan.FromSeconds((long)values["startupProbe"]!["periodSeconds"]! * (long)values["startupProbe"]!["failureThreshold"]!);
        var iAmAlive = TimeSpan.Parse((string)values["cluster"]!["iAmAlivePeriod"]!, CultureInfo.InvariantCulture);
        var stale = iAmAlive * new ClusterMembershipOptions().NumMissedTableIAmAliveLimit;

        Assert.True(window > stale + iAmAlive, $"the startup probe gives a silo {window}, but dead silos' entries go stale only after {stale} (and one more period to notice)");
    }

    private static JsonObject? SchemaOf(JsonObject schema, string path)
    {
        JsonObject? node = schema;
        foreach (var key in path.Split('.'))
        {
            node = node?["properties"]?[key] as JsonObject;
        }

        return node;
    }

    private static bool IsInteger(JsonObject declared) => declared["type"] switch
    {
        JsonValue single => (string?)single == "integer",
        JsonArray several => several.Any(t => (string?)t == "integer"),
        _ => false,
    };

    [GeneratedRegex(@"(?m)^\s+(?<key>[A-Za-z_][A-Za-z0-9_]*): \{\{ \.Values\.(?<path>[A-Za-z0-9_.]+) (?<pipes>(\| [a-z0-9]+ )*)\}\}$")]
    private static partial Regex SettingLine();

    [GeneratedRegex(@"\$cs := printf ""(?<format>(?:[^""\\]|\\.)*)""")]
    private static partial Regex ConnectionStringFormat();

    [GeneratedRegex("%[sv]")]
    private static partial Regex Verb();

    [GeneratedRegex(@"\$modes := dict[^}]*")]
    private static partial Regex SslModeDict();

    [GeneratedRegex(@"""(?<libpq>[a-z-]+)"" ""(?<npgsql>[A-Za-z]+)""")]
    private static partial Regex SslModePair();
}
