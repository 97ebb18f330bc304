using FederatedRegistry.Domain.Advisories;

namespace FederatedRegistry.Domain.Tests.Advisories;

public sealed class AdvisoryRulesTests
{
    private static PublishAdvisory Valid() => new(
        Title: "Triage models under-prioritise older patients",
        Summary: "Three incidents share one cause.\nTraining data held few patients over 75.",
        LessonsLearned: "Evaluate per age band before deployment.",
        Mitigations: ["Require per-age-band sensitivity in conformity evidence"],
        Categories: [Category.Health]);

    private static Advisory Received(string id = "KE-ADV-0123456789ABCDEFGHJKMNPQRS") => new(
        id, "KE", 2, "Title", "Summary", "", ["Do this"], ["health", "finance"], new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

    [Fact]
    public void A_complete_advisory_is_valid() => Assert.Empty(AdvisoryRules.Validate(Valid()));

    [Fact]
    public void An_advisory_needs_a_one_line_title_a_summary_and_a_known_category()
    {
        var fields = AdvisoryRules.Validate(Valid() with { Title = "two\nlines", Summary = "", Categories = [] }).Select(v => v.Field);
        Assert.Equal(["title", "summary", "categories"], fields);
    }

    [Fact]
    public void Categories_must_be_defined_and_distinct()
    {
        var fields = AdvisoryRules.Validate(Valid() with { Categories = [Category.Health, (Category)99, Category.Health] }).Select(v => v.Field);
        Assert.Equal(["categories[1]", "categories"], fields);
    }

    [Fact]
    public void A_batch_names_each_advisorys_fields_by_its_place()
    {
        var fields = AdvisoryRules.ValidateBatch([Valid(), Valid() with { Title = "", Categories = [(Category)99] }]).Select(v => v.Field);
        Assert.Equal(["advisories[1].title", "advisories[1].categories[0]"], fields);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(AdvisoryRules.MaxBatch + 1)]
    public void A_batch_holds_one_to_the_most_advisories(int count)
    {
        var fields = AdvisoryRules.ValidateBatch([.. Enumerable.Repeat(Valid(), count)]).Select(v => v.Field);
        Assert.Equal(["advisories"], fields);
    }

    [Fact]
    public void Too_many_mitigations_are_refused()
    {
        var fields = AdvisoryRules.Validate(Valid() with { Mitigations = [.. Enumerable.Repeat("x", AdvisoryRules.MaxMitigations + 1)] }).Select(v => v.Field);
        Assert.Equal(["mitigations"], fields);
    }

    [Fact]
    public void A_received_advisory_must_carry_an_id_issued_by_its_origin_and_catalogue_categories()
    {
        Assert.Empty(AdvisoryRules.ValidateReceived(Received(), "KE"));
        Assert.Equal(["advisory.advisory_id"], AdvisoryRules.ValidateReceived(Received("FR-ADV-0123456789ABCDEFGHJKMNPQRS"), "KE").Select(v => v.Field));
        Assert.Equal(["advisory.advisory_id"], AdvisoryRules.ValidateReceived(Received("KE-INC-0123456789ABCDEFGHJKMNPQRS"), "KE").Select(v => v.Field));
        var unknown = Received() with { Categories = ["health", "cooking"] };
        Assert.Equal(["items[4].advisory.categories[1]"], AdvisoryRules.ValidateReceived(unknown, "KE", "items[4].advisory").Select(v => v.Field));
    }

    [Fact]
    public void Advisory_ids_are_issued_under_the_node_and_recognised()
    {
        var id = Identifiers.NewAdvisoryId("KE");
        Assert.Matches("^KE-ADV-[0-9A-HJKMNP-TV-Z]{26}$", id);
        Assert.True(Identifiers.IsAdvisoryId(id));
        Assert.Equal("KE", Identifiers.NodeOf(id));
        Assert.False(Identifiers.IsAdvisoryId(id + "\n"));
        Assert.False(Identifiers.IsAdvisoryId(id.Replace("ADV", "INC", StringComparison.Ordinal)));
        Assert.NotEqual(id, Identifiers.NewAdvisoryId("KE"));
    }
}
