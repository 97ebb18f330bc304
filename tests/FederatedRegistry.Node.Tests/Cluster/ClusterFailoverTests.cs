using System.Diagnostics;
using System.Net;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Domain.Signing;
using FederatedRegistry.Node.Tests.Durability;
using FederatedRegistry.Node.Tests.Support;
using FederatedRegistry.Testing;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace FederatedRegistry.Node.Tests.Cluster;

/// <summary>
/// Cluster mode as an operator runs it: three processes of the built node, one node code, one PostgreSQL database.
/// Writes go through all three; the silo hosting the most registrations is killed with SIGKILL; the survivors must
/// take its grains over, keep every acknowledged write, keep answering, and let it rejoin when it is started again.
/// </summary>
public sealed class ClusterFailoverTests(ITestOutputHelper output)
{
    private const string Code = "KE";
    private const int Silos = 3;
    private const int Registrations = 30;

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private static DateTime Deadline => NodeClient.Deadline;

    private void Log(string message) => output.WriteLine($"{_clock.Elapsed.TotalSeconds,7:F1}s {message}");

    [Fact]
    public async Task KillingOneOfThreeSilos_MovesItsGrainsToTheSurvivors_LosesNoAcknowledgedWrite_AndItRejoins()
    {
        var database = await PostgresServer.CreateDatabaseAsync("node_cluster");
        // Every silo is the same node: one signing key, as the chart mounts one Secret into every pod.
        var keyFile = Path.Combine(Path.GetDirectoryName(TempSqlite.NewDatabasePath("cluster-key"))!, "node-key.pem");
        using (var key = NodeKey.Generate())
        {
            Directory.CreateDirectory(Path.GetDirectoryName(keyFile)!);
            await File.WriteAllTextAsync(keyFile, key.ExportPkcs8Pem());
        }
        var settings = Enumerable.Range(0, Silos)
            .Select(i => NodeSettings.Postgres(database, Code).With("Federation:KeyFile", keyFile).With("Orleans:SiloName", $"silo-{i}"))
            .ToArray();

        var silos = new ChildNode?[Silos];
        ManagementClient? management = null;
        try
        {
            // One after another: each joins the cluster the previous ones formed.
            for (var i = 0; i < Silos; i++)
            {
                silos[i] = await ChildNode.StartAsync(settings[i]);
                Log($"silo-{i} ready");
            }
            management = await ManagementClient.ConnectAsync(database, Code);
            await management.WaitForActiveSilosAsync(Silos);
            Log($"{Silos} silos active");

            var acked = new Acknowledged();
            await WriteThroughEverySiloAsync(silos.Select(s => s!).ToArray(), acked);
            Log($"{acked.Count} writes acknowledged through the {Silos} silos");

            // The registrations' grains, by the silo that hosts them.
            var hosted = await management.HostsOfAsync(acked.Systems.Keys);
            var victimPort = hosted.GroupBy(h => h.Value).OrderByDescending(g => g.Count()).First().Key;
            var victim = Array.FindIndex(settings, s => SiloPort(s) == victimPort);
            var moved = hosted.Where(h => h.Value == victimPort).Select(h => h.Key).ToList();
            Assert.NotEmpty(moved);
            Log($"silo-{victim} hosts {moved.Count} of the {acked.Systems.Count} registrations: killing it");

            var killedAt = Stopwatch.StartNew();
            await silos[victim]!.KillAsync();
            var survivors = Enumerable.Range(0, Silos).Where(i => i != victim).Select(i => silos[i]!).ToArray();

            // The first write of a registration whose grain lived on the killed silo, through a survivor.
            var failover = await FirstWriteAfterFailoverAsync(survivors[0].Client.Grpc, acked, moved[0]);
            Log($"failover: first successful write of a grain of the killed silo {failover.TotalSeconds:F2} s after the kill");
            output.WriteLine($"FAILOVER_SECONDS={failover.TotalSeconds:F2}");

            // The survivors answer, and have taken the grains over.
            foreach (var survivor in survivors)
            {
                Assert.Equal(HttpStatusCode.OK, (await survivor.Client.Http.GetAsync("/health/ready")).StatusCode);
            }
            await AssertAcknowledgedWritesReadBackAsync(survivors, acked);
            var rehosted = await management.HostsOfAsync(moved);
            Assert.Equal(moved.Order(StringComparer.Ordinal), rehosted.Keys.Order(StringComparer.Ordinal));
            Assert.DoesNotContain(victimPort, rehosted.Values);
            Log($"all {acked.Count} acknowledged writes read back through the survivors; {moved.Count} grains reactivated on them");
            await WriteThroughEverySiloAsync(survivors, acked);
            Log($"the survivors took more writes ({acked.Count} acknowledged in all)");

            // The killed silo comes back (on fresh ports, as a rescheduled pod would) and serves again.
            await silos[victim]!.DisposeAsync();
            silos[victim] = await ChildNode.StartAsync(settings[victim].AssignFreePorts());
            await management.WaitForActiveSilosAsync(Silos);
            Log($"silo-{victim} restarted and rejoined: {Silos} silos active; killed {killedAt.Elapsed.TotalSeconds:F1} s ago");
            await AssertAcknowledgedWritesReadBackAsync([silos[victim]!], acked);
            await WriteThroughEverySiloAsync(silos.Select(s => s!).ToArray(), acked);
            await AssertAcknowledgedWritesReadBackAsync(silos.Select(s => s!).ToArray(), acked);
            var summary = await silos[victim]!.Client.Grpc.GetSummaryAsync(new GetSummaryRequest(), deadline: Deadline);
            Assert.Equal(acked.Systems.Count, summary.TotalSystems);
            Log("verified");
        }
        finally
        {
            if (management is not null)
            {
                await management.DisposeAsync();
            }
            foreach (var silo in silos)
            {
                if (silo is not null)
                {
                    await silo.DisposeAsync();
                }
            }
            await PostgresServer.DropDatabaseAsync(database);
        }
    }

