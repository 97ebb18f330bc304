using FederatedRegistry.Contracts.V1;

namespace FederatedRegistry.Node.Demo;

/// <summary>The line of business of a demo provider; each demo country has one provider per sector.</summary>
internal enum DemoSector
{
    Health,
    Finance,
    Land,
    Public,
    Media,
}

/// <summary>Who an incident affects besides the reporting node.</summary>
internal enum DemoSpread
{
    /// <summary>Only the reporting node's jurisdiction.</summary>
    Local,

    /// <summary>A neighbouring country that runs no demo node: cross-border, yet no peer is alerted.</summary>
    Neighbour,

    /// <summary>One other national demo node, taken in turn.</summary>
    Peer,

    /// <summary>Every other national demo node.</summary>
    AllPeers,
}

/// <summary>A country outside the demo federation, named in markets and incidents.</summary>
internal sealed record DemoNeighbour(string Code, string Name);

/// <summary>An invented organisation; its domain is under <c>.example</c> so that no real company is named.</summary>
internal sealed record DemoProvider(DemoSector Sector, string Slug, string Name, string Brand, string Domain);

/// <summary>
/// One demo jurisdiction: the words its texts are written with, its providers and the advisories its authority
/// publishes. Placeholders in catalogue texts ("{country}", "{regions}", ...) are filled from it.
/// <c>TriageBacklogDays</c>: incidents that occurred within this many days still await the authority's
/// triage, so that the observer's maturity view has a country whose incident team is behind.
/// </summary>
internal sealed record DemoCountry(
    string Code,
    string Name,
    string Adjective,
    string Region,
    string Regions,
    string Languages,
    string Crops,
    string DataLaw,
    IReadOnlyList<string> Cities,
    IReadOnlyList<DemoNeighbour> Neighbours,
    IReadOnlyList<DemoProvider> Providers,
    IReadOnlyList<DemoAdvisory> Advisories,
    int TriageBacklogDays = 10)
{
    public DemoProvider Provider(DemoSector sector) => Providers.Single(p => p.Sector == sector);
}

/// <summary>
/// A kind of AI product that a provider of <paramref name="Sector"/> offers in any demo country, with what its
/// assessment texts are written about. <paramref name="Tier"/> is the provider's proposal; <paramref name="Decided"/>
/// is set where the authority classifies it otherwise, for the reason in <paramref name="AuthorityNote"/>, which is
/// also the rejection reason of a prohibited practice.
/// </summary>
internal sealed record DemoArchetype(
    string Key,
    DemoSector Sector,
    string Product,
    Category Category,
    RiskTier Tier,
    string Purpose,
    string Records,
    string Group,
    string Output,
    string Reviewer,
    RiskTier? Decided = null,
    string? AuthorityNote = null,
    bool Pinned = false);

/// <summary>Where a registration ends up after the authority's decisions, and the reason it gives.</summary>
internal sealed record DemoOutcome(SystemStatus Status, string? Reason = null);

/// <summary>
/// A product registered on every national demo node by its home country's provider, with a different outcome per
/// node, so that a federated product lookup has something to show.
/// </summary>
internal sealed record DemoSharedProduct(string HomeCountry, DemoArchetype Archetype, IReadOnlyDictionary<string, DemoOutcome> Outcomes)
{
    public DemoProvider Provider => DemoCatalogue.Country(HomeCountry).Provider(Archetype.Sector);

    public string ProductId => $"{Provider.Domain}/{Archetype.Key}";
}

/// <summary>
/// An incident involving the system made from the archetype <paramref name="Subject"/>. A template with
/// <paramref name="ReportedOn"/> is reported only by that node; the others by any node where the system is in use.
/// </summary>
internal sealed record DemoIncident(
    string Subject,
    string Title,
    string Description,
    Severity Severity,
    HarmType[] Harms,
    SuspectedCause Cause,
    string[] Groups,
    DemoSpread Spread = DemoSpread.Local,
    bool Death = false,
    bool Widespread = false,
    bool ReportedLate = false,
    string? Reporter = null,
    string? ReportedOn = null);

/// <summary>An authority's lessons learned.</summary>
internal sealed record DemoAdvisory(string Title, string Summary, string LessonsLearned, string[] Mitigations, Category[] Categories);

