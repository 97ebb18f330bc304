using static FederatedRegistry.Domain.Tests.Support.Violations;

namespace FederatedRegistry.Domain.Tests.Providers;

public sealed class ProviderRulesTests
{
    [Fact]
    public void Validate_AValidProvider_HasNoViolations()
    {
        var command = Valid.Provider();

        var violations = ProviderRules.Validate(command);

        Assert.Empty(violations);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Validate_WithoutWebsite_HasNoViolations(string? website)
    {
        var command = Valid.Provider() with { Website = website };

        var violations = ProviderRules.Validate(command);

        Assert.Empty(violations);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("a-1")]
    [InlineData("0123456789012345678901234567890123456789")]
    public void Validate_WithSlugAtTheLengthBounds_HasNoViolations(string slug)
    {
        var command = Valid.Provider() with { Slug = slug };

        var violations = ProviderRules.Validate(command);

        Assert.Empty(violations);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_WithoutSlug_NamesSlugAsRequired(string? slug)
    {
        var command = Valid.Provider() with { Slug = slug! };

        var violations = ProviderRules.Validate(command);

        NamesOnly(violations, "slug", "is required");
    }

    [Fact]
    public void Validate_WithSlugOver40Characters_NamesSlugWithTheLimit()
    {
        var command = Valid.Provider() with { Slug = Valid.Repeat('a', 41) };

        var violations = ProviderRules.Validate(command);

        NamesOnly(violations, "slug", "at most 40 characters");
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("Acme-Health")]
    [InlineData("-acme")]
    [InlineData("acme-")]
    [InlineData("acme health")]
    [InlineData("acme_health")]
    [InlineData("acmé")]
    public void Validate_WithMalformedSlug_NamesSlugAndItsShape(string slug)
    {
        var command = Valid.Provider() with { Slug = slug };

        var violations = ProviderRules.Validate(command);

        NamesOnly(violations, "slug", "lower-case letters, digits and hyphens");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \t ")]
    public void Validate_WithoutName_NamesNameAsRequired(string? name)
    {
        var command = Valid.Provider() with { Name = name! };

        var violations = ProviderRules.Validate(command);

        NamesOnly(violations, "name", "is required");
    }

    [Fact]
    public void Validate_WithNameOf200Characters_HasNoViolations()
    {
        var command = Valid.Provider() with { Name = Valid.Repeat('n', 200) };

        var violations = ProviderRules.Validate(command);

        Assert.Empty(violations);
    }

    [Fact]
    public void Validate_WithNameOver200Characters_NamesNameWithTheLimit()
    {
        var command = Valid.Provider() with { Name = Valid.Repeat('n', 201) };

        var violations = ProviderRules.Validate(command);

        NamesOnly(violations, "name", "at most 200 characters");
    }

    [Theory]
    [InlineData("Acme\0Health")]
    [InlineData("Acme\u0007Health")]
    [InlineData("Acme\u001bHealth")]
    [InlineData("Acme\u007fHealth")]
    [InlineData("Acme\u0085Health")]
    public void Validate_WithControlCharacterInName_NamesNameAsContainingControlCharacters(string name)
    {
        var command = Valid.Provider() with { Name = name };

        var violations = ProviderRules.Validate(command);

        NamesOnly(violations, "name", "must not contain control characters");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Validate_WithoutCountry_NamesCountryAsRequired(string? country)
    {
        var command = Valid.Provider() with { Country = country! };

        var violations = ProviderRules.Validate(command);

        NamesOnly(violations, "country", "is required");
    }

    [Theory]
    [InlineData("ke")]
    [InlineData("Ke")]
    [InlineData("XX")]
    [InlineData("UK")]
    [InlineData("KEN")]
    [InlineData("K")]
    [InlineData(" KE")]
    public void Validate_WithCountryThatIsNotAnAssignedUpperCaseCode_NamesCountryAsIsoCode(string country)
    {
        var command = Valid.Provider() with { Country = country };

        var violations = ProviderRules.Validate(command);

        NamesOnly(violations, "country", "ISO 3166-1 alpha-2 country code in upper case");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Validate_WithoutContactEmail_NamesContactEmailAsRequired(string? email)
    {
        var command = Valid.Provider() with { ContactEmail = email! };

        var violations = ProviderRules.Validate(command);

        NamesOnly(violations, "contact_email", "is required");
    }

    [Theory]
    [InlineData("compliance")]
    [InlineData("compliance@")]
    [InlineData("@acme.example")]
    [InlineData("compliance@acme")]
    [InlineData("comp liance@acme.example")]
    [InlineData("a@b@acme.example")]
    [InlineData("Compliance <compliance@acme.example>")]
    [InlineData("compliance@acme.example ")]
    [InlineData("<compliance@acme.example>")]
    [InlineData("compliance@acme.example(legal)")]
    public void Validate_WithMalformedContactEmail_NamesContactEmailAsAnAddress(string email)
    {
        var command = Valid.Provider() with { ContactEmail = email };

        var violations = ProviderRules.Validate(command);

        NamesOnly(violations, "contact_email", "must be an e-mail address");
    }

    [Fact]
    public void Validate_WithContactEmailOver254Characters_NamesContactEmailWithTheLimit()
    {
        var command = Valid.Provider() with { ContactEmail = Valid.Repeat('a', 243) + "@acme.example" };

        var violations = ProviderRules.Validate(command);

        NamesOnly(violations, "contact_email", "at most 254 characters");
    }

    [Theory]
    [InlineData("http://acme.example")]
    [InlineData("https://acme.example/ai?lang=en#registry")]
    [InlineData("https://localhost:8443/")]
    public void Validate_WithHttpOrHttpsWebsite_HasNoViolations(string website)
    {
        var command = Valid.Provider() with { Website = website };

        var violations = ProviderRules.Validate(command);

        Assert.Empty(violations);
    }

    [Theory]
    [InlineData("acme.example")]
    [InlineData("www.acme.example/ai")]
    [InlineData("ftp://acme.example/ai")]
    [InlineData("javascript:alert(1)")]
    [InlineData("mailto:compliance@acme.example")]
    [InlineData("file:///etc/passwd")]
    [InlineData("/relative/path")]
    [InlineData("not a url")]
    public void Validate_WithWebsiteThatIsNotAnHttpUrl_NamesWebsiteAsHttpUrl(string website)
    {
        var command = Valid.Provider() with { Website = website };

        var violations = ProviderRules.Validate(command);

        NamesOnly(violations, "website", "absolute http or https URL");
    }

    [Fact]
    public void Validate_WithWebsiteOver2048Characters_NamesWebsiteWithTheLimit()
    {
        var command = Valid.Provider() with { Website = "https://acme.example/" + Valid.Repeat('a', 2048) };

        var violations = ProviderRules.Validate(command);

        NamesOnly(violations, "website", "at most 2048 characters");
    }

    [Fact]
    public void Validate_WithSeveralBrokenFields_NamesEveryOne()
    {
        var command = new CreateProvider(Slug: "", Name: "", Country: "xx", ContactEmail: "nobody", Website: "ftp://x.example");

        var violations = ProviderRules.Validate(command);

        Assert.Equal(["slug", "name", "country", "contact_email", "website"], violations.Select(v => v.Field));
    }

    [Fact]
    public void Create_FromAValidCommand_IssuesTheProviderIdUnderTheNodeCode()
    {
        var command = Valid.Provider();

        var provider = ProviderRules.Create("TZ", command, Valid.Now);

        Assert.Equal(Identifiers.ProviderId("TZ", command.Slug), provider.Id);
        Assert.True(Identifiers.IsProviderId(provider.Id));
        Assert.Equal("TZ", Identifiers.NodeOf(provider.Id));
        Assert.Equal(Valid.Now, provider.CreatedAt);
    }

    [Fact]
    public void Create_WithPaddedNameAndEmptyWebsite_TrimsTheNameAndStoresNoWebsite()
    {
        var command = Valid.Provider() with { Name = "  Acme Health Ltd \t", Website = "" };

        var provider = ProviderRules.Create(Valid.Node, command, Valid.Now);

        Assert.Equal("Acme Health Ltd", provider.Name);
        Assert.Null(provider.Website);
    }
}
