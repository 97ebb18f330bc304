using System.Diagnostics;
using FederatedRegistry.Domain;
using FederatedRegistry.Storage;
using FederatedRegistry.Testing;
using Npgsql;
using NpgsqlTypes;

namespace FederatedRegistry.Bench;

/// <summary>A PostgreSQL database with the node's schema whose read model was filled in SQL, and how long that took.</summary>
/// <param name="Seed">Binary COPY of the rows, then the counts and the count sequence.</param>
/// <param name="Vacuum">VACUUM ANALYZE of the two tables afterwards, as a long-lived registry would have been.</param>
public sealed record SeededDatabase(string ConnectionString, int Systems, int Incidents, TimeSpan Seed, TimeSpan Vacuum);

/// <summary>
/// Fills a node's read model directly in SQL — NOT through the API, and not a bulk path of the node: rows in
/// <c>registry_systems</c> and <c>registry_incidents</c> only (no grain state, no audit entries), then
/// <c>registry_counts</c> set to exactly what the rows imply (one GROUP BY per count bucket the node keeps, see
/// CountBuckets) and the count sequence to one change per row. Values are the domain's own (enum snake_case names,
/// registration ids from <see cref="Identifiers.SystemId"/>), drawn with a fixed seed so both databases, and every
/// run, hold the same mix.
/// </summary>
public static class RegistrySeed
{
    public const string NodeCode = "KE";

    // Registrations per provider: a national registry has many providers with a handful of systems each.
    private const int SystemsPerProvider = 20;

    private static readonly DateTime Epoch = new(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly int SpanDays = (new DateTime(2025, 12, 31, 0, 0, 0, DateTimeKind.Utc) - Epoch).Days;

    public static async Task<SeededDatabase> CreateAsync(string prefix, int systems, int incidents, CancellationToken ct)
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync(prefix);
        try
        {
            // The migrator the node runs at every start (SchemaMigrationService): the tables are the node's own.
            await SchemaMigrator.ApplyAsync(StorageProvider.Postgres, connectionString, ct);
            await using var data = NpgsqlDataSource.Create(connectionString);
            var clock = Stopwatch.StartNew();
            await CopySystemsAsync(data, systems, ct);
            await CopyIncidentsAsync(data, incidents, systems, ct);
            await SetCountsAsync(data, ct);
            var seed = clock.Elapsed;
            clock.Restart();
            await ExecuteAsync(data, "VACUUM ANALYZE registry_systems", ct);
            await ExecuteAsync(data, "VACUUM ANALYZE registry_incidents", ct);
            return new SeededDatabase(connectionString, systems, incidents, seed, clock.Elapsed);
        }
        catch
        {
            await PostgresServer.DropDatabaseAsync(connectionString);
            throw;
        }
    }

    /// <summary>The product id of seeded registration <paramref name="index"/>; its registration id is <see cref="Identifiers.SystemId"/> of it.</summary>
    public static string ProductId(int index, int systems) =>
        $"vendor-{index % ProviderCount(systems)}.example/ai-system-{index}";

    private static int ProviderCount(int systems) => Math.Max(1, systems / SystemsPerProvider);

