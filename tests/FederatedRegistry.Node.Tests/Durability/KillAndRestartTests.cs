using System.Text;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Node.Tests.Support;
using FederatedRegistry.Testing;
using Grpc.Core;
using Xunit.Abstractions;

namespace FederatedRegistry.Node.Tests.Durability;

/// <summary>
/// The node's key promise: a write that returned success survives kill -9. The built node runs as a child process,
/// is killed with SIGKILL (nothing in it can react), and is started again on the same data; every acknowledged
/// record must then read back, and the read model (listings and summary) must agree with the records.
/// </summary>
public abstract class KillAndRestartTests(ITestOutputHelper output)
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    private void Log(string message) => output.WriteLine($"{_clock.Elapsed.TotalSeconds,7:F1}s {message}");

    private static DateTime Deadline => NodeClient.Deadline;

    /// <summary>Settings for a node on fresh, empty storage.</summary>
    protected abstract Task<NodeSettings> NewNodeAsync();

    [Fact]
    public async Task AcknowledgedWrites_AfterKillDashNineAndRestart_ReadBackUnchangedWithTheSameListingsAndSummary()
    {
        var settings = await NewNodeAsync();
        Log("storage ready");
        var acked = new Acknowledged();
        Summary summaryBefore;
        List<SystemListItem> systemsBefore;
        List<IncidentListItem> incidentsBefore;
        await using (var node = await ChildNode.StartAsync(settings))
        {
            Log("node healthy");
            await WriteBatchAsync(node.Client.Grpc, acked);
            Log($"{acked.Count} writes acknowledged");
            summaryBefore = await node.Client.Grpc.GetSummaryAsync(new GetSummaryRequest(), deadline: Deadline);
            systemsBefore = await Listing.AllSystemsAsync(node.Client.Grpc, new ListSystemsRequest { PageSize = 7 });
            incidentsBefore = await Listing.AllIncidentsAsync(node.Client.Grpc, new ListIncidentsRequest { PageSize = 7 });

            await node.KillAsync();
            Log("node killed");
        }

        await using var restarted = await ChildNode.StartAsync(settings.AssignFreePorts());
        Log("node restarted and healthy");
        var api = restarted.Client.Grpc;

        foreach (var provider in acked.Providers.Values)
        {
            Assert.Equal(provider, await api.GetProviderAsync(new GetProviderRequest { Id = provider.Id }, deadline: Deadline));
        }
        foreach (var system in acked.Systems.Values)
        {
            Assert.Equal(system, await api.GetSystemAsync(new GetSystemRequest { Id = system.Id }, deadline: Deadline));
            var versions = (await api.ListSystemVersionsAsync(new ListSystemVersionsRequest { Id = system.Id }, deadline: Deadline)).Versions;
            Assert.Equal(system.Version, versions.Count);
            Assert.Equal(system, versions[^1].Snapshot);
        }
        foreach (var incident in acked.Incidents.Values)
        {
            Assert.Equal(incident, await api.GetIncidentAsync(new GetIncidentRequest { Id = incident.Id }, deadline: Deadline));
        }
        var summaryAfter = await api.GetSummaryAsync(new GetSummaryRequest(), deadline: Deadline);
        Assert.Equal(summaryBefore.TotalSystems, summaryAfter.TotalSystems);
        Assert.Equal(summaryBefore.TotalIncidents, summaryAfter.TotalIncidents);
        Assert.Equal(summaryBefore.Cells, summaryAfter.Cells);
        Assert.Equal(acked.Systems.Count, summaryAfter.TotalSystems);
        Assert.Equal(acked.Incidents.Count, summaryAfter.TotalIncidents);
        Assert.Equal(systemsBefore, await Listing.AllSystemsAsync(api, new ListSystemsRequest { PageSize = 7 }));
        Assert.Equal(incidentsBefore, await Listing.AllIncidentsAsync(api, new ListIncidentsRequest { PageSize = 7 }));
        await AssertReadModelAgreesWithRecordsAsync(api);
        Log("verified");
    }

    /// <summary>
    /// 32 writers (registrations, incident reports with a request_id, revisions, decisions) against the node, which is
    /// killed with SIGKILL after a random number of acknowledged writes and started again, three times over. After each
    /// restart every acknowledged write reads back with its acknowledged content and version, the writes left without
    /// an answer are sent again unchanged, and no retry created a second record: one registration per product, one
    /// incident per request_id, and every write sent is stored exactly once.
    /// </summary>
    [Fact]
    public async Task ConcurrentWriters_KilledAtRandomMomentsAndRetrying_LoseNoAcknowledgedWriteAndDuplicateNothing()
    {
        const int Writers = 32;
        const int Rounds = 3;
        var seed = Environment.GetEnvironmentVariable("FEDREG_KILL_SEED") is { Length: > 0 } fixedSeed
            ? int.Parse(fixedSeed, System.Globalization.CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        var random = new Random(seed);
        var settings = await NewNodeAsync();
        Log($"storage ready; seed {seed} (FEDREG_KILL_SEED replays the kill points)");

        var node = await ChildNode.StartAsync(settings);
        Log("node healthy");
        try
        {
            var provider = await node.Client.Grpc.CreateProviderAsync(Messages.Provider(), deadline: Deadline);
            var writers = new ConcurrentWriters(provider.Id, Writers, seed);
            writers.Acknowledged.Add(provider);
            for (var round = 1; round <= Rounds; round++)
            {
                // A random moment, counted in acknowledged writes rather than seconds, so that a slow machine kills as late.
                var killAt = writers.Acknowledged.Count + random.Next(40, 400);
                var killed = 0;
                var api = node.Client.Grpc;
                var writing = writers.RunAsync(api, () => Volatile.Read(ref killed) == 1);
                using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
                {
                    while (writers.Acknowledged.Count < killAt && writers.Failures.Count == 0 && !writing.IsCompleted)
                    {
                        await Task.Delay(Random.Shared.Next(1, 10), timeout.Token);
                    }
                }
                Volatile.Write(ref killed, 1);
                await node.KillAsync();
                await writing.WaitAsync(TimeSpan.FromMinutes(2));
                Assert.True(writers.Failures.Count == 0, "Writes failed while the node was up:\n" + string.Join("\n", writers.Failures.Take(20)) + "\n" + node.Output);
                var acknowledged = writers.Acknowledged.Count;
                Log($"round {round}: killed after {acknowledged} acknowledged writes in all, {writers.InDoubt} writes in doubt");
                await node.DisposeAsync();

                node = await ChildNode.StartAsync(settings.AssignFreePorts());
                Log($"round {round}: node restarted and healthy");
                await AssertAcknowledgedWritesReadBackAsync(node.Client.Grpc, writers.Acknowledged);
                var storedBefore = writers.StoredBeforeTheKill;
                await writers.RetryInDoubtAsync(node.Client.Grpc, settings.Code);
                Assert.True(writers.Failures.Count == 0, "Retries were answered wrongly:\n" + string.Join("\n", writers.Failures.Take(20)));
                await AssertEveryWriteStoredOnceAsync(node.Client.Grpc, writers);
                Log($"round {round}: every acknowledged write read back; {writers.Acknowledged.Count - acknowledged} retries answered, " +
                    $"{writers.StoredBeforeTheKill - storedBefore} of them found their write stored before the kill; nothing duplicated " +
                    $"({writers.Registrations.Count} registrations, {writers.Reports.Count} incident reports sent so far)");
            }
            await AssertAcknowledgedWritesReadBackAsync(node.Client.Grpc, writers.Acknowledged);
            await AssertReadModelAgreesWithRecordsAsync(node.Client.Grpc);
            Log("verified");
        }
        finally
        {
            await node.DisposeAsync();
        }
    }

    /// <summary>Every acknowledged record is stored with the acknowledged version in its history, and nothing older is current.</summary>
    private static async Task AssertAcknowledgedWritesReadBackAsync(Registry.RegistryClient api, Acknowledged acked)
    {
        foreach (var provider in acked.Providers.Values)
        {
            Assert.Equal(provider, await api.GetProviderAsync(new GetProviderRequest { Id = provider.Id }, deadline: Deadline));
        }
        foreach (var system in acked.Systems.Values)
        {
            var current = await api.GetSystemAsync(new GetSystemRequest { Id = system.Id }, deadline: Deadline);
            Assert.True(current.Version >= system.Version, $"{system.Id} went back from version {system.Version} to {current.Version}");
            var versions = (await api.ListSystemVersionsAsync(new ListSystemVersionsRequest { Id = system.Id }, deadline: Deadline)).Versions;
            Assert.Equal(current.Version, versions.Count);
            Assert.Equal(system, versions[system.Version - 1].Snapshot);
        }
        foreach (var incident in acked.Incidents.Values)
        {
            var current = await api.GetIncidentAsync(new GetIncidentRequest { Id = incident.Id }, deadline: Deadline);
            Assert.Equal(incident.Version, current.Version);
            Assert.Equal(incident.Details, current.Details);
            Assert.Equal(incident.Status, current.Status);
            Assert.Equal(incident.History, current.History);
        }
    }

    /// <summary>
    /// Nothing twice, nothing lost: each product sent has one registration, each request_id one incident (one product per
    /// report), and the node holds as many of each as were sent.
    /// </summary>
    private static async Task AssertEveryWriteStoredOnceAsync(Registry.RegistryClient api, ConcurrentWriters writers)
    {
        var systems = await Listing.AllSystemsAsync(api, new ListSystemsRequest { PageSize = 500 });
        var incidents = await Listing.AllIncidentsAsync(api, new ListIncidentsRequest { PageSize = 500 });
        var incidentsByProduct = incidents.GroupBy(i => i.ProductId).ToDictionary(g => g.Key, g => g.Count());
        var systemsByProduct = systems.GroupBy(s => s.ProductId).ToDictionary(g => g.Key, g => g.Count());
        var duplicated = writers.Reports.Where(r => incidentsByProduct.GetValueOrDefault(r.Value) != 1)
            .Select(r => $"request_id {r.Key}: {incidentsByProduct.GetValueOrDefault(r.Value)} incidents").ToList();
        duplicated.AddRange(writers.Registrations.Keys.Where(p => systemsByProduct.GetValueOrDefault(p) != 1)
            .Select(p => $"product {p}: {systemsByProduct.GetValueOrDefault(p)} registrations"));
        Assert.True(duplicated.Count == 0, "Not stored exactly once:\n" + string.Join("\n", duplicated.Take(20)));
        Assert.Equal(writers.Reports.Count, incidents.Count);
        Assert.Equal(writers.Registrations.Count, systems.Count);
        Assert.Equal(writers.Acknowledged.Incidents.Count, incidents.Count);
        Assert.Equal(writers.Acknowledged.Systems.Count, systems.Count);
    }

    [Fact]
    public async Task ReadModelUpdatesLostInACrash_AreRebuiltFromTheStoredRecordsBeforeTheNodeServes()
    {
        var settings = await NewNodeAsync();
        var snapshot = new ReadModelSnapshot(settings);
        var acked = new Acknowledged();
        await using (var node = await ChildNode.StartAsync(settings))
        {
            var api = node.Client.Grpc;
            var provider = acked.Add(await api.CreateProviderAsync(Messages.Provider(), deadline: Deadline));
            var first = acked.Add(await api.RegisterSystemAsync(Messages.Registration(provider.Id, submit: true), deadline: Deadline));
            var incident = acked.Add(await api.ReportIncidentAsync(Messages.Incident(systemId: first.Id), deadline: Deadline));
            await node.KillAsync();
            // The read model as it stood after these writes...
            await snapshot.TakeAsync();
        }
        await using (var node = await ChildNode.StartAsync(settings.AssignFreePorts()))
        {
            var api = node.Client.Grpc;
            var first = acked.Systems.Values.Single();
            acked.Add(await api.DecideSystemAsync(new DecideSystemRequest { Id = first.Id, Decision = Decision.StartReview }, deadline: Deadline));
            acked.Add(await api.DecideSystemAsync(new DecideSystemRequest { Id = first.Id, Decision = Decision.Register, DecidedRiskTier = RiskTier.Minimal }, deadline: Deadline));
            acked.Add(await api.RegisterSystemAsync(Messages.Registration(acked.Providers.Keys.Single(), submit: false), deadline: Deadline));
            var incident = acked.Incidents.Values.Single();
            acked.Add(await api.TransitionIncidentAsync(new TransitionIncidentRequest { Id = incident.Id, To = IncidentStatus.Triaged }, deadline: Deadline));
            acked.Add(await api.ReportIncidentAsync(Messages.Incident(), deadline: Deadline));
            await node.KillAsync();
        }
        // ...is what a crash after each of the later state writes, before its read model update, would leave behind.
        await snapshot.RestoreAsync();
        Log("read model rolled back behind the stored records");

        await using var restarted = await ChildNode.StartAsync(settings.AssignFreePorts());
        var after = restarted.Client.Grpc;
        Log(string.Join("\n", restarted.Output.Split('\n').Where(l => l.Contains("repaired", StringComparison.Ordinal))));

        var systems = await Listing.AllSystemsAsync(after, new ListSystemsRequest());
        var incidents = await Listing.AllIncidentsAsync(after, new ListIncidentsRequest());
        Assert.Equal(acked.Systems.Keys.Order(), systems.Select(s => s.Id).Order());
        Assert.Equal(acked.Incidents.Keys.Order(), incidents.Select(i => i.Id).Order());
        Assert.All(systems, row => Assert.Equal(acked.Systems[row.Id].Version, row.StateVersion));
        Assert.All(systems, row => Assert.Equal(acked.Systems[row.Id].Status, row.Status));
        Assert.All(incidents, row => Assert.Equal(acked.Incidents[row.Id].Status, row.Status));
        var summary = await after.GetSummaryAsync(new GetSummaryRequest(), deadline: Deadline);
        Assert.Equal(1, Cell(summary, "systems", "status", "registered"));
        Assert.Equal(1, Cell(summary, "systems", "risk_tier", "minimal"));
        Assert.Equal(0, Cell(summary, "systems", "status", "submitted"));
        Assert.Equal(1, Cell(summary, "incidents", "status", "triaged"));
        await AssertReadModelAgreesWithRecordsAsync(after);
    }

    /// <summary>
    /// Providers, registrations through every lifecycle path, incidents through transitions: each answer recorded.
    /// </summary>
    private static async Task WriteBatchAsync(Registry.RegistryClient api, Acknowledged acked)
    {
        for (var p = 0; p < 3; p++)
        {
            var provider = acked.Add(await api.CreateProviderAsync(Messages.Provider(), deadline: Deadline));

            acked.Add(await api.RegisterSystemAsync(Messages.Registration(provider.Id, submit: false), deadline: Deadline));

            var updated = acked.Add(await api.RegisterSystemAsync(Messages.Registration(provider.Id, submit: false,
                details: Messages.Details(category: Category.Education, tier: RiskTier.Limited)), deadline: Deadline));
            updated = acked.Add(await api.UpdateSystemAsync(new UpdateSystemRequest
            {
                Id = updated.Id, ExpectedVersion = updated.Version, Details = Messages.Details(name: "Renamed", category: Category.Employment, tier: RiskTier.High),
            }, deadline: Deadline));
            acked.Add(await api.UpdateSystemAsync(new UpdateSystemRequest
            {
                Id = updated.Id, ExpectedVersion = updated.Version, Details = updated.Details, Submit = true,
            }, deadline: Deadline));

            var registered = acked.Add(await api.RegisterSystemAsync(Messages.Registration(provider.Id, submit: true), deadline: Deadline));
            acked.Add(await api.DecideSystemAsync(new DecideSystemRequest { Id = registered.Id, Decision = Decision.StartReview }, deadline: Deadline));
            registered = acked.Add(await api.DecideSystemAsync(new DecideSystemRequest
            {
                Id = registered.Id, Decision = Decision.Register, DecidedRiskTier = RiskTier.Limited, Reason = "Reviewed.",
            }, deadline: Deadline));

            var rejected = acked.Add(await api.RegisterSystemAsync(Messages.Registration(provider.Id, submit: true,
                details: Messages.Details(category: Category.Finance, tier: RiskTier.Minimal)), deadline: Deadline));
            acked.Add(await api.DecideSystemAsync(new DecideSystemRequest { Id = rejected.Id, Decision = Decision.StartReview }, deadline: Deadline));
            acked.Add(await api.DecideSystemAsync(new DecideSystemRequest { Id = rejected.Id, Decision = Decision.Reject, Reason = "No evidence." }, deadline: Deadline));

            var suspended = acked.Add(await api.RegisterSystemAsync(Messages.Registration(provider.Id, submit: true), deadline: Deadline));
            acked.Add(await api.DecideSystemAsync(new DecideSystemRequest { Id = suspended.Id, Decision = Decision.StartReview }, deadline: Deadline));
            acked.Add(await api.DecideSystemAsync(new DecideSystemRequest { Id = suspended.Id, Decision = Decision.Register, DecidedRiskTier = RiskTier.High }, deadline: Deadline));
            acked.Add(await api.DecideSystemAsync(new DecideSystemRequest { Id = suspended.Id, Decision = Decision.Suspend, Reason = "Under investigation." }, deadline: Deadline));

            var linked = acked.Add(await api.ReportIncidentAsync(Messages.Incident(systemId: registered.Id), deadline: Deadline));
            acked.Add(await api.TransitionIncidentAsync(new TransitionIncidentRequest { Id = linked.Id, To = IncidentStatus.Triaged, Note = "Confirmed." }, deadline: Deadline));
            var old = acked.Add(await api.ReportIncidentAsync(Messages.Incident(registered.ProductId, awareAt: DateTimeOffset.UtcNow.AddDays(-40)), deadline: Deadline));
            acked.Add(await api.TransitionIncidentAsync(new TransitionIncidentRequest { Id = old.Id, To = IncidentStatus.Closed, Note = "Duplicate." }, deadline: Deadline));
            var minor = Messages.Incident();
            minor.Details.Severity = Severity.Minor;
            minor.Details.HarmTypes.Clear();
            minor.Details.HarmTypes.Add(HarmType.Economic);
            acked.Add(await api.ReportIncidentAsync(minor, deadline: Deadline));
        }
    }

    /// <summary>
    /// The listings and the summary are the read model: after a restart each listed row must show its record's current
    /// version and status, and the summary's counts must be the counts of the listed rows.
    /// </summary>
    private static async Task AssertReadModelAgreesWithRecordsAsync(Registry.RegistryClient api)
    {
        var systems = await Listing.AllSystemsAsync(api, new ListSystemsRequest { PageSize = 500 });
        var incidents = await Listing.AllIncidentsAsync(api, new ListIncidentsRequest { PageSize = 500 });
        var stale = new StringBuilder();
        foreach (var row in systems)
        {
            var record = await api.GetSystemAsync(new GetSystemRequest { Id = row.Id }, deadline: Deadline);
            if (record.Version != row.StateVersion || record.Status != row.Status)
            {
                stale.AppendLine($"{row.Id}: listed at version {row.StateVersion} ({row.Status}), stored at version {record.Version} ({record.Status})");
            }
        }
        foreach (var row in incidents)
        {
            var record = await api.GetIncidentAsync(new GetIncidentRequest { Id = row.Id }, deadline: Deadline);
            if (record.Status != row.Status)
            {
                stale.AppendLine($"{row.Id}: listed as {row.Status}, stored as {record.Status} at version {record.Version}");
            }
        }
        Assert.True(stale.Length == 0, "The read model disagrees with the records:\n" + stale);

        var summary = await api.GetSummaryAsync(new GetSummaryRequest(), deadline: Deadline);
        Assert.Equal(systems.Count, summary.TotalSystems);
        Assert.Equal(incidents.Count, summary.TotalIncidents);
        foreach (var group in systems.GroupBy(s => s.Status))
        {
            Assert.Equal(group.Count(), Cell(summary, "systems", "status", Snake(group.Key)));
        }
        foreach (var group in incidents.GroupBy(s => s.Status))
        {
            Assert.Equal(group.Count(), Cell(summary, "incidents", "status", Snake(group.Key)));
        }
    }

    private static long Cell(Summary s, string dataset, string dimension, string value) =>
        s.Cells.Where(c => c.Dataset == dataset && c.Dimension == dimension && c.Value == value).Sum(c => c.Count);

    // UnderReview -> under_review: the names summary cells use.
    private static string Snake<T>(T value) where T : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

/// <summary>Kill -9 on the embedded SQLite store.</summary>
[Collection(ChildProcessCollection.Name)]
public sealed class KillAndRestartOnEmbeddedStorageTests(ITestOutputHelper output) : KillAndRestartTests(output)
{
    protected override Task<NodeSettings> NewNodeAsync() => Task.FromResult(NodeSettings.Embedded());
}

/// <summary>Kill -9 on PostgreSQL (the node is killed, never the database server).</summary>
[Collection(ChildProcessCollection.Name)]
public sealed class KillAndRestartOnPostgresTests(ITestOutputHelper output) : KillAndRestartTests(output)
{
    protected override async Task<NodeSettings> NewNodeAsync() => NodeSettings.Postgres(await PostgresServer.CreateDatabaseAsync("node_kill"));
}