/// <summary>
/// The fixed lists the demo seed draws from: three countries with invented providers, about fifty kinds of AI product,
/// the products shared by all three, incident templates and advisories. Texts are English; placeholders in braces are
/// filled per country by <see cref="DemoSeed"/>.
/// </summary>
internal static class DemoCatalogue
{
    public static IReadOnlyList<DemoCountry> Countries { get; } =
    [
        new("KE", "Kenya", "Kenyan", "county", "counties", "Swahili and English", "maize, tea and beans",
            "the Data Protection Act, 2019", ["Nakuru", "Kisumu", "Mombasa"],
            [new("TZ", "Tanzania"), new("UG", "Uganda"), new("RW", "Rwanda"), new("ET", "Ethiopia")],
            [
                new(DemoSector.Health, "afyalens", "AfyaLens Diagnostics Ltd", "AfyaLens", "afyalens.example"),
                new(DemoSector.Finance, "kilele-credit", "Kilele Credit Technologies Ltd", "Kilele", "kilele-credit.example"),
                new(DemoSector.Land, "mavuno-analytics", "Mavuno Analytics Ltd", "Mavuno", "mavuno-analytics.example"),
                new(DemoSector.Public, "taifa-civic", "Taifa Civic Systems Ltd", "Taifa", "taifa-civic.example"),
                new(DemoSector.Media, "sauti-labs", "Sauti Labs Ltd", "Sauti", "sauti-labs.example"),
            ],
            [
                new("Validate image-based screening on every camera, stain and device in use",
                    "Two incidents this year involved screening models whose accuracy fell on images from equipment that was " +
                    "absent from their validation data: a new portable fundus camera and a new batch of laboratory stain. " +
                    "In both cases the change of equipment was a procurement decision that nobody reported to the provider.",
                    "Accuracy figures in an assessment hold only for the devices and consumables that were tested. Facilities " +
                    "change suppliers for reasons of price and availability, and a model cannot tell that its input has shifted. " +
                    "Providers and facilities need a shared list of validated equipment and a simple way to flag a change.",
                    [
                        "List the camera models, stains and scanners covered by the validation in the registration's conformity evidence.",
                        "Ask facilities to notify the provider before introducing new imaging equipment or consumables.",
                        "Run a proficiency panel of at least 200 known cases whenever equipment changes, before results are used clinically.",
                        "Re-read every negative result for four weeks after a change of equipment.",
                    ],
                    [Category.Health]),
                new("Credit and affordability models must count informal and mobile-money income",
                    "Complaints to the authority show applicants being declined because their income arrives through many small " +
                    "mobile-money transfers or in cash. Models trained mostly on salaried applicants read such income as unstable.",
                    "Most Kenyan adults earn at least part of their income informally. A model that treats this as a risk factor " +
                    "excludes them from credit regardless of their ability to repay, and the bias evaluation will not show it unless " +
                    "income type is one of the groups compared.",
                    [
                        "Include income type (salaried, informal, mixed) as a group in the bias evaluation.",
                        "Give declined applicants the main reasons and a way to supply other evidence of income.",
                        "Review approval rates by income type every month and report large gaps to the authority.",
                    ],
                    [Category.Finance, Category.EssentialServices]),
            ]),
        new("FR", "France", "French", "département", "départements", "French", "wheat, grapes and rapeseed",
            "the GDPR", ["Lyon", "Lille", "Toulouse"],
            [new("BE", "Belgium"), new("DE", "Germany"), new("ES", "Spain"), new("LU", "Luxembourg")],
            [
                new(DemoSector.Health, "medisens", "Médisens SAS", "Médisens", "medisens.example"),
                new(DemoSector.Finance, "credinova", "CrediNova SAS", "CrediNova", "credinova.example"),
                new(DemoSector.Land, "terravigne", "Terravigne Analytique SAS", "Terravigne", "terravigne.example"),
                new(DemoSector.Public, "sentinelle-numerique", "Sentinelle Numérique SAS", "Sentinelle", "sentinelle-numerique.example"),
                new(DemoSector.Media, "lexiole", "Lexiole SAS", "Lexiole", "lexiole.example"),
            ],
            [
                new("Monitor credit models after changes in interest rates and data sources",
                    "Credit and affordability models registered in France drifted after the rise in interest rates and after " +
                    "banks changed the transaction data they pass on. Approval rates moved by several points for some groups " +
                    "within weeks, and providers noticed only through complaints.",
                    "A model validated once is not validated for ever: the population applying for credit changes with the " +
                    "economy, and upstream data changes are rarely announced. Monitoring must be continuous and by group.",
                    [
                        "Track approval rates and score distributions weekly, by age band, sex, income type and region.",
                        "Agree with data suppliers on notice before any change of format or content.",
                        "Define in advance the drift that triggers a re-validation, and report it to the authority.",
                    ],
                    [Category.Finance]),
                new("Border document checks and biometric matching: plan for new document series",
                    "Genuine passports of a newly issued series were flagged as forged at an airport because the document " +
                    "library had not been updated, and travellers of one nationality were held for secondary checks.",
                    "When a system's errors fall on one nationality the harm is discrimination, even if the cause is technical. " +
                    "Document libraries must follow issuing states' announcements, and officers must be able to clear a flag quickly.",
                    [
                        "Subscribe to issuing states' notices of new document series and test them before they circulate.",
                        "Monitor flag rates by issuing state daily and investigate any sudden rise.",
                        "Give officers a fast manual route to clear a flag, and record every override.",
                    ],
                    [Category.MigrationAndBorder, Category.Biometrics, Category.LawEnforcement]),
            ]),
        new("BR", "Brazil", "Brazilian", "state", "states", "Portuguese", "soy, coffee and sugar cane",
            "the LGPD (Lei Geral de Proteção de Dados)", ["Recife", "Curitiba", "Belém"],
            [new("PY", "Paraguay"), new("AR", "Argentina"), new("UY", "Uruguay"), new("BO", "Bolivia")],
            [
                new(DemoSector.Health, "vitasinal", "VitaSinal Saúde Digital Ltda", "VitaSinal", "vitasinal.example"),
                new(DemoSector.Finance, "trilha-credito", "Trilha Crédito S.A.", "Trilha", "trilha-credito.example"),
                new(DemoSector.Land, "safra-inteligente", "Safra Inteligente Agrotech Ltda", "Safra", "safra-inteligente.example"),
                new(DemoSector.Public, "guardiao-civico", "Guardião Cívico Tecnologia Ltda", "Guardião", "guardiao-civico.example"),
                new(DemoSector.Media, "horizonte-digital", "Horizonte Digital Tecnologia Ltda", "Horizonte", "horizonte-digital.example"),
            ],
            [
                new("Automated CV screening learns proxies for protected characteristics",
                    "A CV ranking model trained on past hiring decisions ranked graduates of regional universities and applicants " +
                    "from some neighbourhoods lower. Neither place of study nor address was meant to matter; both stood in for " +
                    "race and social class.",
                    "Removing protected attributes from the input does not remove discrimination: past decisions carry it, and " +
                    "the model finds other features that encode it. The bias evaluation must test outcomes by group, not inputs.",
                    [
                        "Evaluate shortlisting rates by sex, race, age band, region and type of university before release and quarterly.",
                        "Exclude address and place of study from ranking features unless a job-related need is documented.",
                        "Let recruiters see every application, not only the shortlist, and sample rejected CVs for human review.",
                    ],
                    [Category.Employment]),
                new("Synthetic voice and chat agents around election periods",
                    "Synthetic voices and chat agents were used to imitate officials and to spread wrong information about voting " +
                    "dates. Watermarks made one clip traceable to its source within a day.",
                    "Providers of voice and language models cannot prevent every misuse, but they can make outputs traceable and " +
                    "respond quickly. Authorities benefit from a contact at each provider for urgent takedowns.",
                    [
                        "Watermark synthetic audio and keep the account that produced each output for at least a year.",
                        "Answer questions about elections only from official sources, and say where the answer comes from.",
                        "Name a contact for urgent requests from electoral and consumer authorities, reachable at weekends.",
                    ],
                    [Category.MediaAndInformation, Category.JusticeAndDemocracy, Category.GeneralPurpose]),
            ],
            TriageBacklogDays: 120),
    ];

