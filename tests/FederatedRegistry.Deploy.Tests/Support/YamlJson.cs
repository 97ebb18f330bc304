using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace FederatedRegistry.Deploy.Tests.Support;

/// <summary>
/// YAML documents as JSON nodes, with plain scalars typed the way Helm reads values (go-yaml, YAML 1.1): null, booleans
/// (including yes/no/on/off), integers (decimal, 0x hex, leading-0 octal) and floats; quoted and block scalars stay
/// strings. Duplicate keys are an error, as they are for Kubernetes.
/// </summary>
internal static partial class YamlJson
{
    /// <summary>Every document of <paramref name="text"/>; an empty document is null.</summary>
    public static IReadOnlyList<JsonNode?> LoadAll(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(d => ToJson(d.RootNode)).ToList();
    }

    /// <summary>The single document of <paramref name="text"/> (an empty file is an empty mapping, as Helm reads it).</summary>
    public static JsonObject LoadMapping(string text) =>
        LoadAll(text) switch
        {
            [] => [],
            [JsonObject mapping] => mapping,
            var other => throw new InvalidOperationException($"Expected one YAML mapping, found {other.Count} document(s).")
        };

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => ToObject(mapping),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new InvalidOperationException($"Unsupported YAML node {node.NodeType} at {node.Start}."),
    };

    private static JsonObject ToObject(YamlMappingNode mapping)
    {
        var result = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            var name = key is YamlScalarNode { Value: { } text } ? text : throw new InvalidOperationException($"Non-scalar key at {key.Start}.");
            if (result.ContainsKey(name))
            {
                throw new InvalidOperationException($"Duplicate key '{name}' at {key.Start}.");
            }

            result[name] = ToJson(value);
        }

        return result;
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if ((!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value == "tag:yaml.org,2002:str") || scalar.Style is not YamlDotNet.Core.ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "y" or "Y" or "on" or "On" or "ON":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE" or "no" or "No" or "NO" or "n" or "N" or "off" or "Off" or "OFF":
                return JsonValue.Create(false);
        }

        var digits = text.Replace("_", "", StringComparison.Ordinal);
        if (DecimalInteger().IsMatch(digits) && !OctalLookalike().IsMatch(digits))
        {
            var negative = digits.StartsWith('-');
            var unsigned = digits.TrimStart('+', '-');
            var value = unsigned.Length > 1 && unsigned[0] == '0'
                ? Convert.ToInt64(unsigned, 8)
                : long.Parse(unsigned, CultureInfo.InvariantCulture);
            return JsonValue.Create(negative ? -value : value);
        }

        if (HexInteger().IsMatch(digits))
        {
            return JsonValue.Create(Convert.ToInt64(digits[2..], 16));
        }

        if (Float().IsMatch(digits))
        {
            return JsonValue.Create(double.Parse(digits, CultureInfo.InvariantCulture));
        }

        return JsonValue.Create(text);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+\z")]
    private static partial Regex DecimalInteger();

    // A leading 0 means octal; "08" is no number at all, and stays text.
    [GeneratedRegex(@"^[-+]?0[0-9]*[89]")]
    private static partial Regex OctalLookalike();

    [GeneratedRegex(@"^0x[0-9a-fA-F]+\z")]
    private static partial Regex HexInteger();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+\.[0-9]*)([eE][-+]?[0-9]+)?\z|^[-+]?[0-9]+[eE][-+]?[0-9]+\z")]
    private static partial Regex Float();
}
