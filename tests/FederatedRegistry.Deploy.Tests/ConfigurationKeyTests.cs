using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FederatedRegistry.Deploy.Tests.Support;
using FederatedRegistry.Node.Hosting;

namespace FederatedRegistry.Deploy.Tests;

/// <summary>
/// Every setting the chart and the image give the node (environment variables: <c>Node__Code</c> is Node:Code) is one
/// the node reads: a property of an option class (found by reflection over fedreg-node and the FederatedRegistry
/// assemblies it references, through their <c>Section</c> constants), or a framework key named below. A misspelt key
/// is otherwise ignored by the node without a word.
/// </summary>
public sealed partial class ConfigurationKeyTests
{
    /// <summary>
    /// Keys that are not option properties but that the framework reads. Each is checked against the node where it can be.
    /// </summary>
    private static readonly string[] FrameworkKeyPatterns =
    [
        // IConfiguration.GetConnectionString(StorageOptions.ConnectionStringName); the name is checked below.
        "ConnectionStrings:*",
        // Kestrel's endpoints; the names must be the node's own (appsettings.json), which set each one's protocols.
        "Kestrel:Endpoints:*:Url",
        // Microsoft.Extensions.Logging.
        "Logging:LogLevel:*",
    ];

    /// <summary>Environment variables that are not configuration keys, and why each is set.</summary>
    private static readonly Dictionary<string, string> PlainVariables = new(StringComparer.Ordinal)
    {
        ["ASPNETCORE_ENVIRONMENT"] = "the host environment: Production turns development tokens off",
        ["ASPNETCORE_HTTP_PORTS"] = "cleared in the image: the Kestrel endpoints replace the base image's port 8080",
        ["DOTNET_NOLOGO"] = "no SDK banner",
        ["DOTNET_SHUTDOWNTIMEOUTSECONDS"] = "the host's shutdown timeout (HostOptions reads shutdownTimeoutSeconds): the silo's time to hand grains off",
        ["POD_NAME"] = "the silo's name in cluster mode (read when Orleans:SiloName is unset) and, through OTEL_RESOURCE_ATTRIBUTES, the OpenTelemetry service.instance.id",
        ["POD_NAMESPACE"] = "an OpenTelemetry resource attribute",
        ["POD_IP"] = "expanded into Orleans__AdvertisedAddress by Kubernetes",
        ["FEDREG_DATABASE_PASSWORD"] = "expanded into ConnectionStrings__Registry by Kubernetes, so the password stays in its Secret",
        ["OTEL_SERVICE_NAME"] = "the OpenTelemetry resource's service.name (NodeTelemetry; fedreg-node when unset)",
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "the OTLP collector for traces, metrics and logs: NodeTelemetry turns the OTLP exporter on only when it is set",
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "the OTLP exporter's protocol (grpc or http/protobuf), read by the exporter NodeTelemetry turns on",
        ["OTEL_RESOURCE_ATTRIBUTES"] = "OpenTelemetry resource attributes (service.instance.id, k8s.*, fedreg.node.code), read last by NodeTelemetry so they win",
    };

    [Fact]
    public void EveryConfigurationKeyTheChartAndImageSet_IsANodeOptionOrAKnownFrameworkKey()
    {
        var keys = ChartAndImageVariables().Select(v => v.Name).ToList();
        var unknown = ChartAndImageVariables()
            .Where(v => v.Name.Contains("__", StringComparison.Ordinal))
            .Select(v => (v.Source, Key: v.Name.Replace("__", ":", StringComparison.Ordinal)))
            .Where(v => !NodeOptions.Binds(v.Key) && !IsFrameworkKey(v.Key))
            .Select(v => $"{v.Source}: {v.Key}")
            .Distinct()
            .ToList();

        // The keys are really read from the templates: a peer entry (inside a range) and the image's defaults too.
        Assert.Contains("Node__Code", keys);
        Assert.Contains("Federation__Peers__0__PublicKey", keys);
        Assert.Contains("Auth__SigningKeys__0", keys);
        Assert.Contains("Node__DataDirectory", keys);
        Assert.Empty(unknown);
    }

    [Fact]
    public void EveryPlainEnvironmentVariable_IsOneWithAKnownPurpose()
    {
        var unexplained = ChartAndImageVariables()
            .Where(v => !v.Name.Contains("__", StringComparison.Ordinal) && !PlainVariables.ContainsKey(v.Name))
            .Select(v => $"{v.Source}: {v.Name}")
            .Distinct()
            .ToList();

        Assert.Empty(unexplained);
    }

    [Fact]
    public void FrameworkKeys_NameTheNodesConnectionStringAndKestrelEndpoints()
    {
        var keys = ChartAndImageVariables().Select(v => v.Name.Replace("__", ":", StringComparison.Ordinal)).ToList();
        var endpoints = JsonNode.Parse(Repository.Read(Repository.NodeAppSettings))!["Kestrel"]!["Endpoints"]!.AsObject();

        Assert.Contains($"ConnectionStrings:{StorageOptions.ConnectionStringName}", keys);
        Assert.All(keys.Where(k => k.StartsWith("ConnectionStrings:", StringComparison.Ordinal)),
            k => Assert.Equal($"ConnectionStrings:{StorageOptions.ConnectionStringName}", k));
        Assert.All(keys.Where(k => k.StartsWith("Kestrel:Endpoints:", StringComparison.Ordinal)),
            k => Assert.True(endpoints.ContainsKey(k.Split(':')[2]), $"{k}: the node's appsettings.json has no such endpoint"));
    }

