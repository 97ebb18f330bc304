using System.Net.Sockets;
using FederatedRegistry.Cli.Connection;
using FederatedRegistry.Cli.Errors;
using FederatedRegistry.Cli.Manifests;
using FederatedRegistry.Cli.Output;
using FederatedRegistry.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace FederatedRegistry.Cli.Tests;

public sealed class ErrorTranslationTests
{
    private const string Node = "http://127.0.0.1:5081";

    [Fact]
    public void InvalidArgument_PrintsEachFieldViolationAsFieldColonRule()
    {
        var badRequest = new BadRequest();
        badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = "details.name", Description = "is required" });
        badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = "product_id", Description = "must look like a domain and a path" });
        var status = new Google.Rpc.Status { Code = (int)Code.InvalidArgument, Message = "The request is invalid" };
        status.Details.Add(Any.Pack(badRequest));

        var error = ErrorTranslator.Translate(status.ToRpcException(), Node);

        Assert.Equal(ExitCodes.SomeFailed, error.ExitCode);
        Assert.Equal([$"{Node} refused the request; it names these fields:", "  details.name: is required", "  product_id: must look like a domain and a path"], error.Lines());
    }

    [Fact]
    public void ConnectionRefused_NamesTheNodeAndSuggestsItIsNotRunningOrTheWrongPort()
    {
        var refused = new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "Error connecting to subchannel.",
            new HttpRequestException("Connection refused", new SocketException((int)SocketError.ConnectionRefused))));

        var error = ErrorTranslator.Translate(refused, Node);

        Assert.Equal(ExitCodes.CannotConnect, error.ExitCode);
        Assert.StartsWith($"Cannot connect to {Node}: nothing is listening there. The node is not running, or the port is wrong", error.Sentence);
    }

    [Fact]
    public void TlsFailure_SuggestsCertificateOrScheme()
    {
        var tls = new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "Error starting gRPC call.",
            new HttpRequestException("SSL failed", new System.Security.Authentication.AuthenticationException("The remote certificate is invalid"))));

        var error = ErrorTranslator.Translate(tls, "https://ke.example:443");

        Assert.Equal(ExitCodes.CannotConnect, error.ExitCode);
        Assert.Contains("TLS handshake failed", error.Sentence);
    }

    [Fact]
    public void Conflict_WhoseMessageSaysHowToRetry_SaysItOnce()
    {
        var conflict = new RpcException(new Grpc.Core.Status(StatusCode.Aborted,
            "Version conflict: the request expected version 1 but the current version is 2; read it again and retry."));

        var error = ErrorTranslator.Translate(conflict, Node);

        Assert.Equal(ExitCodes.SomeFailed, error.ExitCode);
        Assert.Equal($"{Node}: Version conflict: the request expected version 1 but the current version is 2; read it again and retry.", error.Sentence);
    }

    [Theory]
    [InlineData(StatusCode.Unauthenticated)]
    [InlineData(StatusCode.PermissionDenied)]
    public void TokenRefusals_ExitWithFour(StatusCode code)
    {
        var error = ErrorTranslator.Translate(new RpcException(new Grpc.Core.Status(code, "no")), Node);

        Assert.Equal(ExitCodes.Unauthorized, error.ExitCode);
        Assert.Contains(Node, error.Sentence);
    }

    [Fact]
    public void SeveralOutcomes_ExitWithTheHighestCode()
    {
        Assert.Equal(0, ExitCodes.Combine([]));
        Assert.Equal(1, ExitCodes.Combine([0, 1, 0]));
        Assert.Equal(3, ExitCodes.Combine([1, 3, 0]));
    }
}

public sealed class OutputTests
{
    [Fact]
    public void Table_AlignsColumnsAndLeavesNoTrailingSpace()
    {
        var text = TableText.Render(["ID", "STATUS", "NAME"], [["KE-SYS-1", "registered", "TriageAssist"], ["KE-SYS-22", "draft", ""]]);

        Assert.Equal("ID         STATUS      NAME\nKE-SYS-1   registered  TriageAssist\nKE-SYS-22  draft\n", text);
    }

