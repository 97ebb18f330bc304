using CsCheck;

namespace FederatedRegistry.Domain.Tests.Support;

/// <summary>CsCheck generators of valid commands, each field within its rules (bounds included).</summary>
internal static class Generators
{
    private const string LowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string Letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéøñçßÅŁ漢字кириллица";
    private const string LineChars = Letters + "0123456789 .,;:!?'\"()/-_&%€@#";
    private const string TextChars = LineChars + "\n\r\t";

    public static readonly DateTimeOffset Now = Valid.Now;

    public static readonly string[] Countries = [.. CountryCodes.All.Order(StringComparer.Ordinal)];

    public static Gen<string> Chars(string alphabet, int min, int max) =>
        Gen.Char[alphabet].Array[min, max].Select(a => new string(a));

    /// <summary>Prose whose trimmed length is at least <paramref name="min"/>, at most <paramref name="max"/> long, the bounds themselves often.</summary>
    public static Gen<string> Text(int min, int max) => Bounded(TextChars, min, max);

    /// <summary>One line of text (no line breaks or tabs), bounded as <see cref="Text"/>.</summary>
    public static Gen<string> Line(int min, int max) => Bounded(LineChars, min, max);

    public static Gen<string> OptionalText(int max) =>
        Gen.Frequency((1, Gen.Const("")), (4, Text(1, max)));

    public static Gen<string> OptionalLine(int max) =>
        Gen.Frequency((1, Gen.Const("")), (4, Line(1, max)));

    private static Gen<string> Bounded(string alphabet, int min, int max)
    {
        var core = Chars(Letters, min, min);
        var shortTail = Chars(alphabet, 0, Math.Min(max - min, 60));
        var fullTail = Chars(alphabet, max - min, max - min);
        return Gen.Select(core, Gen.Frequency((8, shortTail), (1, fullTail)), (c, t) => c + t);
    }

    public static Gen<T?> Nullable<T>(Gen<T> gen) where T : struct =>
        Gen.Frequency((1, Gen.Const((T?)null)), (3, gen.Select(v => (T?)v)));

    public static readonly Gen<string> Slug =
        Gen.Select(Chars(LowerAlnum, 1, 1), Chars(LowerAlnum + "-", 1, 38), Chars(LowerAlnum, 1, 1), (a, m, z) => a + m + z);

