using FederatedRegistry.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using static System.FormattableString;

namespace FederatedRegistry.Node.Demo;

/// <summary>What one seeding did; all counts are zero when the node was already seeded.</summary>
internal sealed record SeedReport(string Node, int Providers, int Systems, int Decisions, int Incidents, int Advisories, bool AlreadySeeded);

/// <summary>
/// Fills a national demo node with plausible content through its own gRPC API, so that every record passes the same
/// rules as a user's would: providers, about forty registrations taken through the authority's decisions, incidents
/// over the last twelve months (some of them cross-border, which alerts the peers) and two advisories. The content
/// is drawn from <see cref="DemoCatalogue"/> with a random generator seeded by the node code, so a node code always
/// gets the same content; dates are counted back from the current day.
/// </summary>
internal static class DemoSeed
{
    private const int IncidentCount = 15;

    // Real registers hold far more minimal and limited-risk systems than high-risk ones, and the odd prohibited
    // practice that an authority has to turn away.
    private static readonly (RiskTier Tier, int Count)[] TierQuotas =
        [(RiskTier.Minimal, 14), (RiskTier.Limited, 13), (RiskTier.High, 7), (RiskTier.Unacceptable, 2)];

    /// <summary>Product ids registered on every national demo node, each with a different outcome per node.</summary>
    public static IReadOnlyList<string> SharedProductIds { get; } = [.. DemoCatalogue.SharedProducts.Select(p => p.ProductId)];

    /// <summary>Seeds one national node, unless it already holds a registration.</summary>
    /// <param name="nodeCode">The node's code: KE, FR or BR.</param>
    /// <param name="otherNationalCodes">The other national nodes of the federation, named by cross-border incidents.</param>
    /// <param name="client">A client of the node's national API.</param>
    /// <param name="progress">Receives a line per stage, such as "KE: 40 registrations".</param>
    /// <param name="ct">Stops the seeding between calls.</param>
    /// <exception cref="ArgumentOutOfRangeException">The demo has no data for <paramref name="nodeCode"/>.</exception>
    /// <exception cref="InvalidOperationException">The node refused a request, naming it and the node's reason.</exception>
    public static async Task<SeedReport> SeedAsync(
        string nodeCode,
        IReadOnlyList<string> otherNationalCodes,
        Registry.RegistryClient client,
        IProgress<string>? progress,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(otherNationalCodes);
        ArgumentNullException.ThrowIfNull(client);
        var country = DemoCatalogue.Country(nodeCode);
        var others = otherNationalCodes.Where(c => c != nodeCode).Distinct().ToList();
        return await new Run(country, others, client, progress, ct).SeedAsync();
    }

    private sealed record PlannedSystem(DemoArchetype Archetype, DemoProvider Provider, DemoOutcome Outcome, RegisterSystemRequest Request);

    private sealed record SeededSystem(PlannedSystem Plan, AiSystem System);

    /// <summary>Words that differ per incident: where it happened and which other countries it reached.</summary>
    private sealed record Place(string City, string Other, string OtherAdjective, string Others);

