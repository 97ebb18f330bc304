using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FederatedRegistry.Cli.Errors;
using FederatedRegistry.Domain.Sharing;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FederatedRegistry.Cli.Manifests;

/// <summary>
/// A sharing policy file for <c>policy apply</c>: the node's JSON format (examples/policy.json, comments allowed) or
/// the same structure in YAML (examples/policy.yaml). It is checked by the node's own parser,
/// <see cref="SharingPolicyDocument"/>, so a file is refused here for exactly what the node would refuse, with the
/// same field paths (<c>grants[0].datasets.systems.summary.min_count</c>).
/// </summary>
internal static partial class PolicyFile
{
    /// <summary>The document to send (JSON text), or a <see cref="ManifestException"/> listing every violation.</summary>
    /// <param name="text">The file's text.</param>
    /// <param name="source">The file's name: ".json" is read as JSON, ".yaml"/".yml" as YAML, anything else by its first character.</param>
    /// <param name="nodeCode">The code of the node it is for, which the policy's node_code must equal; null to leave that to later.</param>
    public static string Read(string text, string source, string? nodeCode = null)
    {
        var json = IsJson(text, source) ? text : ToJson(ManifestDocument.Load(text, source));
        Check(json, source, nodeCode);
        return json;
    }

    /// <summary>Throws a <see cref="ManifestException"/> naming each violation of the node's rules, if any.</summary>
    public static void Check(string json, string source, string? nodeCode)
    {
        if (SharingPolicyDocument.Parse(json, nodeCode).Error is { } error)
        {
            throw new ManifestException(source, [.. error.Violations.Select(v => new FieldProblem(v.Field, v.Rule))]);
        }
    }

    private static bool IsJson(string text, string source) => Path.GetExtension(source).ToLowerInvariant() switch
    {
        ".json" => true,
        ".yaml" or ".yml" => false,
        _ => text.TrimStart() is var start && (start.StartsWith('{') || start.StartsWith("//", StringComparison.Ordinal)),
    };

    /// <summary>
    /// The YAML tree as JSON. Plain scalars that YAML's core schema reads as numbers, booleans or null become those;
    /// everything else is text. Repeated keys are written as they are, for the node's parser to name.
    /// </summary>
    internal static string ToJson(YamlNode root)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            Write(writer, root);
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Write(Utf8JsonWriter w, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                w.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    w.WritePropertyName((key as YamlScalarNode)?.Value ?? key.ToString());
                    Write(w, value);
                }
                w.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                w.WriteStartArray();
                foreach (var item in sequence.Children)
                {
                    Write(w, item);
                }
                w.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(w, scalar);
                break;
            default:
                w.WriteNullValue();
                break;
        }
    }

    private static void WriteScalar(Utf8JsonWriter w, YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
        {
            w.WriteStringValue(text);
        }
        else if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            w.WriteNullValue();
        }
        else if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            w.WriteBooleanValue(text.Equals("true", StringComparison.OrdinalIgnoreCase));
        }
        else if (Number().IsMatch(text) && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            w.WriteNumberValue(number);
        }
        else
        {
            w.WriteStringValue(text);
        }
    }

    [GeneratedRegex(@"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")]
    private static partial Regex Number();
}