    private static async Task CopySystemsAsync(NpgsqlDataSource data, int systems, CancellationToken ct)
    {
        var random = new Random(3);
        await using var connection = await data.OpenConnectionAsync(ct);
        await using var copy = await connection.BeginBinaryImportAsync(
            """
            COPY registry_systems (id, product_id, provider_id, name, version, intended_purpose, category, status,
                proposed_risk_tier, decided_risk_tier, risk_tier, markets, deployment_status, state_version, created_at,
                updated_at, name_folded, purpose_folded) FROM STDIN (FORMAT BINARY)
            """, ct);
        // Synchronous writes into the importer's buffer: an await per field cost more CPU than the database's work.
        for (var i = 0; i < systems; i++)
        {
            var productId = ProductId(i, systems);
            var status = SeedValues.Pick(random, SeedValues.Statuses);
            var category = SeedValues.Pick(random, SeedValues.Categories);
            // A draft may leave the tier open; anything submitted must propose one (SystemRules).
            RiskTier? proposed = status == SystemStatus.Draft && random.Next(10) < 3 ? null : SeedValues.Pick(random, SeedValues.Tiers);
            var decided = Decided(random, status, proposed);
            var name = SeedValues.Name(random);
            var purpose = SeedValues.Purpose(random, category);
            var created = Epoch.AddMinutes(random.NextDouble() * SpanDays * 24 * 60);
            var updated = created.AddDays(random.NextDouble() * 180);

            copy.StartRow();
            copy.Write(Identifiers.SystemId(NodeCode, productId), NpgsqlDbType.Text);
            copy.Write(productId, NpgsqlDbType.Text);
            copy.Write($"{NodeCode}-PRV-vendor-{i % ProviderCount(systems)}", NpgsqlDbType.Text);
            copy.Write(name, NpgsqlDbType.Text);
            copy.Write($"{random.Next(5)}.{random.Next(10)}.{random.Next(20)}", NpgsqlDbType.Text);
            copy.Write(purpose, NpgsqlDbType.Text);
            copy.Write(EnumNames.ToSnake(category), NpgsqlDbType.Text);
            copy.Write(EnumNames.ToSnake(status), NpgsqlDbType.Text);
            WriteNullable(copy, proposed is { } p ? EnumNames.ToSnake(p) : null);
            WriteNullable(copy, decided is { } d ? EnumNames.ToSnake(d) : null);
            // What SystemRow.EffectiveRiskTier gives, as the node's upsert writes it.
            copy.Write(decided is { } e ? EnumNames.ToSnake(e) : proposed is { } q ? EnumNames.ToSnake(q) : RegistryIndex.UnspecifiedRiskTier, NpgsqlDbType.Text);
            copy.Write(SeedValues.Pick(random, SeedValues.Markets), NpgsqlDbType.Array | NpgsqlDbType.Text);
            var deployment = SeedValues.Pick(random, SeedValues.Deployments);
            copy.Write(deployment is { } ds ? EnumNames.ToSnake(ds) : RegistryIndex.Unspecified, NpgsqlDbType.Text);
            copy.Write(status == SystemStatus.Draft ? 1 : random.Next(2, 7), NpgsqlDbType.Integer);
            copy.Write(created, NpgsqlDbType.TimestampTz);
            copy.Write(updated, NpgsqlDbType.TimestampTz);
            // Folded as the node folds them (SqlRegistryIndex.Fold): lower case, invariant culture.
            copy.Write(name.ToLowerInvariant(), NpgsqlDbType.Text);
            copy.Write(purpose.ToLowerInvariant(), NpgsqlDbType.Text);
        }
        await copy.CompleteAsync(ct);
    }

    private static RiskTier? Decided(Random random, SystemStatus status, RiskTier? proposed)
    {
        var decidedBefore = status is SystemStatus.Registered or SystemStatus.Suspended || (status == SystemStatus.Withdrawn && random.Next(2) == 0);
        if (!decidedBefore)
        {
            return null;
        }
        // Mostly the authority confirms the proposed tier; an unacceptable system is never registered as such.
        return random.Next(100) < 85 && proposed is { } p && p != RiskTier.Unacceptable
            ? p
            : SeedValues.Pick(random, [(RiskTier.High, 40), (RiskTier.Limited, 35), (RiskTier.Minimal, 25)]);
    }