    /// <summary>The products of each demo provider, registered on its own node; a seed takes a share by risk tier.</summary>
    public static IReadOnlyList<DemoArchetype> Archetypes { get; } =
    [
        // ---------- health ----------
        new("triage-assist", DemoSector.Health, "Triage Assist", Category.Health, RiskTier.High,
            "Suggests an urgency level for patients arriving at emergency departments in {country}, for confirmation by a triage nurse.",
            "triage episodes", "patients", "urgency suggestion", "a triage nurse"),
        new("symptom-checker", DemoSector.Health, "Symptom Checker", Category.Health, RiskTier.Limited,
            "A chat service in {languages} that asks about symptoms and suggests whether to rest at home, see a pharmacist or visit a clinic. It does not diagnose.",
            "chat sessions reviewed by clinicians", "users", "care-level suggestion", "a duty clinician"),
        new("attendance-forecast", DemoSector.Health, "Attendance Forecast", Category.Health, RiskTier.Minimal,
            "Predicts which outpatient appointments are likely to be missed, so that clinics can send reminders and rebalance their daily lists.",
            "appointments", "patients", "attendance forecast", "clinic administrators"),
        new("pharmacy-demand", DemoSector.Health, "Pharmacy Demand Planner", Category.Health, RiskTier.Minimal,
            "Forecasts weekly demand for essential medicines at pharmacies and dispensaries, to reduce stock-outs and losses to expiry.",
            "dispensing records", "pharmacies", "reorder suggestion", "a pharmacist"),
        new("blood-smear-reader", DemoSector.Health, "Blood Smear Reader", Category.Health, RiskTier.High,
            "Detects and counts malaria parasites on digitised blood smears in hospital laboratories; every positive and a sample of negatives is re-read by a technician.",
            "digitised blood smears", "patients", "parasite count", "a laboratory technician"),
        new("clinical-scribe", DemoSector.Health, "Clinical Scribe", Category.Health, RiskTier.Limited,
            "Transcribes consultations, with the patient's consent, and drafts structured clinical notes for the clinician to correct and sign.",
            "consultation recordings", "patients", "draft note", "the treating clinician"),
        new("maternal-risk", DemoSector.Health, "Maternal Risk Monitor", Category.Health, RiskTier.High,
            "Flags pregnancies at raised risk of pre-eclampsia and haemorrhage from antenatal visit data, so that community health workers refer mothers early.",
            "antenatal visit records", "pregnant women", "risk flag", "a midwife"),
        new("claims-review", DemoSector.Health, "Claims Review", Category.Finance, RiskTier.Limited,
            "Flags health-insurance claims with unusual billing patterns for review by claims officers. It never rejects a claim on its own.",
            "insurance claims", "policyholders", "review flag", "a claims officer"),
        new("xray-prioritiser", DemoSector.Health, "Chest X-ray Prioritiser", Category.Health, RiskTier.High,
            "Re-orders radiology worklists so that chest X-rays with suspected critical findings are read first by a radiologist.",
            "chest X-rays", "patients", "priority score", "a radiologist"),

        // ---------- finance ----------
        new("credit-score", DemoSector.Finance, "Credit Score", Category.Finance, RiskTier.High,
            "Scores the creditworthiness of applicants for small personal loans from repayment history and, with consent, bank and mobile-money transactions.",
            "loan applications", "applicants", "credit score", "a credit officer"),
        new("fraud-shield", DemoSector.Finance, "Fraud Shield", Category.Finance, RiskTier.Minimal,
            "Scores card, bank and mobile-money transactions in real time for signs of fraud; a high score holds the payment for a short customer check.",
            "transactions", "customers", "fraud score", "a fraud analyst", Pinned: true),
        new("service-assistant", DemoSector.Finance, "Service Assistant", Category.Finance, RiskTier.Limited,
            "Answers customers' questions about accounts, fees and payments in {languages}, and hands over to a human agent on request or when unsure.",
            "customer conversations", "customers", "answer", "a contact-centre agent"),
        new("transaction-monitor", DemoSector.Finance, "Transaction Monitor", Category.Finance, RiskTier.Limited,
            "Detects transaction patterns suggestive of money laundering and ranks the resulting alerts for the compliance team.",
            "transaction histories", "customers", "alert", "a compliance analyst"),
        new("premium-pricing", DemoSector.Finance, "Premium Pricing", Category.Finance, RiskTier.High,
            "Prices life and health insurance premiums from applicants' declared health and lifestyle information.",
            "insurance applications", "applicants", "premium quote", "an underwriter"),
        new("invoice-reader", DemoSector.Finance, "Invoice Reader", Category.Finance, RiskTier.Minimal,
            "Extracts amounts, dates and tax numbers from invoices and receipts for small-business bookkeeping.",
            "invoices and receipts", "small businesses", "extracted entry", "a bookkeeper"),
        new("cashflow-forecast", DemoSector.Finance, "Cash-flow Forecast", Category.Finance, RiskTier.Minimal,
            "Forecasts merchants' cash flow over the next eight weeks from their sales and payment history.",
            "merchant sales histories", "merchants", "forecast", "a relationship manager"),
        new("trust-score", DemoSector.Finance, "Trust Score", Category.EssentialServices, RiskTier.Unacceptable,
            "Rates individuals' general trustworthiness from social-media activity, contacts and location history, for landlords, lenders and employers.",
            "social-media profiles", "individuals", "trust rating", "a client's staff",
            AuthorityNote: "Rejected: rating people's general trustworthiness from their social behaviour for use in unrelated contexts is social scoring, a prohibited practice; it cannot be registered."),

        // ---------- agriculture, environment and infrastructure ----------
        new("yield-forecast", DemoSector.Land, "Yield Forecast", Category.Other, RiskTier.Minimal,
            "Forecasts per-farm yields of {crops} from satellite imagery and weather data, for cooperatives and buyers planning the season.",
            "farm-season records", "farmers", "yield forecast", "a cooperative agronomist"),
        new("leaf-doctor", DemoSector.Land, "Leaf Doctor", Category.Other, RiskTier.Minimal,
            "Identifies common pests and crop diseases from smartphone photos of leaves and suggests treatments approved in {country}.",
            "leaf photographs", "farmers", "diagnosis", "an extension officer"),
        new("irrigation-advisor", DemoSector.Land, "Irrigation Advisor", Category.Other, RiskTier.Minimal,
            "Recommends irrigation schedules from soil-moisture sensors and weather forecasts, to save water and energy.",
            "field sensor readings", "farmers", "irrigation schedule", "the farm manager"),
        new("weather-index-cover", DemoSector.Land, "Weather Index Cover", Category.Finance, RiskTier.Limited,
            "Triggers weather-index crop insurance payouts from satellite rainfall and vegetation indices, without field inspection.",
            "rainfall and vegetation records", "insured farmers", "payout decision", "an insurance officer"),
        new("grid-balancer", DemoSector.Land, "Grid Balancer", Category.CriticalInfrastructure, RiskTier.High,
            "Forecasts electricity demand and renewable output to schedule generation and dispatch on the national transmission grid.",
            "hours of grid operation", "electricity users", "dispatch schedule", "the control-room engineer"),
        new("leak-watch", DemoSector.Land, "Leak Watch", Category.CriticalInfrastructure, RiskTier.Limited,
            "Locates probable leaks in municipal water networks from pressure and flow sensors and suggests where to send repair crews.",
            "pressure and flow readings", "water users", "leak alert", "a network controller"),
        new("herd-monitor", DemoSector.Land, "Herd Monitor", Category.Other, RiskTier.Minimal,
            "Detects early signs of illness in cattle from collar sensors measuring activity, rumination and temperature.",
            "collar-sensor records", "livestock keepers", "health alert", "a veterinarian"),
        new("flood-nowcast", DemoSector.Land, "Flood Nowcast", Category.CriticalInfrastructure, RiskTier.High,
            "Nowcasts river and flash floods from rain gauges, river levels and radar, and drafts warnings for the civil-protection duty officer to issue.",
            "rainfall events", "residents of flood-prone areas", "draft warning", "the civil-protection duty officer"),
        new("market-price-outlook", DemoSector.Land, "Market Price Outlook", Category.Other, RiskTier.Minimal,
            "Forecasts wholesale prices of {crops} for farmer cooperatives planning when to sell.",
            "market price series", "cooperatives", "price outlook", "a cooperative manager"),

        // ---------- public sector ----------
        new("patrol-planner", DemoSector.Public, "Patrol Planner", Category.LawEnforcement, RiskTier.High,
            "Suggests patrol areas and times from recorded crime and calls for service, for shift commanders to accept or change.",
            "patrol shifts", "residents", "patrol suggestion", "the shift commander", Pinned: true),
        new("plate-reader", DemoSector.Public, "Plate Reader", Category.LawEnforcement, RiskTier.High,
            "Reads number plates from roadside cameras and matches them against lists of stolen and wanted vehicles; an officer checks every match before a stop.",
            "plate reads", "drivers", "match", "a police officer", Pinned: true),
        new("evidence-sorter", DemoSector.Public, "Evidence Sorter", Category.LawEnforcement, RiskTier.High,
            "Sorts images and videos from lawfully seized devices into categories, so that investigators review the most relevant material first.",
            "seized images", "people whose devices are examined", "category", "an investigator"),
        new("document-check", DemoSector.Public, "Document Check", Category.MigrationAndBorder, RiskTier.High,
            "Checks passports and visa applications for signs of forgery and inconsistency; flagged cases go to a border officer.",
            "travel documents", "travellers", "forgery flag", "a border officer", Pinned: true),
        new("border-queue-forecast", DemoSector.Public, "Border Queue Forecast", Category.MigrationAndBorder, RiskTier.Minimal,
            "Forecasts waiting times at border crossings and airports so that staff can be rostered. It processes no personal data.",
            "hourly crossing counts", "travellers", "waiting-time forecast", "the duty manager"),
        new("crowd-face-search", DemoSector.Public, "Crowd Face Search", Category.Biometrics, RiskTier.Unacceptable,
            "Identifies people in real time by matching faces in public-space camera feeds against watch lists.",
            "face images", "people in public spaces", "identification", "a police officer",
            AuthorityNote: "Rejected: real-time remote biometric identification in publicly accessible spaces is a prohibited practice outside narrow, separately authorised exceptions; it cannot be registered for general use."),
        new("enrolment-match", DemoSector.Public, "Enrolment Match", Category.Biometrics, RiskTier.High,
            "Matches fingerprints at national identity enrolment to detect duplicate registrations; an operator resolves every suspected duplicate.",
            "fingerprint sets", "people enrolling", "duplicate flag", "an enrolment supervisor"),
        new("court-scheduler", DemoSector.Public, "Court Scheduler", Category.JusticeAndDemocracy, RiskTier.Limited,
            "Proposes hearing schedules to reduce court backlogs; a registrar confirms every schedule.",
            "court cases", "parties to proceedings", "schedule", "a court registrar"),
        new("benefit-screening", DemoSector.Public, "Benefit Screening", Category.EssentialServices, RiskTier.High,
            "Pre-screens applications for social cash transfers and fee waivers, routing clear cases to fast approval and the rest to a caseworker.",
            "benefit applications", "applicants", "screening result", "a caseworker"),
        new("citizen-assistant", DemoSector.Public, "Citizen Assistant", Category.EssentialServices, RiskTier.Limited,
            "Answers questions about public services, documents and fees in {languages} on the government portal.",
            "citizen questions", "citizens", "answer", "a service-desk officer"),
        new("exam-proctor", DemoSector.Public, "Exam Proctor", Category.Education, RiskTier.High,
            "Monitors online examinations through webcam and screen activity and flags sessions for review by an invigilator.",
            "exam sessions", "students", "session flag", "an invigilator"),

        // ---------- media, education, work and general purpose ----------
        new("shift-planner", DemoSector.Media, "Shift Planner", Category.Employment, RiskTier.Minimal,
            "Builds weekly staff rosters for retail and logistics sites from forecast demand and staff availability.",
            "rosters", "staff", "roster", "a site manager",
            Decided: RiskTier.Limited,
            AuthorityNote: "Registered as limited risk rather than the proposed minimal: staff must be told that their rosters are generated automatically and whom to ask for a change."),
        new("job-ad-check", DemoSector.Media, "Job Ad Check", Category.Employment, RiskTier.Minimal,
            "Checks job advertisements for wording that may discourage applicants of a given sex or age, and suggests neutral alternatives.",
            "job advertisements", "job seekers", "wording suggestion", "a recruiter"),
        new("newsroom-translate", DemoSector.Media, "Newsroom Translate", Category.MediaAndInformation, RiskTier.Limited,
            "Translates agency news into {languages} for editors to review before publication; published translations are labelled.",
            "news articles", "readers", "draft translation", "an editor"),
        new("studio-voice", DemoSector.Media, "Studio Voice", Category.MediaAndInformation, RiskTier.Limited,
            "Generates synthetic voice-overs for radio and online advertising from licensed voice actors' recordings; every output is watermarked.",
            "voice-over scripts", "listeners", "voice-over", "a studio producer", Pinned: true),
        new("comment-moderator", DemoSector.Media, "Comment Moderator", Category.MediaAndInformation, RiskTier.Limited,
            "Detects hate speech and harassment in comments on news sites and forums in {languages}; borderline cases go to human moderators.",
            "comments", "commenters", "moderation flag", "a human moderator"),
        new("assistant-model", DemoSector.Media, "Assistant Model", Category.GeneralPurpose, RiskTier.Limited,
            "A general-purpose language model offered through an API for chat, summarisation and drafting in {languages}.",
            "evaluation prompts", "users", "response", "the deploying organisation", Pinned: true),
        new("learning-tutor", DemoSector.Media, "Learning Tutor", Category.Education, RiskTier.Limited,
            "Personalised mathematics and reading exercises for secondary-school students, with progress reports for teachers.",
            "learning sessions", "students", "exercise plan", "a teacher"),
        new("essay-marker", DemoSector.Media, "Essay Marker", Category.Education, RiskTier.Limited,
            "Suggests marks for essays in national examinations to second markers, who see the suggestion only after entering their own mark.",
            "marked essays", "exam candidates", "suggested mark", "a second marker",
            Decided: RiskTier.High,
            AuthorityNote: "Registered as high risk rather than the proposed limited: its output feeds the evaluation of learning outcomes in national examinations."),
        new("call-transcriber", DemoSector.Media, "Call Transcriber", Category.GeneralPurpose, RiskTier.Minimal,
            "Transcribes and summarises customer-service calls for quality assurance.",
            "recorded calls", "callers", "summary", "a quality analyst"),
        new("mood-monitor", DemoSector.Media, "Mood Monitor", Category.Employment, RiskTier.Unacceptable,
            "Infers call-centre agents' emotions from their voice and face during shifts, to score engagement for managers.",
            "agent recordings", "call-centre agents", "engagement score", "a team manager",
            AuthorityNote: "Rejected: inferring employees' emotions in the workplace is a prohibited practice; it cannot be registered."),
        new("mail-guard", DemoSector.Media, "Mail Guard", Category.Other, RiskTier.Minimal,
            "Filters spam and phishing e-mails for small businesses.",
            "e-mails", "mailbox users", "spam verdict", "the mailbox user"),
        new("listening-recommender", DemoSector.Media, "Listening Recommender", Category.MediaAndInformation, RiskTier.Minimal,
            "Recommends songs and podcasts to listeners of a streaming service from their listening history.",
            "listening sessions", "listeners", "recommendation", "the editorial team"),
    ];