    private static int SiloPort(NodeSettings settings) =>
        int.Parse(settings.Values["Orleans:SiloPort"]!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A provider and <see cref="Registrations"/> submitted registrations, round robin over the silos' APIs.</summary>
    private static async Task WriteThroughEverySiloAsync(IReadOnlyList<ChildNode> silos, Acknowledged acked)
    {
        var provider = acked.Add(await silos[0].Client.Grpc.CreateProviderAsync(Messages.Provider(), deadline: Deadline));
        for (var i = 0; i < Registrations; i++)
        {
            var api = silos[i % silos.Count].Client.Grpc;
            acked.Add(await api.RegisterSystemAsync(Messages.Registration(provider.Id, submit: true), deadline: Deadline));
        }
    }

    /// <summary>
    /// Revises <paramref name="systemId"/> through <paramref name="api"/> until one revision is acknowledged, and returns
    /// the time from the first attempt. Each attempt waits at most two seconds; one that timed out may still have been
    /// applied, so a refusal for a stale version reads the record back and counts as the write having landed.
    /// </summary>
    private static async Task<TimeSpan> FirstWriteAfterFailoverAsync(Registry.RegistryClient api, Acknowledged acked, string systemId)
    {
        var clock = Stopwatch.StartNew();
        var last = acked.Systems[systemId];
        using var limit = new CancellationTokenSource(Eventually.Limit);
        while (true)
        {
            var details = last.Details.Clone();
            details.Version = $"2.{clock.ElapsedMilliseconds}";
            try
            {
                var updated = await api.UpdateSystemAsync(
                    new UpdateSystemRequest { Id = systemId, ExpectedVersion = last.Version, Details = details },
                    deadline: DateTime.UtcNow.AddSeconds(2));
                acked.Add(updated);
                return clock.Elapsed;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Aborted or StatusCode.FailedPrecondition)
            {
                var stored = await api.GetSystemAsync(new GetSystemRequest { Id = systemId }, deadline: Deadline);
                Assert.True(stored.Version > last.Version, $"Refused ({e.Status.Detail}) although no revision landed.");
                acked.Add(stored);
                return clock.Elapsed;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown)
            {
                // The grain's silo is dead and not yet declared so: its calls fail until the cluster agrees.
                if (limit.IsCancellationRequested)
                {
                    throw new Xunit.Sdk.XunitException($"No write of {systemId} succeeded within {Eventually.Limit.TotalSeconds:0} s of the kill: {e.Status}");
                }
                await Task.Delay(50);
            }
        }
    }

    private static async Task AssertAcknowledgedWritesReadBackAsync(IReadOnlyList<ChildNode> silos, Acknowledged acked)
    {
        var i = 0;
        foreach (var provider in acked.Providers.Values)
        {
            var api = silos[i++ % silos.Count].Client.Grpc;
            Assert.Equal(provider, await api.GetProviderAsync(new GetProviderRequest { Id = provider.Id }, deadline: Deadline));
        }
        foreach (var system in acked.Systems.Values)
        {
            var api = silos[i++ % silos.Count].Client.Grpc;
            Assert.Equal(system, await api.GetSystemAsync(new GetSystemRequest { Id = system.Id }, deadline: Deadline));
        }
    }

    /// <summary>An Orleans client of the node's cluster (found through the same membership table): it asks where grains live.</summary>
    private sealed class ManagementClient : IAsyncDisposable
    {
        private readonly IHost _host;

        private ManagementClient(IHost host) => _host = host;

        private IManagementGrain Grain => _host.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);

        public static async Task<ManagementClient> ConnectAsync(string connectionString, string code)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.UseOrleansClient(client =>
            {
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = connectionString;
                });
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = code;
                    o.ServiceId = code;
                });
                // The gateway list is re-read often, so that the client follows silos coming and going.
                client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
            });
            var host = builder.Build();
            await host.StartAsync();
            return new ManagementClient(host);
        }

        public async Task WaitForActiveSilosAsync(int count) =>
            await Eventually.True(async () =>
            {
                try
                {
                    return (await Grain.GetHosts(onlyActive: true)).Count == count;
                }
                catch (Exception e) when (e is OrleansException or TimeoutException or InvalidOperationException or SiloUnavailableException)
                {
                    return false;
                }
            }, $"{count} active silos");

        /// <summary>The silo port hosting each of the given registrations' grains (those active now).</summary>
        public async Task<Dictionary<string, int>> HostsOfAsync(IEnumerable<string> systemIds)
        {
            var wanted = systemIds.ToHashSet(StringComparer.Ordinal);
            var statistics = await Grain.GetDetailedGrainStatistics();
            return statistics
                .Where(s => wanted.Contains(s.GrainId.Key.ToString()!))
                .ToDictionary(s => s.GrainId.Key.ToString()!, s => s.SiloAddress.Endpoint.Port, StringComparer.Ordinal);
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await _host.StopAsync(TimeSpan.FromSeconds(5));
            }
            finally
            {
                _host.Dispose();
            }
        }
    }
}