    public static readonly Gen<string> ObserverCode = Chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 3, 8);

    public static readonly Gen<string> Country = Gen.OneOf(Countries);

    public static readonly Gen<string> NodeCode = Gen.Frequency((4, Country), (1, ObserverCode));

    private static readonly Gen<string> Label =
        Gen.OneOf(
            Chars(LowerAlnum, 1, 1),
            Gen.Select(Chars(LowerAlnum, 1, 1), Chars(LowerAlnum + "-", 0, 20), Chars(LowerAlnum, 1, 1), (a, m, z) => a + m + z));

    public static readonly Gen<string> Domain =
        Gen.Select(Label.Array[1, 3], Chars("abcdefghijklmnopqrstuvwxyz", 2, 6), (labels, tld) => string.Join('.', labels) + "." + tld);

    public static readonly Gen<string> ProductId =
        Gen.Select(Domain, Chars(LowerAlnum, 1, 1), Chars(LowerAlnum + "._-", 0, 60), (d, a, rest) => $"{d}/{a}{rest}");

    public static readonly Gen<string> ProviderId = Gen.Select(NodeCode, Slug, Identifiers.ProviderId);

    public static readonly Gen<string> SystemId = Gen.Select(NodeCode, ProductId, Identifiers.SystemId);

    public static readonly Gen<string> IncidentId = NodeCode.Select(Identifiers.NewIncidentId);

    public static readonly Gen<string> Email =
        Gen.Select(Chars(LowerAlnum, 1, 20), Gen.OneOf(Gen.Const(""), Chars(LowerAlnum, 1, 10).Select(s => "." + s)), Domain,
            (local, more, domain) => $"{local}{more}@{domain}");

    public static readonly Gen<string?> Website =
        Gen.Frequency(
            (1, Gen.Const((string?)null)),
            (1, Gen.Const<string?>("")),
            (4, Gen.Select(Gen.OneOf("http://", "https://"), Domain, Chars(LowerAlnum + "-/", 0, 30),
                (scheme, domain, path) => (string?)$"{scheme}{domain}/{path}")));

    /// <summary>Distinct countries, from none up to <paramref name="max"/>.</summary>
    public static Gen<string[]> CountryList(int min, int max) =>
        Gen.Int[0, Countries.Length - 1].Array[min, max].Select(ix => ix.Distinct().Select(i => Countries[i]).ToArray());

    public static readonly Gen<HarmType[]> HarmTypes =
        Gen.Int[1, (1 << Enum.GetValues<HarmType>().Length) - 1]
            .Select(mask => Enum.GetValues<HarmType>().Where((_, i) => (mask & (1 << i)) != 0).ToArray());

    public static readonly Gen<CreateProvider> Provider =
        Gen.Select(Slug, Line(1, 200), Country, Email, Website,
            (slug, name, country, email, website) => new CreateProvider(slug, name, country, email, website));

    public static readonly Gen<Assessment> Assessment =
        Gen.Select(OptionalText(10_000), OptionalText(10_000), OptionalText(10_000), OptionalText(10_000), OptionalText(10_000),
            (c, b, h, e, d) => new Assessment(c, b, h, e, d));

    public static readonly Gen<SystemDetails> Details =
        Gen.Select(Line(1, 200), Line(1, 50), Text(10, 4000), Gen.Enum<Category>(), Nullable(Gen.Enum<RiskTier>()),
                Assessment, CountryList(0, 12), Nullable(Gen.Enum<DeploymentStatus>()), Email,
            (name, version, purpose, category, tier, assessment, markets, deployment, email) =>
                new SystemDetails(name, version, purpose, category, tier, assessment, markets, deployment, email));

    /// <summary>Details that may be submitted: a proposed tier, and for a high tier the evidence it needs.</summary>
    public static SystemDetails Submittable(SystemDetails d)
    {
        var tier = d.ProposedRiskTier ?? RiskTier.Minimal;
        var assessment = d.Assessment;
        if (tier is RiskTier.High or RiskTier.Unacceptable)
        {
            assessment = assessment with
            {
                ConformityEvidence = string.IsNullOrWhiteSpace(assessment.ConformityEvidence) ? "Conformity report" : assessment.ConformityEvidence,
                HumanOversight = string.IsNullOrWhiteSpace(assessment.HumanOversight) ? "A person confirms each output" : assessment.HumanOversight,
            };
        }
        return d with { ProposedRiskTier = tier, Assessment = assessment };
    }

    public static readonly Gen<RegisterSystem> Register =
        Gen.Select(ProductId, ProviderId, Details, Gen.Bool,
            (product, provider, details, submit) => new RegisterSystem(product, provider, submit ? Submittable(details) : details, submit));

    public static readonly Gen<UpdateSystem> Update =
        Gen.Select(SystemId, Gen.Int[1, 10_000], Details, Gen.Bool,
            (id, version, details, submit) => new UpdateSystem(id, version, submit ? Submittable(details) : details, submit));

    public static readonly Gen<DecideSystem> Decide =
        Gen.Select(SystemId, Gen.Enum<Decision>(), Nullable(Gen.Enum<RiskTier>()), OptionalText(2000), Gen.Int[0, 10_000],
            (id, decision, tier, reason, version) => new DecideSystem(
                id,
                decision,
                decision == Decision.Register ? tier ?? RiskTier.Limited : tier,
                decision is Decision.Reject or Decision.Suspend or Decision.Withdraw && string.IsNullOrWhiteSpace(reason) ? "Reason" : reason,
                version));

    private static readonly Gen<(string? System, string? Product)> Subject =
        Gen.OneOf(
            SystemId.Select(s => ((string?)s, (string?)null)),
            ProductId.Select(p => ((string?)null, (string?)p)),
            Gen.Select(SystemId, ProductId, (s, p) => ((string?)s, (string?)p)));

    /// <summary>occurred ≤ aware ≤ reported ≤ now, each up to 40 days apart; reported sometimes left to the node.</summary>
    private static readonly Gen<(DateTimeOffset Occurred, DateTimeOffset Aware, DateTimeOffset? Reported)> Times =
        Gen.Select(Gen.Long[0, 40 * 86_400], Gen.Long[0, 40 * 86_400], Gen.Long[0, 40 * 86_400], Gen.Bool,
            (reportedAgo, awareBefore, occurredBefore, reportedGiven) =>
            {
                var reported = Now.AddSeconds(-reportedAgo);
                var aware = reported.AddSeconds(-awareBefore);
                return (aware.AddSeconds(-occurredBefore), aware, reportedGiven ? reported : (DateTimeOffset?)null);
            });

    public static readonly Gen<IncidentDetails> Occurrence =
        Gen.Select(Line(1, 200), Text(1, 10_000), Subject, Gen.Enum<Severity>(), HarmTypes, Nullable(Gen.Enum<SuspectedCause>()),
                Line(1, 200).Array[0, 50], Times, CountryList(1, 6), Gen.Bool, Gen.Bool, OptionalLine(200),
            (title, description, subject, severity, harms, cause, groups, times, jurisdictions, death, widespread, reporter) =>
                new IncidentDetails(title, description, subject.System, subject.Product, severity, harms, cause, groups,
                    times.Occurred, times.Aware, times.Reported, jurisdictions, death, widespread,
                    reporter == "" ? null : reporter));

    public static readonly Gen<TransitionIncident> Transition =
        Gen.Select(IncidentId, Gen.Enum<IncidentStatus>(), OptionalText(2000), Gen.Int[0, 10_000],
            (id, to, note, version) => new TransitionIncident(id, to, note == "" ? null : note, version));
}
