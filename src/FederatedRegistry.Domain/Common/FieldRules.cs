using System.Net.Mail;
using System.Text.RegularExpressions;

namespace FederatedRegistry.Domain;

/// <summary>
/// Collects field violations so that one answer names every offending field, not just the first.
/// </summary>
public sealed partial class FieldRules
{
    private readonly List<FieldViolation> _violations = [];

    public IReadOnlyList<FieldViolation> Violations => _violations;

    public bool IsValid => _violations.Count == 0;

    public void Add(string field, string rule) => _violations.Add(new FieldViolation(field, rule));

    /// <summary>
    /// Required text with a maximum length; returns false when it is absent. Names, titles and identifiers are
    /// one line; only prose fields (<paramref name="multiLine"/>) may hold line breaks and tabs.
    /// </summary>
    public bool Required(string field, string? value, int maxLength, int minLength = 1, bool multiLine = false)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "is required");
            return false;
        }
        return Length(field, value, maxLength, minLength, multiLine);
    }

    /// <summary>Optional text: its length and characters are checked when present.</summary>
    public bool Optional(string field, string? value, int maxLength, bool multiLine = false) =>
        string.IsNullOrEmpty(value) || Length(field, value, maxLength, 0, multiLine);

    public bool Matches(string field, string value, Regex pattern, string description)
    {
        if (pattern.IsMatch(value))
        {
            return true;
        }
        Add(field, "must be " + description);
        return false;
    }

    public void Email(string field, string? value, bool required)
    {
        if (required ? !Required(field, value, 254) : !Optional(field, value, 254))
        {
            return;
        }
        if (!string.IsNullOrEmpty(value) && !IsEmail(value))
        {
            Add(field, "must be an e-mail address such as name@example.org");
        }
    }

    public void HttpUrl(string field, string? value)
    {
        if (!Optional(field, value, 2048) || string.IsNullOrEmpty(value))
        {
            return;
        }
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            Add(field, "must be an absolute http or https URL");
        }
    }

    public void Country(string field, string? value, bool required)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required)
            {
                Add(field, "is required");
            }
            return;
        }
        if (!CountryCodes.IsAssigned(value))
        {
            Add(field, "must be an ISO 3166-1 alpha-2 country code in upper case, such as KE");
        }
    }

    /// <summary>A list of country codes: each assigned, none repeated.</summary>
    public void Countries(string field, IReadOnlyList<string> values, bool atLeastOne, int max = 250)
    {
        if (atLeastOne && values.Count == 0)
        {
            Add(field, "must name at least one country");
        }
        if (values.Count > max)
        {
            Add(field, $"must have at most {max} entries");
            return;
        }
        for (var i = 0; i < values.Count; i++)
        {
            Country($"{field}[{i}]", values[i], required: true);
        }
        Distinct(field, values);
    }

    public void Distinct<T>(string field, IReadOnlyList<T> values)
    {
        if (values.Distinct().Count() != values.Count)
        {
            Add(field, "must not repeat a value");
        }
    }

    /// <summary>An enum value that is present and defined.</summary>
    public void RequiredEnum<T>(string field, T? value) where T : struct, Enum
    {
        if (value is null)
        {
            Add(field, "is required: " + EnumNames.OneOf<T>());
            return;
        }
        DefinedEnum(field, value);
    }

    /// <summary>An enum value that, when present, is defined; unknown numbers pass a protobuf parser unchecked.</summary>
    public void DefinedEnum<T>(string field, T? value) where T : struct, Enum
    {
        if (value is { } v && !Enum.IsDefined(v))
        {
            Add(field, "must be " + EnumNames.OneOf<T>());
        }
    }

    private bool Length(string field, string value, int maxLength, int minLength, bool multiLine)
    {
        if (value.Length > maxLength)
        {
            Add(field, $"must be at most {maxLength} characters long");
            return false;
        }
        if (value.Trim().Length < minLength)
        {
            Add(field, $"must be at least {minLength} characters long");
            return false;
        }
        if (multiLine && value.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
        {
            Add(field, "must not contain control characters");
            return false;
        }
        if (!multiLine && value.Any(char.IsControl))
        {
            Add(field, "must not contain control characters: it is one line, without line breaks or tabs");
            return false;
        }
        return true;
    }

    private static bool IsEmail(string value) =>
        EmailShape().IsMatch(value) && MailAddress.TryCreate(value, out var parsed) && parsed.Address == value;

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+\z")]
    private static partial Regex EmailShape();
}
