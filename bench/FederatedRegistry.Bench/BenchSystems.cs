using FederatedRegistry.Contracts.V1;

namespace FederatedRegistry.Bench;

/// <summary>
/// The registrations the write and read figures work on: one provider, one realistic registration per key, and the
/// key each writer visits next.
/// </summary>
public static class BenchSystems
{
    // Each writer cycles over keys of its own, so no two writers contend for one row (or one grain) and every
    // update carries the version it last saw, as a well-behaved client does.
    public const int KeysPerWriter = 16;

    // Worker w owns keys w, w + n, w + 2n, ... (n writers), visited in turn; the cursor is the worker's alone.
    private static readonly int[] Cursors = new int[1024];

    /// <summary>A registration's id and the version its writer last saw.</summary>
    public sealed class Key(string id, int version)
    {
        public string Id { get; } = id;

        public int Version { get; set; } = version;
    }

    public static int NextKey(int worker, int keyCount)
    {
        var writers = keyCount / KeysPerWriter;
        var turn = Cursors[worker]++ % KeysPerWriter;
        return worker + turn * writers;
    }

    /// <summary>Registers <paramref name="count"/> drafts of one new provider through the node's API.</summary>
    public static async Task<Key[]> RegisterAsync(InProcessBenchNode node, int count, CancellationToken ct)
    {
        var register = await NewRegistrationsAsync(node, ct);
        var keys = new Key[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (i, token) =>
            keys[i] = await register(token));
        return keys;
    }

    /// <summary>
    /// Registers a new draft of one new provider through the node's API on each call: a first registration, which
    /// creates its grain's state and read-model row and moves the counts.
    /// </summary>
    public static async Task<Func<CancellationToken, Task<Key>>> NewRegistrationsAsync(InProcessBenchNode node, CancellationToken ct)
    {
        var provider = await node.Grpc.CreateProviderAsync(new CreateProviderRequest
        {
            Slug = "bench-" + Guid.NewGuid().ToString("N")[..12],
            Name = "Bench Analytics Ltd",
            Country = "KE",
            ContactEmail = "bench@bench-analytics.example",
            Website = "https://bench-analytics.example",
        }, cancellationToken: ct);
        var details = Details();
        return async token =>
        {
            var system = await node.Grpc.RegisterSystemAsync(new RegisterSystemRequest
            {
                ProductId = $"{Guid.NewGuid():N}.example/bench",
                ProviderId = provider.Id,
                Submit = false,
                Details = details,
            }, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: token);
            return new Key(system.Id, system.Version);
        };
    }

    public static SystemDetails Details() => new()
    {
        Name = "TriageAssist",
        Version = "2.1.0",
        IntendedPurpose = "Suggests an urgency level for patients arriving at emergency departments.",
        Category = Category.Health,
        ProposedRiskTier = RiskTier.High,
        Assessment = new Assessment
        {
            ConformityEvidence = "Retrospective validation on 48,000 triage episodes.",
            BiasEvaluation = "Compared across sex, age band and county.",
            HumanOversight = "Every suggestion is confirmed or overridden by a triage nurse.",
            Explainability = "Shows the three observations that weighed most.",
            DataGovernance = "Pseudonymised records under a data-sharing agreement.",
        },
        Markets = { "KE", "TZ" },
        DeploymentStatus = DeploymentStatus.Pilot,
        ContactEmail = "triage-assist@bench-analytics.example",
    };
}
