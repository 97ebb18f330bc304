using CsCheck;
using FederatedRegistry.Domain.Sharing;

namespace FederatedRegistry.Domain.Tests.Sharing;

/// <summary>
/// CsCheck generators for sharing: valid policies of the node <see cref="Owner"/>, callers drawn from the same few
/// codes as the audiences (so that grants often cover them, and sometimes do not), and registries of registrations
/// and incidents with short texts so that thousands of cases run in seconds.
/// </summary>
internal static class SharingGenerators
{
    public const string Owner = "KE";

    /// <summary>Node codes audiences and callers share: the owner, three countries, two observers.</summary>
    public static readonly string[] Codes = [Owner, "FR", "BR", "TZ", "INTL", "OECD"];

    public static readonly string[] Countries = [Owner, "FR", "BR", "TZ"];

    public static readonly string[] AudienceNames = [.. Codes.Where(c => c != Owner), Audiences.Observers, Audiences.AllPeers];

    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>A non-empty subset of the items, in their order.</summary>
    public static Gen<string[]> Subset(IReadOnlyList<string> items) =>
        Gen.Int[1, (1 << items.Count) - 1].Select(mask => items.Where((_, i) => (mask & (1 << i)) != 0).ToArray());

    /// <summary>A non-empty subset in random order: grants and requests need not follow the catalogue's order.</summary>
    public static Gen<string[]> Shuffled(IReadOnlyList<string> items) => Gen.Shuffle(items.ToArray(), 1, items.Count);

    /// <summary>One value from each generator, in order.</summary>
    public static Gen<T[]> Each<T>(IEnumerable<Gen<T>> gens) =>
        gens.Aggregate(Gen.Const(Array.Empty<T>()), (all, gen) => Gen.Select(all, gen, (a, x) => (T[])[.. a, x]));

    public static Gen<T?> Maybe<T>(Gen<T> gen, int nullWeight = 1, int valueWeight = 1) where T : class =>
        Gen.Frequency((nullWeight, Gen.Const((T?)null)), (valueWeight, gen.Select(v => (T?)v)));

    public static Gen<SummaryGrant> Summary(SharedDataset dataset) =>
        Gen.Select(Shuffled(SharingCatalogue.Dimensions(dataset)), Gen.Int[1, 6], (d, k) => new SummaryGrant(d, k));

    public static Gen<FilterTerm> Term(SharedDataset dataset, string field) =>
        Subset(SharingCatalogue.FilterValues(dataset, field)).Select(values => new FilterTerm(field, values));

    public static Gen<IReadOnlyList<FilterTerm>?> Filter(SharedDataset dataset) =>
        Maybe(Gen.Shuffle(SharingCatalogue.FilterFields(dataset).ToArray(), 1, 2)
            .SelectMany(fields => Each(fields.Select(f => Term(dataset, f))).Select(terms => (IReadOnlyList<FilterTerm>)terms)));

    public static Gen<RecordsGrant> Records(SharedDataset dataset) =>
        Gen.Select(Shuffled(SharingCatalogue.Fields(dataset)), Filter(dataset), (f, filter) => new RecordsGrant(f, filter));

    public static Gen<AlertsGrant> Alerts(string audience) =>
        Gen.Select(Shuffled(SharingCatalogue.Fields(SharedDataset.Incidents)), Generators.Nullable(Gen.Enum<Severity>()), Gen.Bool, Gen.Bool,
            (fields, min, crossBorder, affecting) =>
                new AlertsGrant(fields, min, crossBorder, affecting && Audiences.IsJurisdictional(audience)));

    public static Gen<DatasetGrant?> Dataset(SharedDataset dataset, string audience) =>
        Maybe(Gen.Select(Maybe(Summary(dataset), 1, 2), Maybe(Records(dataset)),
                dataset == SharedDataset.Incidents ? Maybe(Alerts(audience)) : Gen.Const((AlertsGrant?)null),
                (s, r, a) => s is null && r is null && a is null ? new DatasetGrant(Summary: new SummaryGrant([SharingCatalogue.Dimensions(dataset)[0]])) : new DatasetGrant(s, r, a)),
            nullWeight: 1, valueWeight: 2);