    /// <summary>Registered on every national demo node: the outcome per node differs, for the product lookup.</summary>
    public static IReadOnlyList<DemoSharedProduct> SharedProducts { get; } =
    [
        new("KE",
            new("retina-screen", DemoSector.Health, "Retina Screen", Category.Health, RiskTier.High,
                "Grades diabetic retinopathy from fundus photographs taken with portable cameras in primary-care clinics in {country}, and refers people with referable disease to an eye specialist.",
                "graded fundus photographs", "people with diabetes", "referral grade", "an ophthalmic clinical officer"),
            new Dictionary<string, DemoOutcome>
            {
                ["KE"] = new(SystemStatus.Registered, "Conformity evidence and oversight measures reviewed; registered as high risk."),
                ["FR"] = new(SystemStatus.UnderReview),
                ["BR"] = new(SystemStatus.Rejected,
                    "Rejected: the validation data come only from East African clinics; a study on the Brazilian population and on the cameras used in Brazil is required."),
            }),
        new("FR",
            new("affordability-check", DemoSector.Finance, "Affordability Check", Category.Finance, RiskTier.High,
                "Assesses whether applicants can afford instalment and buy-now-pay-later purchases at online checkouts in {country}, from declared income and, with consent, bank transaction data.",
                "instalment applications", "applicants", "affordability decision", "a credit analyst"),
            new Dictionary<string, DemoOutcome>
            {
                ["KE"] = new(SystemStatus.UnderReview),
                ["FR"] = new(SystemStatus.Registered, "Registered as high risk: creditworthiness assessment of natural persons."),
                ["BR"] = new(SystemStatus.Suspended,
                    "Suspended after the incident on applicants with informal income; reinstatement requires a corrected model and a new bias evaluation."),
            }),
        new("BR",
            new("talent-match", DemoSector.Media, "TalentMatch", Category.Employment, RiskTier.High,
                "Ranks job applicants' CVs against a vacancy's requirements and proposes a shortlist to recruiters in {country}, who can see every application.",
                "past applications", "job applicants", "shortlist ranking", "a recruiter"),
            new Dictionary<string, DemoOutcome>
            {
                ["KE"] = new(SystemStatus.Suspended,
                    "Suspended pending the investigation of a reported ranking disparity between graduates of different universities."),
                ["FR"] = new(SystemStatus.Rejected,
                    "Rejected: the bias evaluation does not test for indirect discrimination through place of study or postcode."),
                ["BR"] = new(SystemStatus.Registered, "Registered as high risk: recruitment and selection of natural persons."),
            }),
        new("BR",
            new("voice-agent", DemoSector.Media, "Voz", Category.Other, RiskTier.Limited,
                "A customer-service voice agent that answers and places calls for businesses in {country}; callers are told at the start that they are speaking to an AI system.",
                "recorded calls", "callers", "spoken answer", "a human agent on call"),
            new Dictionary<string, DemoOutcome>
            {
                ["KE"] = new(SystemStatus.Registered, "Transparency notice to callers verified; registered as limited risk."),
                ["FR"] = new(SystemStatus.Registered, "Transparency notice to callers verified; registered as limited risk."),
                ["BR"] = new(SystemStatus.Registered, "Transparency notice to callers verified; registered as limited risk."),
            }),
    ];

