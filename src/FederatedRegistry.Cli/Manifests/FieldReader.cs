using System.Globalization;
using FederatedRegistry.Cli.Errors;
using Google.Protobuf.WellKnownTypes;
using YamlDotNet.RepresentationModel;

namespace FederatedRegistry.Cli.Manifests;

/// <summary>
/// Reads one mapping of a YAML (or JSON) document by field name, collecting every problem under the field's path
/// ("details.category") instead of stopping at the first. Keys match in snake_case, camelCase or kebab-case, so a
/// manifest may copy the HTTP/JSON bodies (productId) or the proto (product_id).
/// </summary>
internal sealed class FieldReader
{
    private readonly YamlMappingNode _node;
    private readonly string _path;
    private readonly List<FieldProblem> _problems;
    private readonly HashSet<string> _known = [];

    public FieldReader(YamlMappingNode node, string path, List<FieldProblem> problems)
    {
        _node = node;
        _path = path;
        _problems = problems;
    }

    public void Problem(string field, string rule) => _problems.Add(new FieldProblem(Path(field), rule));

    public bool Has(string field) => Find(field) is not null;

    public string? String(string field, bool required = false)
    {
        var node = Find(field);
        if (node is YamlScalarNode scalar && !string.IsNullOrWhiteSpace(scalar.Value) && !IsNull(scalar))
        {
            return scalar.Value.Trim();
        }
        if (node is not null and not YamlScalarNode)
        {
            Problem(field, "must be text" + Where(node));
        }
        else if (required)
        {
            Problem(field, "is required");
        }
        return null;
    }

    public bool? Bool(string field)
    {
        var text = String(field);
        return text?.ToLowerInvariant() switch
        {
            null => null,
            "true" or "yes" or "1" => true,
            "false" or "no" or "0" => false,
            _ => Invalid<bool?>(field, "must be true or false"),
        };
    }

    public T Enum<T>(string field, bool required = false) where T : struct, System.Enum
    {
        var text = String(field, required);
        if (text is null)
        {
            return default;
        }
        return ProtoEnums.TryParse<T>(text, out var value) ? value : Invalid<T>(field, $"must be one of {ProtoEnums.Choices<T>()} (not \"{text}\")");
    }

    /// <summary>A list of text: a YAML sequence, or one scalar separated by commas or semicolons (as a CSV cell holds it).</summary>
    public List<string> Strings(string field)
    {
        switch (Find(field))
        {
            case null:
                return [];
            case YamlSequenceNode sequence:
                var items = new List<string>();
                foreach (var item in sequence)
                {
                    if (item is YamlScalarNode { Value: { } v } && !string.IsNullOrWhiteSpace(v))
                    {
                        items.Add(v.Trim());
                    }
                    else
                    {
                        Problem(field, "must be a list of text" + Where(item));
                    }
                }
                return items;
            case YamlScalarNode scalar:
                return IsNull(scalar) || scalar.Value is null
                    ? []
                    : [.. scalar.Value.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
            case var other:
                Problem(field, "must be a list" + Where(other));
                return [];
        }
    }

    public List<T> Enums<T>(string field) where T : struct, System.Enum
    {
        var values = new List<T>();
        foreach (var text in Strings(field))
        {
            if (ProtoEnums.TryParse<T>(text, out var value))
            {
                values.Add(value);
            }
            else
            {
                Problem(field, $"each value must be one of {ProtoEnums.Choices<T>()} (not \"{text}\")");
            }
        }
        return values;
    }

    /// <summary>An ISO 8601 time ("2026-11-20T08:30:00Z"); a date alone means midnight UTC.</summary>
    public Timestamp? Time(string field)
    {
        var text = String(field);
        if (text is null)
        {
            return null;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? Timestamp.FromDateTimeOffset(time)
            : Invalid<Timestamp?>(field, $"must be a time such as 2026-11-20T08:30:00Z (not \"{text}\")");
    }

    public FieldReader? Mapping(string field, bool required = false)
    {
        switch (Find(field))
        {
            case YamlMappingNode mapping:
                return new FieldReader(mapping, Path(field), _problems);
            case null:
                if (required)
                {
                    Problem(field, "is required");
                }
                return null;
            case var other:
                Problem(field, "must be a mapping of fields" + Where(other));
                return null;
        }
    }

    /// <summary>Names every key nobody asked for: a misspelt field would otherwise be dropped without a word.</summary>
    public void RejectUnknown()
    {
        foreach (var key in _node.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? "?";
            if (!_known.Contains(Normalize(name)))
            {
                _problems.Add(new FieldProblem(Path(name), "is not a field of this manifest" + Where(key)));
            }
        }
    }

    private YamlNode? Find(string field)
    {
        var wanted = Normalize(field);
        _known.Add(wanted);
        foreach (var (key, value) in _node.Children)
        {
            if (key is YamlScalarNode { Value: { } name } && Normalize(name) == wanted)
            {
                return value;
            }
        }
        return null;
    }

    private T Invalid<T>(string field, string rule)
    {
        Problem(field, rule);
        return default!;
    }

    private string Path(string field) => _path.Length == 0 ? field : $"{_path}.{field}";

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && scalar.Value is "~" or "null" or "";

    private static string Where(YamlNode node) => node.Start.Line > 0 ? $" (line {node.Start.Line})" : "";

    private static string Normalize(string name) => name.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
}
