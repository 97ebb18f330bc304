using System.Text.RegularExpressions;
using System.Xml.Linq;
using FederatedRegistry.Deploy.Tests.Support;
using FederatedRegistry.Node.Hosting;

namespace FederatedRegistry.Deploy.Tests;

/// <summary>
/// The Dockerfile, read as the builder reads it (there is no container engine here to build it): its user, ports,
/// health check and restore layer agree with the chart and the projects, and nothing secret goes into the image.
/// </summary>
public sealed partial class DockerfileTests
{
    private static readonly DockerfileModel Dockerfile = DockerfileModel.Load(Repository.Dockerfile);

    [Fact]
    public void FinalStage_RunsAsTheNonRootUser10001_ThatTheChartRunsAs()
    {
        var final = Dockerfile.FinalStage;
        var user = Dockerfile.Stage(final, "USER").LastOrDefault();
        var runAsUser = (long)ChartValues.Load()["podSecurityContext"]!["runAsUser"]!;

        Assert.NotNull(user);
        Assert.Equal("10001", user.Arguments.Split(':')[0]);
        Assert.Equal(10001, runAsUser);
        Assert.Contains(Dockerfile.Stage(final, "RUN"), run => run.Arguments.Contains("--uid 10001", StringComparison.Ordinal));
    }

    [Fact]
    public void FinalStage_ExposesEveryPortTheChartNames_AndListensOnThem()
    {
        var final = Dockerfile.FinalStage;
        var exposed = Dockerfile.Stage(final, "EXPOSE")
            .SelectMany(e => e.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(port => port.Split('/')[0])
            .ToHashSet();
        var env = Dockerfile.Stage(final, "ENV").SelectMany(DockerfileModel.EnvPairs).ToDictionary();
        var ports = ChartValues.Load()["containerPorts"]!.AsObject();

        foreach (var (name, port) in ports)
        {
            Assert.True(exposed.Contains(port!.ToString()), $"containerPorts.{name} ({port}) is not EXPOSEd");
        }

        // The image's own defaults listen where the chart's probes and Services expect them.
        Assert.Equal($"http://*:{ports["http"]}", env["Kestrel__Endpoints__Http__Url"]);
        Assert.Equal($"http://*:{ports["grpc"]}", env["Kestrel__Endpoints__Grpc__Url"]);
        Assert.Equal($"https://*:{ports["federation"]}", env["Federation__ListenUrl"]);
        Assert.Equal(ports["silo"]!.ToString(), env["Orleans__SiloPort"]);
        Assert.Equal(ports["gateway"]!.ToString(), env["Orleans__GatewayPort"]);
    }

    [Fact]
    public void FinalStage_HasAHealthCheck_OnHealthLiveOfTheHttpPort()
    {
        var healthCheck = Assert.Single(Dockerfile.Stage(Dockerfile.FinalStage, "HEALTHCHECK"));
        var http = ChartValues.Load()["containerPorts"]!["http"]!.ToString();

        Assert.Contains("CMD", healthCheck.Arguments, StringComparison.Ordinal);
        Assert.Contains($"GET {NodeHealth.LivePath} HTTP/1.1", healthCheck.Arguments, StringComparison.Ordinal);
        Assert.Contains($"/dev/tcp/127.0.0.1/{http}", healthCheck.Arguments, StringComparison.Ordinal);
    }

    [Fact]
    public void Stages_AreTheSdkToBuildAndTheRuntimeDependenciesToRun_OnTheFrameworkTheProjectsTarget()
    {
        // Directory.Build.props sets net10.0; the images follow it through DOTNET_VERSION.
        var targetFramework = XDocument.Load(Path.Combine(Repository.Root, "Directory.Build.props"))
            .Descendants("TargetFramework").Single().Value;
        var version = Regex.Match(Dockerfile.Instructions.First(i => i.Keyword == "ARG").Arguments, @"DOTNET_VERSION=(\S+)").Groups[1].Value;
        var from = Dockerfile.Instructions.Where(i => i.Keyword == "FROM").Select(i => i.Arguments).ToList();

        Assert.Equal($"net{version}", targetFramework);
        Assert.Equal(2, from.Count);
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION}", from[0], StringComparison.Ordinal);
        // The node carries its runtime (self-contained, see Publish_IsForTheImagePlatform...): the image adds only what
        // the OS must provide.
        Assert.StartsWith("mcr.microsoft.com/dotnet/runtime-deps:${DOTNET_VERSION}", from[1], StringComparison.Ordinal);
        Assert.Contains("fedreg-node", Dockerfile.Stage(Dockerfile.FinalStage, "ENTRYPOINT").Single().Arguments, StringComparison.Ordinal);
    }