    [Fact]
    public void OptionLookup_FindsRealKeys_AndRefusesMisspeltOnes()
    {
        // The reflection the tests above rely on: nested objects, lists by index, sections inside sections.
        Assert.True(NodeOptions.Binds("Node:Code"));
        Assert.True(NodeOptions.Binds("Federation:Certificate:KeyPath"));
        Assert.True(NodeOptions.Binds("Federation:Peers:3:CertificateSha256"));
        Assert.True(NodeOptions.Binds("Federation:Delivery:MaxRetryDelay"));
        Assert.True(NodeOptions.Binds("Auth:SigningKeys:0"));
        Assert.False(NodeOptions.Binds("Node:Cod"));
        Assert.False(NodeOptions.Binds("Federation:Peers:Code"));
        Assert.False(NodeOptions.Binds("Federation:Certificate"));
        Assert.False(NodeOptions.Binds("Nodes:Code"));
    }

    private static bool IsFrameworkKey(string key) =>
        FrameworkKeyPatterns.Any(pattern => Regex.IsMatch(key, "^" + Regex.Escape(pattern).Replace(@"\*", "[^:]+", StringComparison.Ordinal) + "$"));

    /// <summary>
    /// The variables the node container gets: the settings ConfigMap's data keys and the node container's env names
    /// (both read from the blanked templates, see TemplateBlanker), and the image's ENV. A template action inside a
    /// name (<c>Federation__Peers__{{ $i }}__Code</c>, blanked to a placeholder) stands for a list index.
    /// </summary>
    private static IEnumerable<(string Source, string Name)> ChartAndImageVariables()
    {
        foreach (var (key, _) in BlankedManifests.Single("configmap-settings.yaml", "ConfigMap")["data"]!.AsObject())
        {
            // A key that is nothing but an action comes from the operator's own `config` map, not from the chart.
            if (!WholePlaceholder().IsMatch(key))
            {
                yield return ("configmap-settings.yaml", Placeholder().Replace(key, "0"));
            }
        }

        var container = BlankedManifests.Single("deployment.yaml", "Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!;
        foreach (var entry in container["env"]!.AsArray())
        {
            yield return ("deployment.yaml", Placeholder().Replace((string)entry!["name"]!, "0"));
        }

        var dockerfile = DockerfileModel.Load(Repository.Dockerfile);
        foreach (var (name, _) in dockerfile.Stage(dockerfile.FinalStage, "ENV").SelectMany(DockerfileModel.EnvPairs))
        {
            yield return ("Dockerfile", name);
        }
    }

    [GeneratedRegex(@"tpl\d+")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^tpl\d+\z")]
    private static partial Regex WholePlaceholder();

    /// <summary>The node's option classes, and whether a configuration key binds to a property of one of them.</summary>
    private static class NodeOptions
    {
        private static readonly Lazy<IReadOnlyList<(string[] Section, Type Type)>> Sections = new(FindSections);

        public static bool Binds(string key)
        {
            var segments = key.Split(':');
            // The longest section that starts the key: Federation:Delivery before Federation.
            var match = Sections.Value
                .Where(s => s.Section.Length < segments.Length && s.Section.SequenceEqual(segments[..s.Section.Length], StringComparer.OrdinalIgnoreCase))
                .OrderByDescending(s => s.Section.Length)
                .FirstOrDefault();
            return match.Type is not null && Walk(match.Type, segments[match.Section.Length..]);
        }

        // Binds as ConfigurationBinder does: properties by name (any case), list elements by index, down to a value
        // that binds from one string.
        private static bool Walk(Type type, ReadOnlySpan<string> segments)
        {
            if (segments.IsEmpty)
            {
                return IsScalar(type);
            }

            if (ElementType(type) is { } element)
            {
                return int.TryParse(segments[0], out _) && Walk(element, segments[1..]);
            }

            var property = type.GetProperty(segments[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            return property is not null && (property.CanWrite || !IsScalar(property.PropertyType)) && Walk(property.PropertyType, segments[1..]);
        }

        private static bool IsScalar(Type type)
        {
            var underlying = Nullable.GetUnderlyingType(type) ?? type;
            return underlying.IsPrimitive || underlying.IsEnum || underlying == typeof(string) || underlying == typeof(decimal) ||
                   underlying == typeof(TimeSpan) || underlying == typeof(Uri) || underlying == typeof(DateTimeOffset);
        }

        private static Type? ElementType(Type type) =>
            type == typeof(string) ? null
            : type.IsArray ? type.GetElementType()
            : type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) && type.GetGenericArguments().Length == 1 ? type.GetGenericArguments()[0]
            : null;

        private static IReadOnlyList<(string[] Section, Type Type)> FindSections()
        {
            var node = typeof(NodeHost).Assembly;
            var assemblies = node.GetReferencedAssemblies()
                .Where(a => a.Name!.StartsWith("FederatedRegistry.", StringComparison.Ordinal))
                .Select(Assembly.Load)
                .Prepend(node);
            var sections = assemblies
                .SelectMany(a => a.GetTypes())
                .Select(t => (Type: t, Field: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)))
                .Where(x => x.Field is { IsLiteral: true } && x.Field.FieldType == typeof(string))
                .Select(x => (((string)x.Field!.GetRawConstantValue()!).Split(':'), x.Type))
                .ToList();
            return sections.Count > 0 ? sections : throw new InvalidOperationException("No option classes with a Section constant were found.");
        }
    }
}