    public static Gen<AudienceGrant> Grant(string audience) =>
        Gen.Select(Dataset(SharedDataset.Systems, audience), Dataset(SharedDataset.Incidents, audience), Gen.Bool,
            (systems, incidents, advisories) => new AudienceGrant(audience, systems, incidents, advisories || (systems is null && incidents is null)));

    /// <summary>Valid policies of <see cref="Owner"/>: up to six grants to distinct audiences, in any order.</summary>
    public static readonly Gen<SharingPolicy> Policy =
        Gen.Select(Gen.Int[1, 1000], Gen.Shuffle(AudienceNames), Gen.Int[0, 6])
            .SelectMany((version, audiences, count) =>
                Each(audiences.Take(count).Select(Grant)).Select(grants => new SharingPolicy(version, Owner, grants)));

    /// <summary>A well-formed caller with the role its code implies, the owner included.</summary>
    public static readonly Gen<Caller> Peer =
        Gen.OneOf(Codes).Select(c => new Caller(c, CountryCodes.IsAssigned(c) ? NodeRole.National : NodeRole.Observer));

    /// <summary>
    /// Mostly well-formed peers; otherwise a shared code with any role (so some are malformed: a national "INTL"), an
    /// undefined role, or a malformed code.
    /// </summary>
    public static readonly Gen<Caller> Caller =
        Gen.Frequency(
            (7, Peer),
            (3, Gen.Select(Gen.Frequency((12, Gen.OneOf(Codes)), (1, Gen.OneOf("ke", "XX", "", "TOOLONGCODE"))),
                Gen.Frequency((6, Gen.Enum<NodeRole>()), (1, Gen.Const((NodeRole)0))),
                (code, role) => new Caller(code, role))));

    private static readonly Gen<string> Word = Generators.Chars("abcdefghijklmnopqrstuvwxyz", 1, 8);

    private static readonly Gen<string> ShortLine = Word.Array[1, 4].Select(w => string.Join(' ', w));

    private static readonly Gen<string> ProductId = Gen.Select(Word, Word, (d, p) => $"{d}.example/{p}");

    private static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Times over about a year and a half, so that months repeat and differ.</summary>
    private static readonly Gen<DateTimeOffset> Time = Gen.Long[0, 540L * 86_400].Select(s => Start.AddSeconds(s));

    private static readonly Gen<Assessment> Assessment =
        Gen.Select(Gen.OneOf(Gen.Const(""), ShortLine), Gen.OneOf(Gen.Const(""), ShortLine), ShortLine,
            (c, b, h) => new Assessment(c, b, h, "", "Pseudonymised."));

    /// <summary>Registrations of the owner in any status, with every optional property sometimes missing.</summary>
    public static readonly Gen<AiSystem> System =
        Gen.Select(ProductId, ShortLine, Generators.Nullable(Gen.Enum<Category>()), Generators.Nullable(Gen.Enum<RiskTier>()), Assessment,
            Gen.OneOf(Countries).Array[0, 3], Generators.Nullable(Gen.Enum<DeploymentStatus>()), Gen.Enum<SystemStatus>(),
            Generators.Nullable(Gen.Enum<RiskTier>()), Gen.OneOf(Gen.Const((string?)null), ShortLine.Select(s => (string?)s)), Gen.Int[1, 9], Time,
            (product, name, category, proposed, assessment, markets, deployment, status, decided, reason, version, created) =>
            {
                var details = new SystemDetails(name, "1.0", "Purpose: " + name, category, proposed, assessment,
                    [.. markets.Distinct()], deployment, "registry@" + product.Split('/')[0]);
                return new AiSystem(Identifiers.SystemId(Owner, product), product, Owner + "-PRV-acme", Owner, details, status,
                    decided, reason, version, created, created.AddDays(version));
            });