    [Fact]
    public void RestoreLayer_CopiesEveryProjectTheNodeIsBuiltFrom_BeforeRestoring()
    {
        // The restore layer holds only project files; a project the node references but the layer lacks breaks
        // `publish --no-restore` after the sources are copied.
        var build = Dockerfile.Instructions.Where(i => i.Stage == 0).ToList();
        var restore = build.FindIndex(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore", StringComparison.Ordinal));
        var copiedBeforeRestore = build.Take(restore).Where(i => i.Keyword == "COPY").Select(i => i.Arguments).ToList();
        var sourcesCopied = build.FindIndex(i => i.Keyword == "COPY" && i.Arguments.StartsWith("src/ ", StringComparison.Ordinal));

        Assert.True(restore > 0, "the build stage has no dotnet restore");
        Assert.True(sourcesCopied > restore, "the sources are copied before the restore layer");
        foreach (var project in ProjectClosure(Repository.NodeProject))
        {
            var relative = Repository.Relative(project);
            Assert.True(copiedBeforeRestore.Any(copy => copy.StartsWith(relative + " ", StringComparison.Ordinal)), $"{relative} is not copied before dotnet restore");
        }

        foreach (var file in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props" })
        {
            Assert.Contains(copiedBeforeRestore, copy => copy.Split(' ').Contains(file));
        }
    }

    [Fact]
    public void Publish_IsForTheImagePlatform_WithTheSameArchitectureItWasRestoredFor()
    {
        // The node is self-contained and precompiled with its runtime (composite ReadyToRun) only when published for a
        // platform, which the image's base (runtime-deps, no .NET) relies on; `publish --no-restore` for an
        // architecture the restore layer did not restore fails (NETSDK1047).
        var build = Dockerfile.Instructions.Where(i => i.Stage == 0 && i.Keyword == "RUN").Select(i => i.Arguments).ToList();
        var restore = build.Single(a => a.Contains("dotnet restore", StringComparison.Ordinal));
        var publish = build.Single(a => a.Contains("dotnet publish", StringComparison.Ordinal));
        const string architecture = "-a \"$TARGETARCH\"";

        Assert.Contains(architecture, restore, StringComparison.Ordinal);
        Assert.Contains(architecture, publish, StringComparison.Ordinal);
        Assert.Contains("--no-restore", publish, StringComparison.Ordinal);
        Assert.Contains(Dockerfile.Instructions, i => i.Stage == 0 && i.Keyword == "ARG" && i.Arguments == "TARGETARCH");
        var project = File.ReadAllText(Repository.NodeProject);
        var forPlatform = Regex.Match(project, @"<PropertyGroup Condition=""'\$\(RuntimeIdentifier\)' != ''"">([\s\S]*?)</PropertyGroup>").Groups[1].Value;
        Assert.Contains("<PublishReadyToRun>true</PublishReadyToRun>", forPlatform, StringComparison.Ordinal);
        Assert.Contains("<SelfContained>true</SelfContained>", forPlatform, StringComparison.Ordinal);
        Assert.Contains("<PublishReadyToRunComposite>true</PublishReadyToRunComposite>", forPlatform, StringComparison.Ordinal);
    }

    [Fact]
    public void Image_BakesInNoSecrets_AndTheBuildContextLeavesKeysAndDataOut()
    {
        var ignored = File.ReadAllLines(Repository.DockerIgnore).Select(l => l.Trim()).ToHashSet();
        var secretNames = Dockerfile.Instructions
            .Where(i => i.Keyword is "ENV" or "ARG")
            .SelectMany(i => i.Keyword == "ENV" ? DockerfileModel.EnvPairs(i).Select(p => p.Key) : [i.Arguments.Split('=')[0]])
            .Where(name => SecretName().IsMatch(name))
            .ToList();

        // src/FederatedRegistry.Node/data holds a development node key; the image generates or mounts its own.
        Assert.Contains("**/data/", ignored);
        Assert.Contains("**/*.pem", ignored);
        Assert.Contains("**/*.pfx", ignored);
        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
        Assert.Empty(secretNames);
    }

    // The node project and every project it references, transitively.
    private static IEnumerable<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
            {
                continue;
            }

            foreach (var reference in XDocument.Load(current).Descendants("ProjectReference"))
            {
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(current)!, reference.Attribute("Include")!.Value)));
            }
        }

        return seen.Order(StringComparer.Ordinal);
    }

    [GeneratedRegex("PASSWORD|SECRET|TOKEN|PRIVATE", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();
}
