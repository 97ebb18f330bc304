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

    [Fact]
    public async Task ConcurrentWriters_KilledMidStream_LoseNoAcknowledgedWrite()
    {
        const int Writers = 8;
        const int AcknowledgementsBeforeKill = 160;
        var settings = await NewNodeAsync();
        var acked = new Acknowledged();
        var failuresBeforeKill = new List<string>();
        var killing = 0;

        Log("storage ready");
        await using (var node = await ChildNode.StartAsync(settings))
        {
            Log("node healthy");
            var api = node.Client.Grpc;
            var provider = acked.Add(await api.CreateProviderAsync(Messages.Provider(), deadline: Deadline));
            var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            async Task WriterAsync(int writer)
            {
                try
                {
                    for (var round = 0; ; round++)
                    {
                        await WriteRoundAsync(api, acked, provider.Id, writer, round);
                        if (acked.Count >= AcknowledgementsBeforeKill)
                        {
                            enough.TrySetResult();
                        }
                    }
                }
                catch (RpcException) when (Volatile.Read(ref killing) == 1)
                {
                    // Cut off by the kill: such a write may or may not have been stored.
                }
                catch (Exception e)
                {
                    lock (failuresBeforeKill)
                    {
                        failuresBeforeKill.Add($"writer {writer}: {e.GetType().Name}: {e.Message}");
                    }
                    enough.TrySetResult();
                }
            }

            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriterAsync(w))).ToList();
            await enough.Task.WaitAsync(TimeSpan.FromMinutes(3));
            Volatile.Write(ref killing, 1);
            await node.KillAsync();
            Log($"node killed after {acked.Count} acknowledged writes");
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromMinutes(2));
            Assert.True(failuresBeforeKill.Count == 0, "Writes failed while the node was running:\n" + string.Join("\n", failuresBeforeKill) + "\n" + node.Output);
        }

        Assert.True(acked.Count >= AcknowledgementsBeforeKill, $"only {acked.Count} writes were acknowledged");
        await using var restarted = await ChildNode.StartAsync(settings.AssignFreePorts());
        Log("node restarted and healthy");
        var after = restarted.Client.Grpc;
        var aheadOfAcknowledged = 0;

        foreach (var provider in acked.Providers.Values)
        {
            Assert.Equal(provider, await after.GetProviderAsync(new GetProviderRequest { Id = provider.Id }, deadline: Deadline));
        }
        foreach (var system in acked.Systems.Values)
        {
            // A later write that was cut off may have been stored too; the acknowledged version must be in the history.
            var current = await after.GetSystemAsync(new GetSystemRequest { Id = system.Id }, deadline: Deadline);
            Assert.True(current.Version >= system.Version, $"{system.Id} went back from version {system.Version} to {current.Version}");
            aheadOfAcknowledged += current.Version > system.Version ? 1 : 0;
            var versions = (await after.ListSystemVersionsAsync(new ListSystemVersionsRequest { Id = system.Id }, deadline: Deadline)).Versions;
            Assert.Equal(current.Version, versions.Count);
            Assert.Equal(system, versions[system.Version - 1].Snapshot);
        }
        foreach (var incident in acked.Incidents.Values)
        {
            var current = await after.GetIncidentAsync(new GetIncidentRequest { Id = incident.Id }, deadline: Deadline);
            Assert.True(current.Version >= incident.Version, $"{incident.Id} went back from version {incident.Version} to {current.Version}");
            aheadOfAcknowledged += current.Version > incident.Version ? 1 : 0;
            Assert.Equal(incident.Details, current.Details);
            Assert.Equal(incident.History, current.History.Take(incident.History.Count));
            if (current.Version == incident.Version)
            {
                Assert.Equal(incident.Status, current.Status);
            }
        }

        Log($"every acknowledged record read back; {aheadOfAcknowledged} had a cut-off write stored after it");
        var systems = await Listing.AllSystemsAsync(after, new ListSystemsRequest { PageSize = 500 });
        var incidents = await Listing.AllIncidentsAsync(after, new ListIncidentsRequest { PageSize = 500 });
        Log($"listed {systems.Count} systems ({systems.Count - acked.Systems.Count} never acknowledged), {incidents.Count} incidents ({incidents.Count - acked.Incidents.Count} never acknowledged)");
        foreach (var system in acked.Systems.Values)
        {
            var row = systems.SingleOrDefault(s => s.Id == system.Id);
            Assert.True(row is not null, $"{system.Id} (acknowledged at version {system.Version}) is missing from the listing");
            Assert.True(row.StateVersion >= system.Version, $"{system.Id} is listed at version {row.StateVersion}, acknowledged at {system.Version}");
        }
        foreach (var incident in acked.Incidents.Values)
        {
            var row = incidents.SingleOrDefault(i => i.Id == incident.Id);
            Assert.True(row is not null, $"{incident.Id} (acknowledged at version {incident.Version}) is missing from the listing");
        }
        await AssertReadModelAgreesWithRecordsAsync(after);
        Log("verified");
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

    /// <summary>One writer's round: a registration taken through review, and an incident about it moved along.</summary>
    private static async Task WriteRoundAsync(Registry.RegistryClient api, Acknowledged acked, string providerId, int writer, int round)
    {
        var details = Messages.Details(
            name: $"Writer {writer} round {round}",
            category: (Category)(1 + ((writer + round) % 13)),
            tier: (RiskTier)(1 + (round % 4)));
        var system = acked.Add(await api.RegisterSystemAsync(Messages.Registration(providerId, submit: true, details: details), deadline: Deadline));
        system = acked.Add(await api.DecideSystemAsync(new DecideSystemRequest { Id = system.Id, Decision = Decision.StartReview, ExpectedVersion = system.Version }, deadline: Deadline));
        var incident = acked.Add(await api.ReportIncidentAsync(Messages.Incident(systemId: system.Id), deadline: Deadline));
        acked.Add(await api.DecideSystemAsync(new DecideSystemRequest
        {
            Id = system.Id,
            Decision = round % 2 == 0 ? Decision.Register : Decision.Reject,
            DecidedRiskTier = round % 2 == 0 ? RiskTier.High : RiskTier.Unspecified,
            Reason = "Decided under load.",
            ExpectedVersion = system.Version,
        }, deadline: Deadline));
        acked.Add(await api.TransitionIncidentAsync(new TransitionIncidentRequest { Id = incident.Id, To = IncidentStatus.Triaged, ExpectedVersion = incident.Version }, deadline: Deadline));
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