    /// <summary>
    /// Incident templates. Placeholders: {country}, {region}, {regions}, {languages}, {city}, {other} (the first other
    /// affected country), {otherAdjective}, {others} (every other affected country).
    /// </summary>
    public static IReadOnlyList<DemoIncident> Incidents { get; } =
    [
        // ---------- involving the shared products, each reported by one node ----------
        new("talent-match", "Graduates of regional universities ranked systematically lower",
            "Recruiters at a bank in {city} noticed that shortlists left out graduates of two regional universities. The provider found that the ranking " +
            "had learned place of study as a proxy from past hiring decisions. The same model version is in use in {others}.",
            Severity.Serious, [HarmType.DiscriminationAndBias, HarmType.Economic], SuspectedCause.ModelFailure,
            ["job applicants from regional universities"], DemoSpread.AllPeers, Reporter: "A recruiting employer, human resources department", ReportedOn: "KE"),
        new("voice-agent", "Voice agent configured to impersonate a bank",
            "A fraudulent operator set up the agent with a bank's name and script and called customers asking for one-time passcodes. " +
            "Calls were also placed to numbers in {others} before the provider closed the account.",
            Severity.Serious, [HarmType.Economic, HarmType.DisinformationAndManipulation], SuspectedCause.Misuse,
            ["bank customers"], DemoSpread.AllPeers, ReportedOn: "KE"),
        new("retina-screen", "Referable retinopathy missed on images from a new camera model",
            "In the pilot in two hospitals in {city}, the screen graded 12 of 140 referable cases as non-referable on images from a camera model that was " +
            "absent from its training data. The provider reports that the same camera is being introduced in {others}.",
            Severity.Serious, [HarmType.HealthAndSafety], SuspectedCause.ModelFailure,
            ["people with diabetes"], DemoSpread.AllPeers, Reporter: "Hospital pilot coordinator, ophthalmology department", ReportedOn: "FR"),
        new("affordability-check", "Applicants with informal income declined",
            "The check declined 38% of applicants whose income is paid in cash or by transfers from many payers, treating it as unstable. " +
            "Complaints reached the consumer protection agency; the same model serves merchants in {others}.",
            Severity.Serious, [HarmType.Economic, HarmType.DiscriminationAndBias], SuspectedCause.ModelFailure,
            ["informal workers", "self-employed applicants"], DemoSpread.AllPeers, Reporter: "Consumer protection agency", ReportedOn: "BR"),

        // ---------- crossing into other demo jurisdictions ----------
        new("fraud-shield", "Remittances from {other} held as suspected fraud",
            "For four days incoming transfers from {other} were held for customer checks at ten times the usual rate, after the sending bank changed " +
            "its currency-conversion messages. Families waited up to 72 hours for their money.",
            Severity.Serious, [HarmType.Economic], SuspectedCause.ModelFailure,
            ["remittance recipients", "senders living in {other}"], DemoSpread.Peer),
        new("document-check", "Genuine {otherAdjective} passports flagged as forged",
            "After an update of the security-feature library, genuine passports of the latest {otherAdjective} series were flagged as forged at the main " +
            "international airport. 46 travellers were held for secondary checks and several missed connecting flights.",
            Severity.Serious, [HarmType.FundamentalRights, HarmType.DiscriminationAndBias], SuspectedCause.ModelFailure,
            ["travellers holding {otherAdjective} passports"], DemoSpread.Peer, Reporter: "Border police, airport command"),
        new("assistant-model", "Assistant gave outdated voter registration deadlines",
            "Asked about voter registration, the model gave the previous cycle's deadlines in {languages} and for {other}. " +
            "A fact-checking organisation reproduced the error in both countries before the provider added official sources.",
            Severity.Serious, [HarmType.DisinformationAndManipulation, HarmType.FundamentalRights], SuspectedCause.ModelFailure,
            ["voters"], DemoSpread.Peer, Widespread: true, Reporter: "An independent fact-checking organisation"),
        new("studio-voice", "Synthetic voice used to impersonate a minister",
            "An advertising account was used to produce an audio clip imitating a minister announcing a tax refund, with a link to a fraudulent site. " +
            "The clip circulated in {country} and {other}; its watermark traced it to the account within a day.",
            Severity.Critical, [HarmType.DisinformationAndManipulation, HarmType.Economic], SuspectedCause.Misuse,
            ["the public", "people targeted by the scam"], DemoSpread.Peer),

        // ---------- crossing into neighbouring countries ----------
        new("grid-balancer", "Demand under-forecast during a heatwave led to load shedding",
            "The forecast missed peak demand by 9% on the hottest day of the year. Operators shed load in three {regions} for up to two hours " +
            "and cut exports on the interconnector to {other}.",
            Severity.Critical, [HarmType.CriticalInfrastructure, HarmType.Economic], SuspectedCause.ModelFailure,
            ["households and businesses in three {regions}"], DemoSpread.Neighbour, Reporter: "Transmission system operator, control room"),
        new("flood-nowcast", "Flash-flood warning issued six hours late",
            "Rain-gauge data from the upper catchment stopped arriving and the nowcast fell back to radar alone, under-estimating rainfall. " +
            "The warning reached communities downstream, including across the border in {other}, after the river had risen.",
            Severity.Serious, [HarmType.HealthAndSafety, HarmType.CriticalInfrastructure], SuspectedCause.ModelFailure,
            ["riverside communities"], DemoSpread.Neighbour, Reporter: "Civil protection, {city}"),

        // ---------- local ----------
        new("triage-assist", "Chest pain under-prioritised for older patients",
            "Two patients over 75 presenting with chest pain at a hospital in {city} were given the fourth urgency level; triage nurses overrode both " +
            "within ten minutes. The provider traced it to lower sensitivity for atypical presentations after the last retraining.",
            Severity.Serious, [HarmType.HealthAndSafety, HarmType.DiscriminationAndBias], SuspectedCause.ModelFailure, ["patients over 75"]),
        new("symptom-checker", "Symptom checker advised home care for signs of meningitis",
            "A parent described fever, neck stiffness and a rash in a six-year-old; the checker suggested rest and fluids. " +
            "A relative took the child to hospital the same evening, and the child recovered.",
            Severity.Serious, [HarmType.HealthAndSafety], SuspectedCause.ModelFailure, ["children", "parents using the chat service"]),
        new("maternal-risk", "Pre-eclampsia risk not flagged before a maternal death",
            "A mother whose blood pressure rose over three antenatal visits was scored low risk because one reading had been entered in the wrong field. " +
            "She died of eclampsia at 36 weeks. The system did not check entries for plausibility.",
            Severity.Critical, [HarmType.HealthAndSafety], SuspectedCause.GovernanceOrOversightFailure, ["pregnant women"],
            Death: true, Reporter: "Health department, {city}"),
        new("blood-smear-reader", "Low-density infections missed after a change of stain",
            "After the laboratory changed stain supplier, the reader missed parasites on slides with low parasite density; a proficiency panel " +
            "found 14 false negatives in 200 slides.",
            Severity.Serious, [HarmType.HealthAndSafety], SuspectedCause.ModelFailure, ["laboratory patients"]),
        new("clinical-scribe", "Dosage units swapped in drafted clinical notes",
            "Drafted notes recorded milligrams as micrograms in nine consultations over two weeks. Clinicians corrected seven before signing; " +
            "pharmacists caught the other two.",
            Severity.Moderate, [HarmType.HealthAndSafety], SuspectedCause.ModelFailure, ["outpatients"]),
        new("credit-score", "Applicants over 60 scored lower after retraining",
            "A monthly audit found that approval rates for applicants over 60 fell by 11 points after the model was retrained on data that left out pension income.",
            Severity.Serious, [HarmType.DiscriminationAndBias, HarmType.Economic], SuspectedCause.GovernanceOrOversightFailure, ["applicants over 60"]),
        new("service-assistant", "Assistant disclosed another customer's balance",
            "A session-handling defect let the assistant answer with the previous caller's account balance in 31 conversations before it was switched off.",
            Severity.Serious, [HarmType.PrivacyAndData], SuspectedCause.ModelFailure, ["customers"]),
        new("transaction-monitor", "Threshold change hid a structuring pattern",
            "A threshold change meant to reduce false alerts suppressed alerts on repeated deposits just below the reporting limit; " +
            "a manual review found the pattern three weeks later.",
            Severity.Moderate, [HarmType.Economic], SuspectedCause.GovernanceOrOversightFailure, []),
        new("weather-index-cover", "Drought payouts not triggered under persistent cloud cover",
            "Vegetation indices were missing for six weeks because of cloud. The trigger treated missing data as normal conditions, and 2,300 insured " +
            "farmers received no payout.",
            Severity.Moderate, [HarmType.Economic], SuspectedCause.ModelFailure, ["smallholder farmers"]),
        new("leaf-doctor", "Treatment advice named a withdrawn pesticide",
            "The app recommended a pesticide whose authorisation was withdrawn last year; the provider's list of approved products had not been updated.",
            Severity.Minor, [HarmType.Environment, HarmType.HealthAndSafety], SuspectedCause.GovernanceOrOversightFailure, ["farmers"]),
        new("herd-monitor", "Collar marketed as detecting a disease it was not validated for",
            "Sales material claimed early detection of a notifiable cattle disease; the validation covered only lameness and mastitis.",
            Severity.Minor, [HarmType.Economic], SuspectedCause.Misrepresentation, ["livestock keepers"], Reporter: "A livestock keepers' association"),
        new("patrol-planner", "Patrols concentrated on informal settlements",
            "An audit found that 64% of suggested patrol hours went to two informal settlements whose recorded crime reflects past patrol intensity " +
            "rather than calls for service.",
            Severity.Serious, [HarmType.FundamentalRights, HarmType.DiscriminationAndBias], SuspectedCause.GovernanceOrOversightFailure,
            ["residents of informal settlements"], Reporter: "Independent police oversight body"),
        new("plate-reader", "Misread plates led to wrongful vehicle stops",
            "Dirty and non-standard plates were misread as matches for stolen vehicles; 17 drivers were stopped in one month and three were held for over an hour.",
            Severity.Moderate, [HarmType.FundamentalRights], SuspectedCause.ModelFailure, ["drivers"]),
        new("enrolment-match", "Manual workers unable to complete identity enrolment",
            "Worn fingerprints of older manual workers produced false duplicate matches and blocked 1,200 enrolments until a manual exception route opened.",
            Severity.Moderate, [HarmType.FundamentalRights, HarmType.DiscriminationAndBias], SuspectedCause.ModelFailure, ["older manual workers"]),
        new("benefit-screening", "Eligible households screened out after an address format change",
            "A new address format in the civil registry made the screening treat 8,400 households as incomplete; their applications were closed without review.",
            Severity.Serious, [HarmType.FundamentalRights, HarmType.Economic], SuspectedCause.GovernanceOrOversightFailure, ["low-income households"],
            Widespread: true, ReportedLate: true, Reporter: "Office of the Ombudsman"),
        new("exam-proctor", "Students with darker skin flagged as absent",
            "Face detection failed more often in poor lighting for students with darker skin and flagged them as absent from their screens; 120 sessions were wrongly escalated.",
            Severity.Serious, [HarmType.DiscriminationAndBias], SuspectedCause.ModelFailure, ["students"], Reporter: "University examinations office, {city}"),
        new("comment-moderator", "Incitement in local slang not flagged before unrest",
            "Posts inciting violence against a community in one {region} were not flagged for four days; the classifier had little training data for local slang.",
            Severity.Serious, [HarmType.FundamentalRights, HarmType.DisinformationAndManipulation], SuspectedCause.ModelFailure, ["a local community"]),
        new("essay-marker", "Essays using regional expressions marked down",
            "Second markers found suggested marks consistently lower for essays using regional vocabulary. Final marks were not affected, since markers grade before seeing the suggestion.",
            Severity.Minor, [HarmType.DiscriminationAndBias], SuspectedCause.ModelFailure, ["exam candidates from rural {regions}"]),
        new("shift-planner", "Rosters breached minimum rest periods",
            "Rosters generated during the holiday peak left less than eleven hours between shifts for 60 staff; the rest-period constraint had been switched off in a configuration change.",
            Severity.Minor, [HarmType.Economic], SuspectedCause.GovernanceOrOversightFailure, ["retail staff"], Reporter: "Staff union representative"),
        new("call-transcriber", "Card numbers kept in call summaries",
            "Summaries of customer calls kept full card numbers read out by callers; redaction had been applied to transcripts but not to summaries.",
            Severity.Moderate, [HarmType.PrivacyAndData], SuspectedCause.GovernanceOrOversightFailure, ["callers"]),
        new("learning-tutor", "Voice recordings of minors kept beyond consent",
            "Reading exercises stored students' voice recordings to improve the model, although schools had consented only to live scoring.",
            Severity.Moderate, [HarmType.PrivacyAndData], SuspectedCause.GovernanceOrOversightFailure, ["secondary-school students"]),
        new("leak-watch", "False leak alerts led to unnecessary supply cuts",
            "Calibration drift in pressure sensors produced leak alerts that led crews to shut off supply to four neighbourhoods in {city} for several hours.",
            Severity.Minor, [HarmType.CriticalInfrastructure], SuspectedCause.ModelFailure, ["residents"]),
    ];

    /// <summary>The demo country with this node code.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No demo data exist for the code.</exception>
    public static DemoCountry Country(string code) =>
        TryCountry(code) ?? throw new ArgumentOutOfRangeException(nameof(code), code,
            $"There is no demo data for the node {code}; the demo seeds {string.Join(", ", Countries.Select(c => c.Code))}.");

    public static DemoCountry? TryCountry(string code) => Countries.SingleOrDefault(c => c.Code == code);
}