    [Fact]
    public void EnumValues_PrintAndParseWithoutTheirProtoPrefix()
    {
        Assert.Equal("under_review", ProtoEnums.Display(SystemStatus.UnderReview));
        Assert.True(ProtoEnums.TryParse<Decision>("start-review", out var decision));
        Assert.Equal(Decision.StartReview, decision);
        Assert.True(ProtoEnums.TryParse<Category>("CATEGORY_CRITICAL_INFRASTRUCTURE", out var category));
        Assert.Equal(Category.CriticalInfrastructure, category);
        Assert.False(ProtoEnums.TryParse<Category>("unspecified", out _));
    }

    [Fact]
    public void ImportReport_ListsEachRejectedRowWithItsReason()
    {
        var stdout = new StringWriter();
        var output = new CliOutput(stdout, TextWriter.Null, OutputFormat.Table);

        Commands.ImportCommand.WriteReport(output, 3, [
            new(1, "a.example/1", true, "created", "KE-SYS-1", null),
            new(2, "a.example/2", true, "already registered", "KE-SYS-2", null),
            new(3, "a.example/3", false, "invalid", null, "details.category: must be one of health, ...")], interrupted: false);

        var lines = stdout.ToString().Split('\n');
        Assert.Equal("3 of 3 rows processed: 2 accepted (1 created, 1 already registered), 1 rejected.", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("3    a.example/3  invalid  details.category: must be one of", StringComparison.Ordinal));
    }
}

public sealed class RegistrarTests
{
    [Fact]
    public void StoredEmptyAssessment_IsTheSameContentAsAManifestWithoutOne()
    {
        var manifest = new SystemDetails { Name = "X", Category = Category.Health };
        var stored = new SystemDetails { Name = "X", Category = Category.Health, Assessment = new Assessment() };

        Assert.True(Commands.Registrar.SameContent(stored, manifest));
        Assert.False(Commands.Registrar.SameContent(stored, new SystemDetails { Name = "Y", Category = Category.Health }));
    }

    [Fact]
    public void StoredRegistration_IsTheSameContentAsItsManifest_AfterTheNodesTrimmingAndDefaultDeploymentStatus()
    {
        var stored = new SystemDetails { Name = "Triage", Version = "2.1", IntendedPurpose = "Sorts patients.", Category = Category.Health, DeploymentStatus = DeploymentStatus.Planned };
        var manifest = new SystemDetails { Name = " Triage ", Version = "2.1 ", IntendedPurpose = "Sorts patients.\n", Category = Category.Health };

        Assert.True(Commands.Registrar.SameContent(stored, manifest));
        Assert.False(Commands.Registrar.SameContent(stored, new SystemDetails(manifest) { DeploymentStatus = DeploymentStatus.InUse }));
    }
}

public sealed class SettingsTests
{
    private static readonly Uri Ke = new("http://127.0.0.1:5081");
    private static readonly Uri Fr = new("http://127.0.0.1:5091");

    [Fact]
    public void Token_ComesFromTheOptionBeforeTheEnvironmentBeforeTheConfig()
    {
        var config = new CliConfigFile { Token = "from-config", Tokens = new() { ["http://127.0.0.1:5091"] = "fr-token" } };
        string? Env(string name) => name == CliSettings.TokenVariable ? "from-env" : null;

        Assert.Equal("from-option", new CliSettings([Ke.ToString()], "from-option", config, Env).TokenFor(Ke));
        Assert.Equal("from-env", new CliSettings([Ke.ToString()], null, config, Env).TokenFor(Ke));
        Assert.Equal("fr-token", new CliSettings([Fr.ToString()], null, config, _ => null).TokenFor(Fr));
        Assert.Equal("from-config", new CliSettings([Ke.ToString()], null, config, _ => null).TokenFor(Ke));
    }

    [Fact]
    public void Nodes_FallBackToTheEnvironmentThenTheConfig()
    {
        var config = new CliConfigFile { Nodes = [Fr.ToString()] };

        Assert.Equal([Ke], new CliSettings([], null, config, n => n == CliSettings.NodeVariable ? Ke.ToString() : null).Nodes);
        Assert.Equal([Fr], new CliSettings([], null, config, _ => null).Nodes);
    }

    [Fact]
    public void NodeWithoutScheme_IsABadUsageNamingTheExpectedForm()
    {
        var e = Assert.Throws<UsageException>(() => CliSettings.ParseNode("127.0.0.1:5081"));

        Assert.Contains("http://127.0.0.1:5081", e.Message);
    }
}
