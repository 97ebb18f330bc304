using FederatedRegistry.Cli.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FederatedRegistry.Cli.Manifests;

/// <summary>An input file that cannot be used: every problem found, each naming its field. Exit code 2.</summary>
internal sealed class ManifestException(string source, IReadOnlyList<FieldProblem> problems)
    : Exception($"{source} cannot be used: " + string.Join("; ", problems))
{
    public string File { get; } = source;

    public IReadOnlyList<FieldProblem> Problems { get; } = problems;
}

/// <summary>Loads YAML or JSON (JSON is YAML) into a node tree that keeps line numbers for messages.</summary>
internal static class ManifestDocument
{
    public static YamlNode Load(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new ManifestException(source, [new FieldProblem("(file)", $"is not valid YAML or JSON at line {e.Start.Line}, column {e.Start.Column}: {e.InnerException?.Message ?? e.Message}")]);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way on some unterminated flow collections, without a position.
            throw new ManifestException(source, [new FieldProblem("(file)", "is not valid YAML or JSON: a list or mapping in brackets is not closed (check the line of each [ or {)")]);
        }
        return stream.Documents.Count == 0
            ? throw new ManifestException(source, [new FieldProblem("(file)", "is empty")])
            : stream.Documents[0].RootNode;
    }

    public static YamlMappingNode RequireMapping(YamlNode node, string source) =>
        node as YamlMappingNode ?? throw new ManifestException(source, [new FieldProblem("(file)", "must be a mapping of fields (product_id: ..., details: ...)")]);
}