    private static async Task CopyIncidentsAsync(NpgsqlDataSource data, int incidents, int systems, CancellationToken ct)
    {
        var random = new Random(5);
        await using var connection = await data.OpenConnectionAsync(ct);
        await using var copy = await connection.BeginBinaryImportAsync(
            """
            COPY registry_incidents (id, system_id, product_id, title, severity, harm_types, status, affected_jurisdictions,
                occurred_at, aware_at, reported_at, reporting_deadline, state_version, updated_at, suspected_cause, cross_border)
            FROM STDIN (FORMAT BINARY)
            """, ct);
        for (var i = 0; i < incidents; i++)
        {
            var productId = ProductId(random.Next(systems), systems);
            var severity = SeedValues.Pick(random, SeedValues.Severities);
            var harms = SeedValues.Harms(random);
            var status = SeedValues.Pick(random, SeedValues.IncidentStatuses);
            var jurisdictions = SeedValues.Pick(random, SeedValues.Jurisdictions);
            var occurred = Epoch.AddMinutes(random.NextDouble() * SpanDays * 24 * 60);
            var aware = occurred.AddHours(random.NextDouble() * 72);
            var reported = aware.AddHours(1 + random.NextDouble() * 200);

            copy.StartRow();
            copy.Write(Identifiers.IncidentIdForRequest(NodeCode, "bench-seed", $"seed-incident-{i:D8}"), NpgsqlDbType.Text);
            copy.Write(Identifiers.SystemId(NodeCode, productId), NpgsqlDbType.Text);
            copy.Write(productId, NpgsqlDbType.Text);
            copy.Write(SeedValues.IncidentTitles[random.Next(SeedValues.IncidentTitles.Length)], NpgsqlDbType.Text);
            copy.Write(EnumNames.ToSnake(severity), NpgsqlDbType.Text);
            copy.Write(harms, NpgsqlDbType.Array | NpgsqlDbType.Text);
            copy.Write(EnumNames.ToSnake(status), NpgsqlDbType.Text);
            copy.Write(jurisdictions, NpgsqlDbType.Array | NpgsqlDbType.Text);
            copy.Write(occurred, NpgsqlDbType.TimestampTz);
            copy.Write(aware, NpgsqlDbType.TimestampTz);
            copy.Write(reported, NpgsqlDbType.TimestampTz);
            if (severity is Severity.Critical or Severity.Serious)
            {
                copy.Write(aware.AddDays(15), NpgsqlDbType.TimestampTz);
            }
            else
            {
                copy.WriteNull();
            }
            copy.Write((int)status, NpgsqlDbType.Integer);
            copy.Write(reported.AddDays(random.NextDouble() * 30), NpgsqlDbType.TimestampTz);
            var cause = SeedValues.Pick(random, SeedValues.Causes);
            copy.Write(cause is { } c ? EnumNames.ToSnake(c) : RegistryIndex.Unspecified, NpgsqlDbType.Text);
            copy.Write(jurisdictions.Length > 1, NpgsqlDbType.Boolean);
        }
        await copy.CompleteAsync(ct);
    }

    // The buckets CountBuckets.Of gives a row, counted over all rows: systems by status, effective risk tier and
    // category; incidents by status, severity, each distinct harm type, and UTC month of occurrence.
    private static Task SetCountsAsync(NpgsqlDataSource data, CancellationToken ct) => ExecuteAsync(data,
        $"""
        BEGIN;
        DELETE FROM registry_counts;
        INSERT INTO registry_counts (dataset, dimension, value, count)
        SELECT '{RegistryIndex.SystemsDataset}', '{CountDimensions.Status}', status, count(*) FROM registry_systems GROUP BY status
        UNION ALL
        SELECT '{RegistryIndex.SystemsDataset}', '{CountDimensions.RiskTier}', risk_tier, count(*) FROM registry_systems GROUP BY risk_tier
        UNION ALL
        SELECT '{RegistryIndex.SystemsDataset}', '{CountDimensions.Category}', category, count(*) FROM registry_systems GROUP BY category
        UNION ALL
        SELECT '{RegistryIndex.IncidentsDataset}', '{CountDimensions.Status}', status, count(*) FROM registry_incidents GROUP BY status
        UNION ALL
        SELECT '{RegistryIndex.IncidentsDataset}', '{CountDimensions.Severity}', severity, count(*) FROM registry_incidents GROUP BY severity
        UNION ALL
        SELECT '{RegistryIndex.IncidentsDataset}', '{CountDimensions.HarmType}', h.value, count(*)
        FROM registry_incidents r CROSS JOIN LATERAL (SELECT DISTINCT unnest(r.harm_types) AS value) h GROUP BY h.value
        UNION ALL
        SELECT '{RegistryIndex.IncidentsDataset}', '{CountDimensions.Month}', to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM'), count(*)
        FROM registry_incidents GROUP BY 3;
        -- One count change per row, as if each had been upserted once.
        UPDATE registry_count_sequence
        SET value = (SELECT count(*) FROM registry_systems) + (SELECT count(*) FROM registry_incidents) WHERE id = 1;
        COMMIT;
        """, ct);

