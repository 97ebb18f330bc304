namespace FederatedRegistry.Domain.Tests.Support;

internal static class Violations
{
    /// <summary>The command broke exactly one rule: one violation, naming the field, in the rule's words.</summary>
    public static FieldViolation NamesOnly(IReadOnlyList<FieldViolation> violations, string field, string words)
    {
        var violation = Assert.Single(violations);
        Assert.Equal(field, violation.Field);
        Assert.Contains(words, violation.Rule, StringComparison.Ordinal);
        return violation;
    }

    /// <summary>Among the violations, one names the field in the rule's words.</summary>
    public static void Names(IReadOnlyList<FieldViolation> violations, string field, string words) =>
        Assert.Contains(violations, v => v.Field == field && v.Rule.Contains(words, StringComparison.Ordinal));

    /// <summary>The decisions or statuses an illegal-transition message offers after "allowed now: ".</summary>
    public static IReadOnlySet<string> AllowedIn(string message)
    {
        const string marker = "allowed now: ";
        var start = message.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(start >= 0, $"The message does not say what is allowed: {message}");
        var list = message[(start + marker.Length)..].TrimEnd('.');
        return list == "none" ? new HashSet<string>() : list.Split(", ").ToHashSet();
    }
}
