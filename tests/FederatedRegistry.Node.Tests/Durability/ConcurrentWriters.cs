using System.Collections.Concurrent;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Node.Tests.Support;
using Grpc.Core;

namespace FederatedRegistry.Node.Tests.Durability;

/// <summary>
/// Writers that behave as careful clients: each registers systems, reports incidents with a request_id, revises its
/// drafts and takes its submissions through the authority's decisions, always naming the version it read. Each owns
/// its records, so the writes to one record are sequential. A write that gets no answer because the node died is kept
/// in doubt and sent again, unchanged, once the node is back: the same product id, the same request_id, the same
/// expected version. <see cref="Acknowledged"/> holds what the node confirmed.
/// </summary>
public sealed class ConcurrentWriters(string providerId, int count, int seed)
{
    private readonly Writer[] _writers = [.. Enumerable.Range(0, count).Select(i => new Writer(i, new Random(seed + i)))];
    private readonly ConcurrentQueue<string> _failures = new();

    public Acknowledged Acknowledged { get; } = new();

    /// <summary>The provider every registration is for.</summary>
    public string ProviderId { get; } = providerId;

    /// <summary>Every incident report sent (by request_id), with the product id it alone names.</summary>
    public ConcurrentDictionary<string, string> Reports { get; } = new();

    /// <summary>Every registration sent, by product id.</summary>
    public ConcurrentDictionary<string, RegisterSystemRequest> Registrations { get; } = new();

    /// <summary>Writes that failed while the node was up, or whose retry was answered as no retry may be.</summary>
    public IReadOnlyCollection<string> Failures => _failures;

    /// <summary>How many retried writes turned out to have been stored before the kill: their answer was all that was lost.</summary>
    public int StoredBeforeTheKill => _storedBeforeTheKill;

    private int _storedBeforeTheKill;

    /// <summary>How many writes were in doubt when the node died (sent, no answer).</summary>
    public int InDoubt => _writers.Count(w => w.Pending is not null);

    /// <summary>
    /// Writes until <paramref name="killed"/> is set and each writer's next write fails; a failure before that is
    /// recorded in <see cref="Failures"/> and stops that writer.
    /// </summary>
    public Task RunAsync(Registry.RegistryClient api, Func<bool> killed) =>
        Task.WhenAll(_writers.Select(w => Task.Run(() => w.RunAsync(this, api, killed))));

    /// <summary>Sends every write left in doubt again, all writers at once, and records the answers.</summary>
    public Task RetryInDoubtAsync(Registry.RegistryClient api, string nodeCode) =>
        Task.WhenAll(_writers.Where(w => w.Pending is not null).Select(w => Task.Run(() => w.RetryAsync(this, api, nodeCode))));

    private void Fail(string failure) => _failures.Enqueue(failure);

    private sealed class Writer(int index, Random random)
    {
        private readonly Dictionary<string, AiSystem> _systems = [];
        private int _serial;

        /// <summary>The write sent when the node died, if it got no answer.</summary>
        public object? Pending { get; private set; }

        public async Task RunAsync(ConcurrentWriters all, Registry.RegistryClient api, Func<bool> killed)
        {
            while (true)
            {
                var write = Next(all);
                try
                {
                    await SendAsync(all, api, write);
                }
                catch (RpcException) when (killed())
                {
                    // Cut off by the kill: stored or not, the answer was lost.
                    Pending = write;
                    return;
                }
                catch (Exception e)
                {
                    all.Fail($"writer {index}, {Describe(write)}: {e.GetType().Name}: {e.Message}");
                    return;
                }
            }
        }

        public async Task RetryAsync(ConcurrentWriters all, Registry.RegistryClient api, string nodeCode)
        {
            var write = Pending!;
            Pending = null;
            try
            {
                if (write is ReportIncidentRequest report &&
                    (await api.ListIncidentsAsync(new ListIncidentsRequest { ProductId = report.Details.ProductId }, deadline: NodeClient.Deadline)).Incidents.Count > 0)
                {
                    Interlocked.Increment(ref all._storedBeforeTheKill);
                }
                await SendAsync(all, api, write);
                return;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.AlreadyExists or StatusCode.Aborted && write is not ReportIncidentRequest)
            {
                // The first attempt was stored: the record must show exactly that write, as its latest version.
                var (id, expectedVersion) = write switch
                {
                    RegisterSystemRequest r => (FederatedRegistry.Domain.Identifiers.SystemId(nodeCode, r.ProductId), 0),
                    UpdateSystemRequest u => (u.Id, u.ExpectedVersion),
                    DecideSystemRequest d => (d.Id, d.ExpectedVersion),
                    _ => throw new InvalidOperationException(write.GetType().Name),
                };
                var stored = await api.GetSystemAsync(new GetSystemRequest { Id = id }, deadline: NodeClient.Deadline);
                var matches = stored.Version == expectedVersion + 1 && write switch
                {
                    RegisterSystemRequest r => stored.ProductId == r.ProductId && stored.Details.Equals(r.Details),
                    UpdateSystemRequest u => stored.Details.Equals(u.Details),
                    DecideSystemRequest d => d.Decision == Decision.StartReview ? stored.Status == SystemStatus.UnderReview
                        : stored.Status == (d.Decision == Decision.Register ? SystemStatus.Registered : SystemStatus.Rejected),
                    _ => false,
                };
                if (!matches)
                {
                    all.Fail($"writer {index}: a retried {Describe(write)} answered {e.StatusCode}, but {id} at version {stored.Version} ({stored.Status}) is not that write");
                    return;
                }
                _systems[stored.Id] = all.Acknowledged.Add(stored);
                Interlocked.Increment(ref all._storedBeforeTheKill);
            }
            catch (Exception e)
            {
                all.Fail($"writer {index}: retrying {Describe(write)}: {e.GetType().Name}: {e.Message}");
            }
        }

