using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FederatedRegistry.Deploy.Tests.Support;
using FederatedRegistry.Node.Hosting;

namespace FederatedRegistry.Deploy.Tests;

/// <summary>The templates, checked without helm: their YAML, the values they read, and what the manifests promise.</summary>
public sealed partial class TemplateTests
{
    public static TheoryData<string> Manifests() => [.. Repository.ManifestTemplates().Select(path => Path.GetFileName(path))];

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Template_IsWellFormedYaml_OnceItsActionsAreBlanked(string fileName)
    {
        // TemplateBlanker documents the blanking rules; what is left must parse (no tab indentation, no broken
        // nesting, no duplicate keys) and be Kubernetes objects.
        var documents = BlankedManifests.Documents(Path.Combine(Repository.ChartTemplates, fileName));

        Assert.NotEmpty(documents);
        Assert.All(documents, document =>
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)document["apiVersion"]), $"{fileName}: a document without apiVersion");
            Assert.False(string.IsNullOrWhiteSpace((string?)document["kind"]), $"{fileName}: a document without kind");
            Assert.False(string.IsNullOrWhiteSpace((string?)document["metadata"]?["name"]), $"{fileName}: a document without metadata.name");
        });
    }

    [Fact]
    public void Blanker_DropsControlLines_AndReplacesInlineActionsWithDistinctScalars()
    {
        const string template = """
            {{- /* a comment
            over two lines */}}
            data:
              {{- range $i, $p := .Values.peers }}
              Peers__{{ $i }}__Code: {{ $p.code | quote }}
              Peers__{{ $i }}__Role: "{{ $p.role }}"
              {{- end }}
            """;

        var blanked = TemplateBlanker.Blank(template);

        Assert.Equal("data:\n  Peers__tpl0__Code: tpl1\n  Peers__tpl2__Role: \"tpl3\"\n", blanked);
    }

    [Fact]
    public void Blanker_RefusesAnActionSplitOverLines()
    {
        Assert.Throws<FormatException>(() => TemplateBlanker.Blank("a: {{ include \"x\"\n . }}\n"));
    }

    [Fact]
    public void EveryValuesReferenceInTheTemplates_ExistsInValuesYaml()
    {
        // A reference to a value that is not in values.yaml renders as nothing: a silent hole in the manifest. Paths
        // under a free-form map (podAnnotations.x) count as missing too: the chart must not rely on keys it does not
        // declare. References through `with`/`range` (.x inside the block) are checked at the block's .Values path.
        var values = ChartValues.Load();
        var missing = References()
            .Where(r => !ChartValues.TryGet(values, r.Path, out _))
            .Select(r => $"{r.File}: .Values.{r.Path}")
            .Distinct()
            .ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void EveryValueInValuesYaml_IsReadBySomeTemplate()
    {
        // The reverse: a value no template reads is a setting that silently does nothing.
        var read = References().Select(r => r.Path).ToHashSet(StringComparer.Ordinal);
        var unread = ChartValues.Paths(ChartValues.Load())
            .Where(p => p.IsLeaf)
            .Select(p => p.Path)
            .Where(path => !read.Any(r => path == r || path.StartsWith(r + ".", StringComparison.Ordinal)))
            .ToList();

        Assert.Empty(unread);
    }

    [Fact]
    public void Deployment_NamesItsPortsHttpGrpcFederationSiloAndGateway_WithOrleansDefaults()
    {
        var container = NodeContainer();
        var names = container["ports"]!.AsArray().Select(p => (string?)p!["name"]).ToList();
        var ports = ChartValues.Load()["containerPorts"]!;

        Assert.Equal(["http", "grpc", "federation", "silo", "gateway"], names);
        Assert.Equal(11111, (long)ports["silo"]!);
        Assert.Equal(30000, (long)ports["gateway"]!);
    }

    [Fact]
    public void Deployment_ProbesStartupReadinessAndLiveness_OnTheHealthEndpointsOfTheHttpPort()
    {
        var container = NodeContainer();
        var values = ChartValues.Load();

        // The node's own route constants: a probe path the node does not map would keep every pod from becoming ready.
        foreach (var (probe, path) in new[]
        {
            ("startupProbe", NodeHealth.StartupPath), ("readinessProbe", NodeHealth.ReadyPath), ("livenessProbe", NodeHealth.LivePath),
        })
        {
            Assert.Equal("http", (string?)container[probe]!["httpGet"]!["port"]);
            Assert.Equal(path, (string?)values[probe]!["path"]);
            Assert.True((bool)values[probe]!["enabled"]!);
        }
    }

    [Fact]
    public void Deployment_GivesTheSiloItsPodNameAndAdvertisesThePodIp_FromTheDownwardApi()
    {
        var env = NodeContainer()["env"]!.AsArray();
        string? FieldPath(string name) => (string?)env.Single(e => (string?)e!["name"] == name)!["valueFrom"]!["fieldRef"]!["fieldPath"];

        Assert.Equal("metadata.name", FieldPath("POD_NAME"));
        Assert.Equal("status.podIP", FieldPath("POD_IP"));
        Assert.Equal("$(POD_IP)", (string?)env.Single(e => (string?)e!["name"] == "Orleans__AdvertisedAddress")!["value"]);
    }

    [Fact]
    public void TerminationGrace_OutlastsThePreStopSleepAndTheSilosShutdown()
    {
        // Orleans needs the host's shutdown timeout to deactivate grains and leave the membership table; the kubelet
        // kills the pod at terminationGracePeriodSeconds, counted from before the preStop sleep.
        var values = ChartValues.Load();
        var pod = Deployment()["spec"]!["template"]!["spec"]!;

        Assert.True((long)values["terminationGracePeriodSeconds"]! > (long)values["preStopSleepSeconds"]! + (long)values["shutdownTimeoutSeconds"]!);
        Assert.NotNull(pod["terminationGracePeriodSeconds"]);
        Assert.NotNull(NodeContainer()["lifecycle"]!["preStop"]!["exec"]);
    }

    [Fact]
    public void Defaults_KeepTwoSilosServingThroughADrainAndAnUpgrade()
    {
        // A drain evicts up to maxUnavailable silos and an upgrade replaces them one by one: with at least two left,
        // the node still answers if one more silo fails meanwhile. The chart refuses a budget that could evict all.
        var values = ChartValues.Load();
        var replicas = (long)values["replicaCount"]!;
        var evictable = (long)values["podDisruptionBudget"]!["maxUnavailable"]!;
        var rollingUpdate = Deployment()["spec"]!["strategy"]!["rollingUpdate"]!;
        var helpers = Repository.Read(Path.Combine(Repository.ChartTemplates, "_helpers.tpl"));

        Assert.Equal(3, replicas);
        Assert.True((bool)values["podDisruptionBudget"]!["enabled"]!);
        Assert.True(replicas - evictable >= 2, $"replicaCount {replicas} with maxUnavailable {evictable} leaves fewer than two silos in a drain");
        Assert.Equal("0", rollingUpdate["maxUnavailable"]!.ToJsonString());
        Assert.Matches(@"ge \(int \.Values\.podDisruptionBudget\.maxUnavailable\) \(int \.Values\.replicaCount\)", helpers);
    }

    [Fact]
    public void Deployment_TakesItsGracePeriodAndTheHostsShutdownTimeoutFromTheValuesTheChartChecks()
    {
        // The values' relation is checked above and in _helpers.tpl; this makes sure the pod really uses those values.
        var deployment = Repository.Read(Path.Combine(Repository.ChartTemplates, "deployment.yaml"));
        var settings = Repository.Read(Path.Combine(Repository.ChartTemplates, "configmap-settings.yaml"));

        Assert.Matches(@"(?m)^      terminationGracePeriodSeconds: \{\{ \.Values\.terminationGracePeriodSeconds \}\}$", deployment);
        Assert.Matches(@"(?m)^  DOTNET_SHUTDOWNTIMEOUTSECONDS: \{\{ \.Values\.shutdownTimeoutSeconds [^}]*\}\}$", settings);
        Assert.Matches(@"command: \[""sleep"", \{\{ \.Values\.preStopSleepSeconds \| quote \}\}\]", deployment);
    }

    [Fact]
    public void Pods_RunAsNonRootWithAReadOnlyRootFilesystem_AndNoServiceAccountToken()
    {
        var values = ChartValues.Load();
        var pod = Deployment()["spec"]!["template"]!["spec"]!;
        var serviceAccount = BlankedManifests.Single("serviceaccount.yaml", "ServiceAccount");
        var job = BlankedManifests.Single("schema-job.yaml", "Job")["spec"]!["template"]!["spec"]!;

        Assert.True((bool)values["podSecurityContext"]!["runAsNonRoot"]!);
        Assert.Equal(10001, (long)values["podSecurityContext"]!["runAsUser"]!);
        Assert.True((bool)values["containerSecurityContext"]!["readOnlyRootFilesystem"]!);
        Assert.False((bool)values["containerSecurityContext"]!["allowPrivilegeEscalation"]!);
        Assert.False((bool)pod["automountServiceAccountToken"]!);
        Assert.False((bool)serviceAccount["automountServiceAccountToken"]!);
        Assert.False((bool)job["automountServiceAccountToken"]!);
    }

    [Fact]
    public void Chart_CreatesNoSecret_AndDownloadsNothingWhenAPodStarts()
    {
        // Secrets are referenced by name (created by the operator); pods run what their image holds: no init
        // containers, no curl or wget, no package installs.
        // NOTES.txt is what the operator reads after install (it may tell them to curl the API), not what pods run.
        var offending = Repository.AllTemplates()
            .Where(file => Path.GetFileName(file) != "NOTES.txt")
            .SelectMany(file => Repository.Read(file).Split('\n').Select(line => (file, line)))
            .Where(x => ForbiddenAtPodStart().IsMatch(x.line))
            .Select(x => $"{Path.GetFileName(x.file)}: {x.line.Trim()}")
            .ToList();

        Assert.Empty(offending);
    }

    [Fact]
    public void SchemaJob_IsAPreInstallAndPreUpgradeHook_RunAfterItsConfigMap()
    {
        var configMap = BlankedManifests.Single("schema-configmap.yaml", "ConfigMap")["metadata"]!["annotations"]!;
        var job = BlankedManifests.Single("schema-job.yaml", "Job")["metadata"]!["annotations"]!;

        Assert.Equal("pre-install,pre-upgrade", (string?)configMap["helm.sh/hook"]);
        Assert.Equal("pre-install,pre-upgrade", (string?)job["helm.sh/hook"]);
        // Hooks run in weight order: the ConfigMap with the SQL must exist before the Job's pod mounts it.
        Assert.True(int.Parse((string)configMap["helm.sh/hook-weight"]!) < int.Parse((string)job["helm.sh/hook-weight"]!));
    }

    [Fact]
    public void NetworkPolicy_OpensSiloAndGatewayOnlyToTheNodesOwnPods()
    {
        var ingress = BlankedManifests.Single("networkpolicy.yaml", "NetworkPolicy")["spec"]!["ingress"]!.AsArray();
        var cluster = ingress.Where(rule => rule!["ports"]!.AsArray().Any(p => (string?)p!["port"] is "silo" or "gateway")).ToList();

        var rule = Assert.Single(cluster);
        Assert.Equal(["silo", "gateway"], rule!["ports"]!.AsArray().Select(p => (string?)p!["port"]));
        var from = Assert.Single(rule["from"]!.AsArray());
        // The selector's labels come from a helper (blanked away); the rule names the node's own pods only.
        Assert.True(from!["podSelector"]!.AsObject().ContainsKey("matchLabels"));
    }

    [Fact]
    public void Federation_HasAServiceOfItsOwn_ThatPassesTlsThrough()
    {
        var service = BlankedManifests.Single("service-federation.yaml", "Service");
        var api = BlankedManifests.Single("service.yaml", "Service");

        var port = Assert.Single(service["spec"]!["ports"]!.AsArray());
        Assert.Equal("federation", (string?)port!["targetPort"]);
        Assert.DoesNotContain(api["spec"]!["ports"]!.AsArray(), p => (string?)p!["targetPort"] == "federation");
    }

    private static JsonObject Deployment() => BlankedManifests.Single("deployment.yaml", "Deployment");

    private static JsonObject NodeContainer() =>
        Assert.Single(Deployment()["spec"]!["template"]!["spec"]!["containers"]!.AsArray())!.AsObject();

    private static IEnumerable<(string File, string Path)> References() =>
        Repository.AllTemplates().SelectMany(file =>
            ValuesReference().Matches(Repository.Read(file)).Select(m => (Path.GetFileName(file), m.Groups["path"].Value)));

    [GeneratedRegex(@"(?<![\w)])\$?\.Values\.(?<path>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)")]
    private static partial Regex ValuesReference();

    [GeneratedRegex(@"kind:\s*Secret\b|initContainers|\bcurl\b|\bwget\b|apt-get|apk add|dotnet (build|publish|restore)")]
    private static partial Regex ForbiddenAtPodStart();
}
