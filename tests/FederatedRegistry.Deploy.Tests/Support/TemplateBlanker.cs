using System.Text;
using System.Text.RegularExpressions;

namespace FederatedRegistry.Deploy.Tests.Support;

/// <summary>
/// Turns a Helm template into the YAML it would be without its template actions, so that a YAML parser can check the
/// template's own structure (indentation, mappings, sequences, quoting) with no helm binary. The rules:
/// <list type="number">
/// <item>Comments (<c>{{/* ... */}}</c>, with or without <c>-</c> trimming) are removed, across lines too.</item>
/// <item>Every other action opens and closes on one line (the chart's style; a multi-line action is reported).</item>
/// <item>A line that holds nothing but actions and blanks is dropped: it is control flow (if, range, with, end,
/// define) or an include / toYaml that emits whole lines of YAML at its own indentation, which the template's own
/// structure must not depend on.</item>
/// <item>An action inside a line of YAML is replaced by a placeholder scalar <c>tplN</c>, numbered so that keys made
/// of actions (<c>Federation__Peers__{{ $i }}__Code</c>) stay distinct. In a quoted string it stays part of the
/// string; as a value or key it is a plain scalar.</item>
/// </list>
/// </summary>
internal static partial class TemplateBlanker
{
    public static string Blank(string template)
    {
        // A comment becomes an empty action, so that a line it leaves blank is dropped like a control line.
        var withoutComments = Comment().Replace(template, "{{}}");
        var output = new StringBuilder();
        var counter = 0;
        var lineNumber = 0;
        foreach (var line in withoutComments.Split('\n'))
        {
            lineNumber++;
            var actions = Action().Matches(line);
            var rest = Action().Replace(line, "");
            if (rest.Contains("{{", StringComparison.Ordinal) || rest.Contains("}}", StringComparison.Ordinal))
            {
                throw new FormatException($"Line {lineNumber} has a template action that does not close on the same line: {line.Trim()}");
            }

            if (actions.Count > 0 && string.IsNullOrWhiteSpace(rest))
            {
                continue;
            }

            output.Append(Action().Replace(line, _ => $"tpl{counter++}")).Append('\n');
        }

        return output.ToString();
    }

    [GeneratedRegex(@"\{\{-?\s*/\*.*?\*/\s*-?\}\}", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"\{\{.*?\}\}")]
    private static partial Regex Action();
}