        private async Task SendAsync(ConcurrentWriters all, Registry.RegistryClient api, object write)
        {
            switch (write)
            {
                case RegisterSystemRequest register:
                    var system = await api.RegisterSystemAsync(register, deadline: NodeClient.Deadline);
                    _systems[system.Id] = all.Acknowledged.Add(system);
                    break;
                case ReportIncidentRequest report:
                    all.Acknowledged.Add(await api.ReportIncidentAsync(report, deadline: NodeClient.Deadline));
                    break;
                case UpdateSystemRequest update:
                    var updated = await api.UpdateSystemAsync(update, deadline: NodeClient.Deadline);
                    _systems[updated.Id] = all.Acknowledged.Add(updated);
                    break;
                case DecideSystemRequest decide:
                    var decided = await api.DecideSystemAsync(decide, deadline: NodeClient.Deadline);
                    _systems[decided.Id] = all.Acknowledged.Add(decided);
                    break;
            }
        }

        /// <summary>The next write: a decision or revision of an own record when there is one to make, else a new record.</summary>
        private object Next(ConcurrentWriters all)
        {
            var roll = random.Next(100);
            var drafts = _systems.Values.Where(s => s.Status == SystemStatus.Draft).ToList();
            var decidable = _systems.Values.Where(s => s.Status is SystemStatus.Submitted or SystemStatus.UnderReview).ToList();
            if (roll < 25 && drafts.Count > 0)
            {
                var draft = drafts[random.Next(drafts.Count)];
                return new UpdateSystemRequest
                {
                    Id = draft.Id,
                    ExpectedVersion = draft.Version,
                    Details = Messages.Details(name: $"Writer {index} revision {++_serial}", category: (Category)(1 + random.Next(13))),
                    Submit = random.Next(3) == 0,
                };
            }
            if (roll < 50 && decidable.Count > 0)
            {
                var system = decidable[random.Next(decidable.Count)];
                var register = random.Next(2) == 0;
                return new DecideSystemRequest
                {
                    Id = system.Id,
                    ExpectedVersion = system.Version,
                    Decision = system.Status == SystemStatus.Submitted ? Decision.StartReview : register ? Decision.Register : Decision.Reject,
                    DecidedRiskTier = system.Status == SystemStatus.UnderReview && register ? RiskTier.High : RiskTier.Unspecified,
                    Reason = "Decided under load.",
                };
            }
            if (roll < 75)
            {
                // One product per report, so that counting a product's incidents counts the reports of one request_id.
                var report = Messages.Incident(productId: $"w{index}-{++_serial}-{random.Next():x8}.example/incident");
                report.RequestId = new Guid([.. Enumerable.Range(0, 16).Select(_ => (byte)random.Next(256))]).ToString();
                all.Reports[report.RequestId] = report.Details.ProductId;
                return report;
            }
            var registration = Messages.Registration(all.ProviderId, submit: random.Next(2) == 0,
                productId: $"w{index}-{++_serial}-{random.Next():x8}.example/system",
                details: Messages.Details(name: $"Writer {index} system {_serial}", category: (Category)(1 + random.Next(13)), tier: (RiskTier)(1 + random.Next(4))));
            all.Registrations[registration.ProductId] = registration;
            return registration;
        }

        private static string Describe(object write) => write switch
        {
            RegisterSystemRequest r => $"RegisterSystem {r.ProductId}",
            ReportIncidentRequest i => $"ReportIncident {i.RequestId}",
            UpdateSystemRequest u => $"UpdateSystem {u.Id} v{u.ExpectedVersion}",
            DecideSystemRequest d => $"DecideSystem {d.Id} {d.Decision} v{d.ExpectedVersion}",
            _ => write.GetType().Name,
        };
    }
}
