using FederatedRegistry.Domain.Sharing;

namespace FederatedRegistry.Domain.Advisories;

/// <summary>An authority's request to publish lessons learned from incidents.</summary>
public sealed record PublishAdvisory(
    string Title,
    string Summary,
    string LessonsLearned,
    IReadOnlyList<string> Mitigations,
    IReadOnlyList<Category> Categories);

/// <summary>
/// Lessons learned, mitigations and the areas they concern, published by one node and delivered to the peers its
/// policy allows. Categories are catalogue names ("health"), so that a received advisory needs no enum of ours.
/// </summary>
/// <param name="Id">"&lt;origin&gt;-ADV-&lt;time-ordered id&gt;".</param>
/// <param name="Origin">The publishing node's code.</param>
/// <param name="PolicyVersion">The origin's policy version in force when it was published.</param>
/// <param name="Title">One line.</param>
/// <param name="Summary">What happened and what it means, in a few paragraphs.</param>
/// <param name="LessonsLearned">What authorities and providers should take from it; may be empty.</param>
/// <param name="Mitigations">Steps that reduce the risk, one per entry.</param>
/// <param name="Categories">Catalogue category names, at least one.</param>
/// <param name="PublishedAt">When the origin published it.</param>
public sealed record Advisory(
    string Id,
    string Origin,
    int PolicyVersion,
    string Title,
    string Summary,
    string LessonsLearned,
    IReadOnlyList<string> Mitigations,
    IReadOnlyList<string> Categories,
    DateTimeOffset PublishedAt);

/// <summary>Field rules for advisories, published here or received from a peer.</summary>
public static class AdvisoryRules
{
    public const int MaxMitigations = 50;
    public const int MaxCategories = 20;

    /// <summary>How many advisories one batch publish may hold.</summary>
    public const int MaxBatch = 500;

    /// <param name="command">The advisory to publish.</param>
    /// <param name="prefix">Put before every field path: "advisories[3]." in a batch.</param>
    public static IReadOnlyList<FieldViolation> Validate(PublishAdvisory command, string prefix = "")
    {
        var rules = new FieldRules();
        Validate(rules, command, prefix);
        return rules.Violations;
    }

    /// <summary>A batch to publish at once: 1 to <see cref="MaxBatch"/> advisories, each by the rules of one, at "advisories[i]".</summary>
    public static IReadOnlyList<FieldViolation> ValidateBatch(IReadOnlyList<PublishAdvisory> commands)
    {
        var rules = new FieldRules();
        if (commands.Count is 0 or > MaxBatch)
        {
            rules.Add("advisories", $"must hold 1 to {MaxBatch} advisories");
        }
        for (var i = 0; i < commands.Count && i < MaxBatch; i++)
        {
            Validate(rules, commands[i], $"advisories[{i}].");
        }
        return rules.Violations;
    }

    private static void Validate(FieldRules rules, PublishAdvisory command, string prefix)
    {
        Texts(rules, command.Title, command.Summary, command.LessonsLearned, command.Mitigations ?? [], prefix);
        var categories = command.Categories ?? [];
        if (categories.Count == 0)
        {
            rules.Add(prefix + "categories", "must name at least one category: " + EnumNames.OneOf<Category>());
        }
        else if (categories.Count > MaxCategories)
        {
            rules.Add(prefix + "categories", $"must have at most {MaxCategories} entries");
        }
        for (var i = 0; i < categories.Count && i < MaxCategories; i++)
        {
            rules.DefinedEnum($"{prefix}categories[{i}]", (Category?)categories[i]);
        }
        rules.Distinct(prefix + "categories", categories);
    }

    /// <summary>
    /// The rules a received advisory must meet before it is stored: the same texts as a published one, an id issued
    /// by <paramref name="origin"/>, and catalogue category names.
    /// </summary>
    public static IReadOnlyList<FieldViolation> ValidateReceived(Advisory advisory, string origin, string field = "advisory")
    {
        var rules = new FieldRules();
        if (!Identifiers.IsAdvisoryId(advisory.Id) || Identifiers.NodeOf(advisory.Id) != origin)
        {
            rules.Add($"{field}.advisory_id", $"must be an advisory id issued by {origin}, such as {origin}-ADV-0123456789ABCDEFGHJKMNPQRS");
        }
        if (advisory.PolicyVersion < 0)
        {
            rules.Add($"{field}.policy_version", "must not be negative");
        }
        Texts(rules, advisory.Title, advisory.Summary, advisory.LessonsLearned, advisory.Mitigations ?? [], field + ".");
        var categories = advisory.Categories ?? [];
        if (categories.Count is 0 or > MaxCategories)
        {
            rules.Add($"{field}.categories", $"must have 1 to {MaxCategories} entries");
        }
        for (var i = 0; i < categories.Count && i < MaxCategories; i++)
        {
            if (!SharingCatalogue.IsDimensionValue(SharedDataset.Systems, SystemDimensions.Category, categories[i]))
            {
                rules.Add($"{field}.categories[{i}]", "must be one of " + SharingCatalogue.DescribeDimensionValues(SharedDataset.Systems, SystemDimensions.Category));
            }
        }
        return rules.Violations;
    }

    private static void Texts(FieldRules rules, string title, string summary, string lessons, IReadOnlyList<string> mitigations, string prefix = "")
    {
        rules.Required(prefix + "title", title, 200);
        rules.Required(prefix + "summary", summary, 5_000, multiLine: true);
        rules.Optional(prefix + "lessons_learned", lessons, 20_000, multiLine: true);
        if (mitigations.Count > MaxMitigations)
        {
            rules.Add(prefix + "mitigations", $"must have at most {MaxMitigations} entries");
        }
        for (var i = 0; i < mitigations.Count && i < MaxMitigations; i++)
        {
            rules.Required($"{prefix}mitigations[{i}]", mitigations[i], 1_000, multiLine: true);
        }
    }
}
