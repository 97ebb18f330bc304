using CsCheck;
using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Incidents;
using FederatedRegistry.Domain.Registrations;

namespace FederatedRegistry.Grains.Tests;

/// <summary>
/// CsCheck generators of stored registrations and incidents, after those of the domain tests
/// (FederatedRegistry.Domain.Tests/Support/Generators.cs), with what summaries depend on stressed: optional
/// enums often missing, repeated harm types, and times near month ends in time zones either side of UTC.
/// </summary>
internal static class DomainGenerators
{
    private const string LowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string Letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéøñçßÅŁ漢字кириллица";
    private const string LineChars = Letters + "0123456789 .,;:!?'\"()/-_&%€@#";

    private static readonly string[] Countries = [.. CountryCodes.All.Order(StringComparer.Ordinal)];

    public static Gen<string> Chars(string alphabet, int min, int max) =>
        Gen.Char[alphabet].Array[min, max].Select(a => new string(a));

    public static Gen<string> Line(int min, int max) =>
        Gen.Select(Chars(Letters, min, min), Chars(LineChars, 0, Math.Min(max - min, 40)), (core, tail) => core + tail);

    public static Gen<T?> Nullable<T>(Gen<T> gen) where T : struct =>
        Gen.Frequency((1, Gen.Const((T?)null)), (3, gen.Select(v => (T?)v)));

    /// <summary>Distinct countries, as the domain keeps affected jurisdictions and markets.</summary>
    public static Gen<string[]> CountryList(int min, int max) =>
        Gen.Int[0, Countries.Length - 1].Array[min, max].Select(ix => ix.Distinct().Select(i => Countries[i]).ToArray());

    public static readonly Gen<string> ProductId =
        Gen.Select(Chars(LowerAlnum, 1, 12), Chars(LowerAlnum, 1, 20), (domain, name) => $"{domain}.example/{name}");

    /// <summary>
    /// An instant, to the tick, within two days of the start of a month of 2024–2026 half of the time, and shown
    /// in an offset between UTC−12 and UTC+14 (quarter hours): its UTC month often differs from its local one.
    /// </summary>
    public static readonly Gen<DateTimeOffset> Instant =
        Gen.Select(
            Gen.Int[2024, 2026],
            Gen.Int[1, 12],
            Gen.Frequency((1, Gen.Long[-2 * TimeSpan.TicksPerDay, 2 * TimeSpan.TicksPerDay]), (1, Gen.Long[0, 27 * TimeSpan.TicksPerDay])),
            Gen.Int[-12 * 4, 14 * 4],
            (year, month, ticks, quarters) =>
                new DateTimeOffset(year, month, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(ticks).ToOffset(TimeSpan.FromMinutes(15 * quarters)));

    public static readonly Gen<SystemDetails> SystemDetails =
        Gen.Select(Line(1, 200), Line(1, 50), Line(10, 400), Nullable(Gen.Enum<Category>()), Nullable(Gen.Enum<RiskTier>()),
                CountryList(0, 12), Nullable(Gen.Enum<DeploymentStatus>()), Chars(LowerAlnum, 1, 20),
            (name, version, purpose, category, tier, markets, deployment, mailbox) =>
                new SystemDetails(name, version, purpose, category, tier, Assessment.Empty, markets, deployment, $"{mailbox}@acme.example"));

    /// <summary>A registration as a node stores it, with a placeholder id (see <see cref="Systems"/>).</summary>
    public static readonly Gen<AiSystem> SystemRecord =
        Gen.Select(ProductId, SystemDetails, Gen.Enum<SystemStatus>(), Nullable(Gen.Enum<RiskTier>()), Gen.Int[1, 40], Instant,
            Gen.Long[0, 400 * TimeSpan.TicksPerDay],
            (product, details, status, decided, version, created, updatedAfter) =>
                new AiSystem("KE-SYS-0", product, "KE-PRV-acme", "KE", details, status, decided, null, version, created, created.AddTicks(updatedAfter)));

    /// <summary>Any harm types, repeats and none included: a stored incident is counted once per distinct one.</summary>
    public static readonly Gen<HarmType[]> HarmTypes = Gen.Enum<HarmType>().Array[0, 5];

    /// <summary>occurred ≤ aware ≤ reported, each up to 40 days apart, the occurrence near a month end as often as not.</summary>
    private static readonly Gen<(DateTimeOffset Occurred, DateTimeOffset Aware, DateTimeOffset Reported)> Times =
        Gen.Select(Instant, Gen.Long[0, 40 * TimeSpan.TicksPerDay], Gen.Long[0, 40 * TimeSpan.TicksPerDay],
            (occurred, awareAfter, reportedAfter) => (occurred, occurred.AddTicks(awareAfter), occurred.AddTicks(awareAfter + reportedAfter)));

    public static readonly Gen<IncidentDetails> IncidentDetails =
        Gen.Select(Line(1, 200), Line(1, 400), ProductId, Nullable(Gen.Enum<Severity>()), HarmTypes, Nullable(Gen.Enum<SuspectedCause>()),
                Times, CountryList(1, 6), Gen.Bool, Gen.Bool,
            (title, description, product, severity, harms, cause, times, jurisdictions, death, widespread) =>
                new IncidentDetails(title, description, null, product, severity, harms, cause, [], times.Occurred, times.Aware, times.Reported,
                    jurisdictions, death, widespread, null));

    /// <summary>
    /// An incident as a node stores it, with a placeholder id (see <see cref="Incidents"/>): its history opens with the
    /// report and, past reported, moves on after a wait that is often just either side of a triage_time bucket's edge.
    /// </summary>
    public static readonly Gen<Incident> IncidentRecord =
        Gen.Select(IncidentDetails, Gen.Enum<IncidentStatus>(), Gen.Bool, Gen.Int[1, 40], Gen.Long[0, 400 * TimeSpan.TicksPerDay],
            Gen.Frequency((1, Gen.Select(Gen.OneOf(new long[] { 1, 7, 30 }), Gen.Long[-1, 1], (days, tick) => (days * TimeSpan.TicksPerDay) + tick)),
                (3, Gen.Long[0, 45 * TimeSpan.TicksPerDay])),
            (details, status, hasDeadline, version, updatedAfter, wait) =>
            {
                var reported = new IncidentEvent(IncidentStatus.Reported, null, details.ReportedAt!.Value);
                List<IncidentEvent> history = [reported];
                if (status != IncidentStatus.Reported)
                {
                    history.Add(new IncidentEvent(status, null, reported.At.AddTicks(wait)));
                }
                return new Incident("KE-INC-0", "KE", details, status,
                    hasDeadline ? new ReportingDeadline(details.AwareAt!.Value.AddDays(15), "serious") : null,
                    version, history, details.ReportedAt!.Value.AddTicks(updatedAfter));
            });

    /// <summary>Up to <paramref name="max"/> registrations with distinct ids, as a node holds them.</summary>
    public static Gen<AiSystem[]> Systems(int max) =>
        SystemRecord.Array[0, max].Select(systems => systems.Select((s, i) => s with { Id = $"KE-SYS-{i:D4}" }).ToArray());

    /// <summary>Up to <paramref name="max"/> incidents with distinct ids.</summary>
    public static Gen<Incident[]> Incidents(int max) =>
        IncidentRecord.Array[0, max].Select(incidents => incidents.Select((x, i) => x with { Id = $"KE-INC-{i:D4}" }).ToArray());
}
