namespace FederatedRegistry.Domain.Providers;

/// <summary>An organisation that supplies AI systems in the node's jurisdiction.</summary>
public sealed record Provider(
    string Id,
    string Name,
    string Country,
    string ContactEmail,
    string? Website,
    DateTimeOffset CreatedAt);

/// <summary>What a caller supplies to create a provider.</summary>
public sealed record CreateProvider(string Slug, string Name, string Country, string ContactEmail, string? Website);

/// <summary>Field rules for providers.</summary>
public static class ProviderRules
{
    public static IReadOnlyList<FieldViolation> Validate(CreateProvider command)
    {
        var rules = new FieldRules();
        if (rules.Required("slug", command.Slug, 40))
        {
            rules.Matches("slug", command.Slug, Identifiers.SlugShape, Identifiers.SlugDescription);
        }
        rules.Required("name", command.Name, 200);
        rules.Country("country", command.Country, required: true);
        rules.Email("contact_email", command.ContactEmail, required: true);
        rules.HttpUrl("website", command.Website);
        return rules.Violations;
    }

    public static Provider Create(string nodeCode, CreateProvider command, DateTimeOffset now) =>
        new(Identifiers.ProviderId(nodeCode, command.Slug), command.Name.Trim(), command.Country,
            command.ContactEmail, string.IsNullOrEmpty(command.Website) ? null : command.Website, now);
}