    private sealed class Run(
        DemoCountry country,
        IReadOnlyList<string> others,
        Registry.RegistryClient client,
        IProgress<string>? progress,
        CancellationToken ct)
    {
        private readonly Random _random = new(SeedOf(country.Code));

        // Midnight UTC, so that two runs on the same day produce identical dates and every date lies in the past.
        private readonly DateTimeOffset _today = new(DateTime.UtcNow.Date, TimeSpan.Zero);

        private readonly Dictionary<string, string> _providerIds = [];
        private int _decisions;
        private int _peerTurn;

        private string Code => country.Code;

        public async Task<SeedReport> SeedAsync()
        {
            var existing = await CallAsync("ListSystems", o => client.ListSystemsAsync(new ListSystemsRequest { PageSize = 1 }, o));
            if (existing.Systems.Count > 0)
            {
                progress?.Report($"{Code}: already seeded; nothing changed");
                return new SeedReport(Code, 0, 0, 0, 0, 0, AlreadySeeded: true);
            }

            await CreateProvidersAsync();
            progress?.Report($"{Code}: {_providerIds.Count} providers");

            var systems = new List<SeededSystem>();
            foreach (var plan in PlanSystems())
            {
                var system = await CallAsync($"RegisterSystem {plan.Request.ProductId}", o => client.RegisterSystemAsync(plan.Request, o));
                systems.Add(new SeededSystem(plan, system));
            }
            progress?.Report($"{Code}: {systems.Count} registrations");

            foreach (var system in systems)
            {
                await DecideAsync(system);
            }
            var statuses = systems.GroupBy(s => s.Plan.Outcome.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {Describe(g.Key)}");
            progress?.Report($"{Code}: {_decisions} decisions ({string.Join(", ", statuses)})");

            var (incidents, crossBorder, transitions) = await ReportIncidentsAsync(systems);
            progress?.Report($"{Code}: {incidents} incidents ({crossBorder} cross-border, {transitions} status changes)");

            foreach (var advisory in country.Advisories)
            {
                await CallAsync($"PublishAdvisory \"{advisory.Title}\"", o => client.PublishAdvisoryAsync(new PublishAdvisoryRequest
                {
                    Title = advisory.Title,
                    Summary = advisory.Summary,
                    LessonsLearned = advisory.LessonsLearned,
                    Mitigations = { advisory.Mitigations },
                    Categories = { advisory.Categories },
                }, o));
            }
            progress?.Report($"{Code}: {country.Advisories.Count} advisories");

            return new SeedReport(Code, _providerIds.Count, systems.Count, _decisions, incidents, country.Advisories.Count, AlreadySeeded: false);
        }

        // ---------- providers ----------

        private async Task CreateProvidersAsync()
        {
            // Foreign providers of the shared products register here as well, established in their home country.
            var providers = country.Providers.Select(p => (Provider: p, Country: Code))
                .Concat(DemoCatalogue.SharedProducts.Where(s => s.HomeCountry != Code).Select(s => (s.Provider, Country: s.HomeCountry)))
                .DistinctBy(p => p.Provider.Slug);
            foreach (var (provider, established) in providers)
            {
                // A run interrupted before its first registration left providers behind: take them as they are.
                var id = Domain.Identifiers.ProviderId(Code, provider.Slug);
                try
                {
                    await client.GetProviderAsync(new GetProviderRequest { Id = id }, cancellationToken: ct);
                    _providerIds[provider.Slug] = id;
                    continue;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
                {
                }
                var created = await CallAsync($"CreateProvider {provider.Slug}", o => client.CreateProviderAsync(new CreateProviderRequest
                {
                    Slug = provider.Slug,
                    Name = provider.Name,
                    Country = established,
                    ContactEmail = $"compliance@{provider.Domain}",
                    Website = $"https://{provider.Domain}",
                }, o));
                _providerIds[provider.Slug] = created.Id;
            }
        }

        // ---------- registrations ----------

        private List<PlannedSystem> PlanSystems()
        {
            var plans = new List<PlannedSystem>();
            var nationalMarkets = DemoCatalogue.Countries.Select(c => c.Code).ToList();
            foreach (var shared in DemoCatalogue.SharedProducts)
            {
                var outcome = shared.Outcomes.GetValueOrDefault(Code) ?? new DemoOutcome(SystemStatus.UnderReview);
                var home = DemoCatalogue.Country(shared.HomeCountry);
                plans.Add(Plan(shared.Archetype, shared.Provider, home, shared.ProductId, outcome, nationalMarkets));
            }
            foreach (var (tier, count) in TierQuotas)
            {
                var pool = DemoCatalogue.Archetypes.Where(a => a.Tier == tier).ToArray();
                _random.Shuffle(pool);
                // Pinned products are the subjects of cross-border incidents and of the restricted categories; OrderBy is stable.
                foreach (var archetype in pool.OrderByDescending(a => a.Pinned).Take(count))
                {
                    var provider = country.Provider(archetype.Sector);
                    plans.Add(Plan(archetype, provider, country, $"{provider.Domain}/{archetype.Key}", OutcomeFor(archetype), LocalMarkets()));
                }
            }
            var shuffled = plans.ToArray();
            _random.Shuffle(shuffled);
            return [.. shuffled];
        }

        private PlannedSystem Plan(DemoArchetype archetype, DemoProvider provider, DemoCountry home, string productId, DemoOutcome outcome, IReadOnlyList<string> markets)
        {
            var request = new RegisterSystemRequest
            {
                ProductId = productId,
                ProviderId = _providerIds[provider.Slug],
                Submit = outcome.Status != SystemStatus.Draft,
                Details = new SystemDetails
                {
                    Name = $"{provider.Brand} {archetype.Product}",
                    Version = Invariant($"{_random.Next(1, 5)}.{_random.Next(0, 10)}.{_random.Next(0, 6)}"),
                    IntendedPurpose = Fill(archetype.Purpose),
                    Category = archetype.Category,
                    ProposedRiskTier = archetype.Tier,
                    Assessment = AssessmentFor(archetype, provider, home),
                    Markets = { markets },
                    DeploymentStatus = DeploymentFor(outcome.Status),
                    ContactEmail = $"{archetype.Key}@{provider.Domain}",
                },
            };
            return new PlannedSystem(archetype, provider, outcome, request);
        }

        private DemoOutcome OutcomeFor(DemoArchetype archetype)
        {
            if (archetype.Tier == RiskTier.Unacceptable)
            {
                return new DemoOutcome(SystemStatus.Rejected, archetype.AuthorityNote);
            }
            if (archetype.Pinned)
            {
                return new DemoOutcome(SystemStatus.Registered, RegisterReason(archetype));
            }
            var roll = _random.NextDouble();
            return roll switch
            {
                < 0.60 => new DemoOutcome(SystemStatus.Registered, RegisterReason(archetype)),
                < 0.72 => new DemoOutcome(SystemStatus.UnderReview),
                < 0.80 => new DemoOutcome(SystemStatus.Submitted),
                < 0.85 => new DemoOutcome(SystemStatus.Draft),
                < 0.92 => new DemoOutcome(SystemStatus.Rejected, Fill(Pick(
                    "Rejected: the bias evaluation does not report error rates by age band or {region}; resubmit with a disaggregated evaluation.",
                    "Rejected: the conformity evidence comes from data collected outside {country}; a local validation study is required.",
                    "Rejected: the human oversight measures do not let the reviewer stop an output before it takes effect.",
                    "Rejected: the data governance statement does not say where personal data are stored or for how long."))),
                < 0.97 => new DemoOutcome(SystemStatus.Suspended, Pick(
                    "Suspended: post-market monitoring reports are three months overdue; reinstatement follows their receipt and review.",
                    "Suspended: a new model version was deployed without notifying the authority; reinstatement follows review of that version.")),
                _ => new DemoOutcome(SystemStatus.Withdrawn, Fill("Withdrawn at the provider's request: the product is discontinued in {country}.")),
            };
        }

        private static string? RegisterReason(DemoArchetype archetype) =>
            archetype.Decided is not null ? archetype.AuthorityNote
            : archetype.Tier == RiskTier.High ? "Conformity evidence and human oversight measures reviewed; registered as high risk."
            : null;

        private List<string> LocalMarkets()
        {
            var neighbours = country.Neighbours.Select(n => n.Code).ToArray();
            _random.Shuffle(neighbours);
            return [Code, .. neighbours.Take(_random.Next(0, 3))];
        }

        private DeploymentStatus DeploymentFor(SystemStatus status) => status switch
        {
            SystemStatus.Registered => _random.NextDouble() < 0.75 ? DeploymentStatus.InUse : DeploymentStatus.Pilot,
            SystemStatus.Suspended => DeploymentStatus.InUse,
            SystemStatus.Withdrawn => DeploymentStatus.Retired,
            SystemStatus.UnderReview or SystemStatus.Submitted => _random.NextDouble() < 0.5 ? DeploymentStatus.Pilot : DeploymentStatus.Planned,
            _ => DeploymentStatus.Planned,
        };

        /// <summary>
        /// Every field for high-risk and prohibited proposals (the node refuses to review a high-risk one without evidence
        /// and oversight), the transparency-related ones for limited risk, a data statement for minimal risk. Evidence is
        /// written about the provider's home country, which is what the Brazilian authority objects to in one rejection.
        /// </summary>
        private Assessment AssessmentFor(DemoArchetype a, DemoProvider provider, DemoCountry home)
        {
            var records = _random.Next(6, 90) * 1000;
            var data = Invariant(
                $"{Capitalise(a.Records)} are pseudonymised before use and stored in {home.Name}; access is logged and retention is limited to {_random.Next(2, 7)} years under {home.DataLaw}.");
            var oversight = Invariant(
                $"Every {a.Output} is checked by {a.Reviewer} before it takes effect; overrides are logged and a sample is reviewed each week by {provider.Brand}'s quality team.");
            var explainability = Invariant(
                $"Each {a.Output} is shown with the factors that weighed most, in plain language; {a.Group} are told that an automated system is involved and can ask for a human review.");
            var bias = Invariant(
                $"Error rates were compared across sex, age band and {home.Region} for {a.Group}; the largest gap was {_random.Next(5, 40) / 10.0:0.0} percentage points, within the limit of {_random.Next(3, 6)} points fixed before testing.");
            switch (a.Tier)
            {
                case RiskTier.High or RiskTier.Unacceptable:
                    return new Assessment
                    {
                        ConformityEvidence = Invariant(
                            $"Retrospective validation on {records:N0} {a.Records} from {_random.Next(3, 12)} {home.Regions} of {home.Name}, against the judgement of qualified reviewers: agreement {_random.Next(880, 985) / 10.0:0.0}%. Every disagreement was analysed, and the test is repeated before each release."),
                        BiasEvaluation = bias,
                        HumanOversight = oversight,
                        Explainability = explainability,
                        DataGovernance = data,
                    };
                case RiskTier.Limited:
                    return new Assessment
                    {
                        BiasEvaluation = _random.NextDouble() < 0.5 ? bias : "",
                        HumanOversight = oversight,
                        Explainability = explainability,
                        DataGovernance = data,
                    };
                default:
                    return new Assessment { DataGovernance = data };
            }
        }

        private async Task DecideAsync(SeededSystem seeded)
        {
            var (archetype, _, outcome, _) = seeded.Plan;
            if (outcome.Status is SystemStatus.Draft or SystemStatus.Submitted)
            {
                return;
            }
            await DecideAsync(seeded, Decision.StartReview);
            switch (outcome.Status)
            {
                case SystemStatus.UnderReview:
                    return;
                case SystemStatus.Rejected:
                    await DecideAsync(seeded, Decision.Reject, reason: outcome.Reason);
                    return;
            }
            var decided = archetype.Decided ?? archetype.Tier;
            var registerReason = outcome.Status == SystemStatus.Registered ? outcome.Reason : RegisterReason(archetype);
            await DecideAsync(seeded, Decision.Register, decided, registerReason);
            if (outcome.Status is SystemStatus.Suspended or SystemStatus.Withdrawn)
            {
                await DecideAsync(seeded, outcome.Status == SystemStatus.Suspended ? Decision.Suspend : Decision.Withdraw, reason: outcome.Reason);
            }
        }

        private async Task DecideAsync(SeededSystem seeded, Decision decision, RiskTier tier = RiskTier.Unspecified, string? reason = null)
        {
            var request = new DecideSystemRequest { Id = seeded.System.Id, Decision = decision, DecidedRiskTier = tier, Reason = reason ?? "" };
            await CallAsync($"DecideSystem {decision} for {seeded.System.ProductId}", o => client.DecideSystemAsync(request, o));
            _decisions++;
        }

        // ---------- incidents ----------

        private async Task<(int Reported, int CrossBorder, int Transitions)> ReportIncidentsAsync(IReadOnlyList<SeededSystem> systems)
        {
            // Nobody reports an incident with a system that is not in use: a draft, or one the authority turned away.
            var inUse = systems.Where(s => s.Plan.Outcome.Status is not (SystemStatus.Draft or SystemStatus.Rejected))
                .ToDictionary(s => s.Plan.Archetype.Key);
            var pool = DemoCatalogue.Incidents.Where(t => t.ReportedOn is null && inUse.ContainsKey(t.Subject)).ToArray();
            _random.Shuffle(pool);
            var chosen = DemoCatalogue.Incidents.Where(t => t.ReportedOn == Code && inUse.ContainsKey(t.Subject))
                .Concat(pool.OrderByDescending(t => t.Spread is DemoSpread.Peer or DemoSpread.AllPeers))
                .Take(IncidentCount)
                .ToArray();
            _random.Shuffle(chosen);

            // Spread over the last year, one every three weeks or so, and reported oldest first as they would have been.
            var dated = chosen.Select((template, slot) => (Template: template, DaysAgo: 3 + (22 * slot) + _random.Next(0, 12)))
                .OrderByDescending(x => x.DaysAgo)
                .ToList();
            int crossBorder = 0, transitions = 0;
            foreach (var (template, daysAgo) in dated)
            {
                var system = inUse[template.Subject];
                var request = IncidentRequest(template, system, daysAgo);
                crossBorder += request.Details.AffectedJurisdictions.Count > 1 ? 1 : 0;
                var incident = await CallAsync($"ReportIncident \"{request.Details.Title}\"", o => client.ReportIncidentAsync(request, o));
                transitions += await ProgressIncidentAsync(incident, system.Plan.Archetype.Sector);
            }
            return (dated.Count, crossBorder, transitions);
        }

        private ReportIncidentRequest IncidentRequest(DemoIncident template, SeededSystem system, int daysAgo)
        {
            var jurisdictions = JurisdictionsFor(template.Spread);
            var affected = jurisdictions.Skip(1).ToList();
            var place = new Place(
                country.Cities[_random.Next(country.Cities.Count)],
                NameOf(affected.FirstOrDefault() ?? Code),
                AdjectiveOf(affected.FirstOrDefault() ?? Code),
                JoinNames(affected));

            var reported = _today.AddDays(-daysAgo).AddHours(_random.Next(8, 18)).AddMinutes(_random.Next(0, 60));
            var lagHours = DeadlineDays(template) is { } days
                ? template.ReportedLate ? (days * 24) + _random.Next(20, 72) : _random.Next(2, (int)(days * 24 * 0.7))
                : _random.Next(6, 24 * 10);
            var aware = reported.AddHours(-lagHours);
            var occurred = aware.AddHours(-(template.Severity == Severity.Critical ? _random.Next(1, 6) : _random.Next(2, 96)));

            return new ReportIncidentRequest
            {
                Details = new IncidentDetails
                {
                    Title = Fill(template.Title, place),
                    Description = Fill(template.Description, place),
                    SystemId = system.System.Id,
                    ProductId = system.System.ProductId,
                    Severity = template.Severity,
                    HarmTypes = { template.Harms },
                    SuspectedCause = template.Cause,
                    AffectedGroups = { template.Groups.Select(g => Fill(g, place)) },
                    OccurredAt = Timestamp.FromDateTimeOffset(occurred),
                    AwareAt = Timestamp.FromDateTimeOffset(aware),
                    ReportedAt = Timestamp.FromDateTimeOffset(reported),
                    AffectedJurisdictions = { jurisdictions },
                    ResultedInDeath = template.Death,
                    Widespread = template.Widespread,
                    Reporter = Fill(template.Reporter ?? $"{system.Plan.Provider.Name}, compliance office", place),
                },
            };
        }

        private List<string> JurisdictionsFor(DemoSpread spread)
        {
            var neighbour = country.Neighbours[0].Code;
            return spread switch
            {
                DemoSpread.Peer when others.Count > 0 => [Code, others[_peerTurn++ % others.Count]],
                DemoSpread.AllPeers when others.Count > 0 => [Code, .. others],
                DemoSpread.Local => [Code],
                // Without peers, a cross-border incident still crosses a border.
                _ => [Code, neighbour],
            };
        }

        /// <summary>
        /// The default reporting rules' deadline in days (ReportingRules.EuAiActArticle73), so that all but the one
        /// template meant to be late are reported in time; a node configured otherwise only flags different ones late.
        /// </summary>
        private static int? DeadlineDays(DemoIncident t)
        {
            var serious = t.Severity is Severity.Critical or Severity.Serious;
            List<int> days = [];
            if (t.Widespread || (serious && t.Harms.Contains(HarmType.CriticalInfrastructure)))
            {
                days.Add(2);
            }
            if (t.Death)
            {
                days.Add(10);
            }
            if (serious)
            {
                days.Add(15);
            }
            return days.Count == 0 ? null : days.Min();
        }

        /// <summary>
        /// Moves an incident as far as an authority would have by now: older incidents are mitigated or closed, and those
        /// within the country's triage backlog still await triage.
        /// </summary>
        private async Task<int> ProgressIncidentAsync(Incident incident, DemoSector sector)
        {
            var age = (_today - incident.Details.OccurredAt.ToDateTimeOffset()).TotalDays;
            var target = age switch
            {
                _ when age <= country.TriageBacklogDays => IncidentStatus.Reported,
                > 200 => IncidentStatus.Closed,
                > 90 => IncidentStatus.Mitigated,
                > 30 => IncidentStatus.Investigating,
                _ => IncidentStatus.Triaged,
            };
            var steps = 0;
            for (var to = IncidentStatus.Triaged; to <= target; to++)
            {
                var note = to switch
                {
                    IncidentStatus.Triaged => $"Confirmed as {Describe(incident.Details.Severity)}; assigned to the {TeamFor(sector)} team.",
                    IncidentStatus.Investigating => "Logs, the model version in use and the affected cases requested from the provider.",
                    IncidentStatus.Mitigated => "Corrective update deployed by the provider and affected people contacted; monitoring continues for 90 days.",
                    _ => "Correction verified on a fresh sample of cases; file closed.",
                };
                var request = new TransitionIncidentRequest { Id = incident.Id, To = to, Note = note };
                await CallAsync($"TransitionIncident {incident.Id} to {to}", o => client.TransitionIncidentAsync(request, o));
                steps++;
            }
            return steps;
        }

        private static string TeamFor(DemoSector sector) => sector switch
        {
            DemoSector.Health => "health AI assessment",
            DemoSector.Finance => "financial services",
            DemoSector.Land => "agriculture and infrastructure",
            DemoSector.Public => "public sector",
            _ => "media and digital services",
        };

        // ---------- text ----------

        private string Fill(string template, Place? place = null)
        {
            var text = template
                .Replace("{country}", country.Name, StringComparison.Ordinal)
                .Replace("{regions}", country.Regions, StringComparison.Ordinal)
                .Replace("{region}", country.Region, StringComparison.Ordinal)
                .Replace("{languages}", country.Languages, StringComparison.Ordinal)
                .Replace("{crops}", country.Crops, StringComparison.Ordinal);
            if (place is not null)
            {
                text = text
                    .Replace("{city}", place.City, StringComparison.Ordinal)
                    .Replace("{otherAdjective}", place.OtherAdjective, StringComparison.Ordinal)
                    .Replace("{others}", place.Others, StringComparison.Ordinal)
                    .Replace("{other}", place.Other, StringComparison.Ordinal);
            }
            return text;
        }

        private string NameOf(string code) =>
            DemoCatalogue.TryCountry(code)?.Name ?? country.Neighbours.FirstOrDefault(n => n.Code == code)?.Name ?? code;

        private string AdjectiveOf(string code) => DemoCatalogue.TryCountry(code)?.Adjective ?? $"{NameOf(code)}-issued";

        private string JoinNames(IReadOnlyList<string> codes)
        {
            var names = codes.Select(NameOf).ToList();
            return names.Count <= 1 ? names.FirstOrDefault() ?? country.Name : $"{string.Join(", ", names[..^1])} and {names[^1]}";
        }

        private string Pick(params string[] choices) => choices[_random.Next(choices.Length)];

        private static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

        private static string Describe<T>(T value) where T : struct, System.Enum
        {
            // "UnderReview" -> "under review", as the catalogue names read in prose.
            var name = value.ToString();
            return string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? " " + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
        }

        // ---------- calls ----------

        private async Task<T> CallAsync<T>(string request, Func<CallOptions, AsyncUnaryCall<T>> call)
        {
            try
            {
                return await call(new CallOptions(cancellationToken: ct));
            }
            catch (RpcException e) when (ct.IsCancellationRequested)
            {
                throw new OperationCanceledException($"Seeding {Code} was cancelled during {request}.", e, ct);
            }
            catch (RpcException e)
            {
                // The seed's data are fixed, so a refusal means the catalogue breaks a rule: name the request and the rule.
                throw new InvalidOperationException($"Seeding {Code}: {request} was refused ({e.StatusCode}): {e.Status.Detail}", e);
            }
        }

        private static int SeedOf(string code) => code.Aggregate(17, (hash, c) => unchecked((hash * 31) + c));
    }
}