    private static async Task ExecuteAsync(NpgsqlDataSource data, string sql, CancellationToken ct)
    {
        await using var command = data.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(ct);
    }

    private static void WriteNullable(NpgsqlBinaryImporter copy, string? value)
    {
        if (value is null)
        {
            copy.WriteNull();
        }
        else
        {
            copy.Write(value, NpgsqlDbType.Text);
        }
    }
}

/// <summary>
/// The mix of values seeded and imported: weights per mille-ish, chosen to look like a national register a few years
/// in (most registrations registered, health and finance the largest categories, few unacceptable-risk proposals).
/// </summary>
public static class SeedValues
{
    public static readonly (SystemStatus, int)[] Statuses =
    [
        (SystemStatus.Draft, 12), (SystemStatus.Submitted, 10), (SystemStatus.UnderReview, 10), (SystemStatus.Registered, 55),
        (SystemStatus.Rejected, 5), (SystemStatus.Suspended, 3), (SystemStatus.Withdrawn, 5),
    ];

    public static readonly (Category, int)[] Categories =
    [
        (Category.Biometrics, 4), (Category.CriticalInfrastructure, 6), (Category.Education, 9), (Category.Employment, 10),
        (Category.EssentialServices, 8), (Category.LawEnforcement, 4), (Category.MigrationAndBorder, 2),
        (Category.JusticeAndDemocracy, 3), (Category.Health, 16), (Category.Finance, 15), (Category.MediaAndInformation, 7),
        (Category.GeneralPurpose, 10), (Category.Other, 6),
    ];

    public static readonly (RiskTier, int)[] Tiers = [(RiskTier.Unacceptable, 2), (RiskTier.High, 30), (RiskTier.Limited, 35), (RiskTier.Minimal, 33)];

    public static readonly (DeploymentStatus?, int)[] Deployments =
        [(DeploymentStatus.Planned, 15), (DeploymentStatus.Pilot, 20), (DeploymentStatus.InUse, 50), (DeploymentStatus.Retired, 5), (null, 10)];

    public static readonly (string[], int)[] Markets = [(["KE"], 60), (["KE", "TZ", "UG"], 25), (["KE", "RW"], 10), (["KE", "TZ", "UG", "RW", "ET"], 5)];

    public static readonly (Severity, int)[] Severities = [(Severity.Critical, 5), (Severity.Serious, 20), (Severity.Moderate, 45), (Severity.Minor, 30)];

    public static readonly (IncidentStatus, int)[] IncidentStatuses =
        [(IncidentStatus.Reported, 20), (IncidentStatus.Triaged, 15), (IncidentStatus.Investigating, 20), (IncidentStatus.Mitigated, 20), (IncidentStatus.Closed, 25)];

    public static readonly (SuspectedCause?, int)[] Causes =
    [
        (SuspectedCause.ModelFailure, 35), (SuspectedCause.Misuse, 15), (SuspectedCause.GovernanceOrOversightFailure, 15),
        (SuspectedCause.Misrepresentation, 5), (null, 30),
    ];

    public static readonly (string[], int)[] Jurisdictions = [(["KE"], 80), (["KE", "TZ"], 15), (["KE", "UG", "TZ"], 5)];

    public static readonly string[] IncidentTitles =
    [
        "Triage suggestions skewed for older patients", "Loan refusals without a stated reason", "Face match on the wrong person",
        "Grid load forecast missed a peak", "Exam proctoring flagged students with disabilities", "Shortlist excluded a county",
        "Chat assistant gave wrong benefit rules", "Document summary dropped a key clause", "Route planner closed a clinic road",
        "Voice check locked out customers",
    ];

