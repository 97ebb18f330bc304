using System.Text.Json;
using System.Text.Json.Serialization;

namespace FederatedRegistry.Cli.Connection;

/// <summary>
/// The small config file (<c>~/.config/fedreg/config.json</c> or <c>--config</c>):
/// <c>{"nodes": ["http://127.0.0.1:5081"], "token": "...", "tokens": {"http://127.0.0.1:5091": "..."}, "output": "table"}</c>.
/// </summary>
internal sealed record CliConfigFile
{
    [JsonPropertyName("nodes")]
    public List<string> Nodes { get; init; } = [];

    [JsonPropertyName("token")]
    public string? Token { get; init; }

    /// <summary>Tokens per node address: each node trusts its own issuer, so one token rarely fits every node.</summary>
    [JsonPropertyName("tokens")]
    public Dictionary<string, string> Tokens { get; init; } = [];

    [JsonPropertyName("output")]
    public string? Output { get; init; }

    public static string DefaultPath =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "fedreg", "config.json");

    /// <summary>The file, or an empty config when the default file does not exist; a named file that is missing or broken is an error.</summary>
    public static CliConfigFile Load(string? path)
    {
        var file = path ?? DefaultPath;
        if (!File.Exists(file))
        {
            return path is null ? new CliConfigFile() : throw new UsageException($"The config file {file} does not exist.");
        }
        try
        {
            return JsonSerializer.Deserialize<CliConfigFile>(File.ReadAllText(file), new JsonSerializerOptions { AllowTrailingCommas = true, ReadCommentHandling = JsonCommentHandling.Skip })
                ?? new CliConfigFile();
        }
        catch (JsonException e)
        {
            throw new UsageException($"The config file {file} is not valid JSON ({e.Message}); expected {{\"nodes\": [\"http://...\"], \"token\": \"...\"}}.");
        }
    }
}

/// <summary>A mistake in the command line, the config or an input file: reported as a sentence, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>Which nodes to call and with which token: options first, then FEDREG_TOKEN / FEDREG_NODE, then the config file.</summary>
internal sealed class CliSettings
{
    public const string TokenVariable = "FEDREG_TOKEN";
    public const string NodeVariable = "FEDREG_NODE";

    private readonly string? _optionToken;
    private readonly string? _environmentToken;
    private readonly CliConfigFile _config;

    public CliSettings(IReadOnlyList<string> optionNodes, string? optionToken, CliConfigFile config, Func<string, string?> environment)
    {
        _optionToken = Blank(optionToken);
        _environmentToken = Blank(environment(TokenVariable));
        _config = config;
        var nodes = optionNodes.Count > 0 ? optionNodes
            : Blank(environment(NodeVariable)) is { } fromEnvironment ? [fromEnvironment]
            : config.Nodes;
        Nodes = [.. nodes.Select(ParseNode)];
    }

    public IReadOnlyList<Uri> Nodes { get; }

    /// <summary>The token for one node: --token, else FEDREG_TOKEN, else the config's token for that node, else its default token.</summary>
    public string? TokenFor(Uri node)
    {
        if ((_optionToken ?? _environmentToken) is { } token)
        {
            return token;
        }
        var match = _config.Tokens.FirstOrDefault(t => Uri.TryCreate(t.Key, UriKind.Absolute, out var u) && SameNode(u, node));
        return Blank(match.Value) ?? Blank(_config.Token);
    }

    /// <summary>The nodes, requiring at least one.</summary>
    public IReadOnlyList<Uri> RequireNodes()
    {
        if (Nodes.Count == 0)
        {
            throw new UsageException($"Name a node: --node http://127.0.0.1:5081 (the node's gRPC address), {NodeVariable}, or \"nodes\" in {CliConfigFile.DefaultPath}.");
        }
        return Nodes;
    }

    /// <summary>Exactly one node, for commands that read from one place.</summary>
    public Uri RequireOneNode()
    {
        var nodes = RequireNodes();
        return nodes.Count == 1 ? nodes[0]
            : throw new UsageException($"This command talks to one node, but {nodes.Count} were named; give one --node.");
    }

    public static Uri ParseNode(string text)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && !string.IsNullOrEmpty(uri.Host))
        {
            return uri;
        }
        throw new UsageException($"--node {text} is not a node address: give its gRPC URL, e.g. http://127.0.0.1:5081 (or https://... when the node serves TLS).");
    }

    private static bool SameNode(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase) && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