    private static readonly Gen<string> IncidentId = Generators.Chars(Crockford, 26, 26).Select(s => $"{Owner}-INC-{s}");

    /// <summary>Seconds an incident waited for triage: often just either side of a bucket's edge, otherwise anything up to 45 days.</summary>
    private static readonly Gen<long> TriageWait = Gen.Frequency(
        (1, Gen.OneOf(new long[] { 86_400, 86_401, 7 * 86_400, (7 * 86_400) + 1, 30 * 86_400, (30 * 86_400) + 1 })),
        (3, Gen.Long[0, 45L * 86_400]));

    /// <summary>
    /// Incidents of the owner affecting one to three of the shared countries, each with a reporter and history notes that
    /// must never leave, and a history that reaches its status (triaged after a generated wait, or closed at once).
    /// </summary>
    public static readonly Gen<Incident> Incident =
        Gen.Select(IncidentId, ShortLine, Generators.Nullable(Gen.Enum<Severity>()), Generators.HarmTypes, Generators.Nullable(Gen.Enum<SuspectedCause>()),
            Gen.OneOf(Countries).Array[1, 3], Gen.Bool, Gen.Bool, Gen.Enum<IncidentStatus>(), Time, Gen.Long[0, 20 * 86_400], Gen.Int[1, 6],
            (id, title, severity, harms, cause, jurisdictions, death, widespread, status, occurred, awareAfter, version) =>
            {
                var aware = occurred.AddSeconds(awareAfter);
                var details = new IncidentDetails(title, "What happened: " + title, Identifiers.SystemId(Owner, "acme.example/" + title.Split(' ')[0]), null,
                    severity, harms, cause, ["patients"], occurred, aware, aware.AddHours(5), [.. jurisdictions.Distinct()], death, widespread,
                    Reporter: "Secret Reporter");
                return new Incident(id, Owner, details, status, ReportingRules.EuAiActArticle73.DeadlineFor(details), version,
                    [new IncidentEvent(IncidentStatus.Reported, "private note", aware.AddHours(5))], aware.AddDays(version));
            })
        .SelectMany(incident => Gen.Select(TriageWait, Gen.Bool, (wait, closedAtOnce) => WithHistory(incident, wait, closedAtOnce)));

    private static Incident WithHistory(Incident incident, long waitSeconds, bool closedAtOnce)
    {
        var reported = incident.History[0];
        if (incident.Status == IncidentStatus.Reported)
        {
            return incident;
        }
        var left = reported.At.AddSeconds(waitSeconds);
        IncidentStatus[] steps = incident.Status == IncidentStatus.Closed && closedAtOnce
            ? [IncidentStatus.Closed]
            : [.. Enum.GetValues<IncidentStatus>().Where(s => s > IncidentStatus.Reported && s <= incident.Status)];
        return incident with { History = [reported, .. steps.Select((s, i) => new IncidentEvent(s, "private note", left.AddHours(i)))] };
    }

    /// <summary>A value of the dimension, including months outside the registry's span.</summary>
    public static Gen<string> DimensionValue(SharedDataset dataset, string dimension) =>
        dimension == "month"
            ? Gen.Select(Gen.Int[2023, 2026], Gen.Int[1, 12], (y, m) => $"{y:D4}-{m:D2}")
            : Gen.OneOf([.. SharingCatalogue.DimensionValues(dataset, dimension)]);

    /// <summary>Cells over the dimensions, with small counts around k and combinations that repeat.</summary>
    public static Gen<CountCell[]> Cells(SharedDataset dataset, IReadOnlyList<string> dimensions) =>
        Gen.Select(Each(dimensions.Select(d => DimensionValue(dataset, d))), Gen.Frequency((3, Gen.Long[0, 7]), (1, Gen.Long[0, 1000])),
            (values, count) => new CountCell(values, count)).Array[0, 12];
}