    // Name = brand + product: 40 x 24 = 960 names, so one full name is shared by about 0.1% of registrations and one
    // product word by about 4%; the text searches of figure 3 rely on these shares.
    public static readonly string[] Brands =
    [
        "Acacia", "Baobab", "Cedar", "Delta", "Ember", "Falcon", "Granite", "Harbor", "Indigo", "Jasper", "Kestrel", "Lumen",
        "Meridian", "Nimbus", "Onyx", "Pioneer", "Quartz", "Rift", "Savanna", "Tana", "Umoja", "Vega", "Willow", "Xeno",
        "Yarrow", "Zenith", "Atlas", "Beacon", "Cobalt", "Dune", "Echo", "Fable", "Glade", "Horizon", "Iris", "Juniper",
        "Kilima", "Lagoon", "Mosaic", "Nile",
    ];

    public static readonly string[] Products =
    [
        "TriageAssist", "CreditLens", "FaceMatch", "GridSense", "TutorBot", "HireRank", "ClaimCheck", "PatrolMap", "BorderScan",
        "CaseBrief", "ScanRead", "FraudGuard", "NewsRank", "ChatAssist", "RouteWise", "LoanScore", "ExamProctor", "ShiftPlan",
        "BenefitCheck", "VoiceID", "WaterWatch", "DocSummarise", "RiskRadar", "CropSense",
    ];

    private static readonly Dictionary<Category, string> Purposes = new()
    {
        [Category.Biometrics] = "Verifies a person's identity from a face image against the photograph on record",
        [Category.CriticalInfrastructure] = "Forecasts load on the electricity grid and proposes dispatch schedules to operators",
        [Category.Education] = "Recommends exercises to learners from their answers and flags those falling behind",
        [Category.Employment] = "Ranks job applications against the published requirements for a recruiter to review",
        [Category.EssentialServices] = "Checks applications for public benefits and suggests which need a caseworker's review",
        [Category.LawEnforcement] = "Maps reported incidents to suggest where patrols are needed",
        [Category.MigrationAndBorder] = "Matches travel documents against watch lists at border crossings",
        [Category.JusticeAndDemocracy] = "Summarises case files for court clerks preparing hearings",
        [Category.Health] = "Suggests an urgency level for patients arriving at emergency departments, for review by a triage nurse",
        [Category.Finance] = "Scores loan applications for credit risk and explains the factors behind each score",
        [Category.MediaAndInformation] = "Ranks news items for a reader's feed and labels sponsored content",
        [Category.GeneralPurpose] = "Answers questions and drafts text for staff in government offices",
        [Category.Other] = "Estimates crop yields from satellite images for agricultural extension officers",
    };

    private static readonly string[] Settings =
    [
        "in county hospitals", "in Nairobi and Mombasa", "across all counties", "in a pilot with two ministries",
        "for small and medium enterprises", "in secondary schools", "at regional offices",
    ];

    public static T Pick<T>(Random random, (T Value, int Weight)[] weighted)
    {
        var draw = random.Next(weighted.Sum(w => w.Weight));
        foreach (var (value, weight) in weighted)
        {
            if (draw < weight)
            {
                return value;
            }
            draw -= weight;
        }
        return weighted[^1].Value;
    }

    public static string Name(Random random) => $"{Brands[random.Next(Brands.Length)]} {Products[random.Next(Products.Length)]}";

    public static string Purpose(Random random, Category category) => $"{Purposes[category]}, {Settings[random.Next(Settings.Length)]}.";

    public static string[] Harms(Random random)
    {
        var all = Enum.GetValues<HarmType>();
        var first = all[random.Next(all.Length)];
        var harms = random.Next(3) == 0 ? new[] { first, all[random.Next(all.Length)] }.Distinct() : [first];
        return [.. harms.Select(h => EnumNames.ToSnake(h))];
    }
}
