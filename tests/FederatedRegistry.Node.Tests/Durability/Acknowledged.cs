using System.Collections.Concurrent;
using FederatedRegistry.Contracts.V1;

namespace FederatedRegistry.Node.Tests.Durability;

/// <summary>
/// Every answer the node gave with OK: the last acknowledged state of each record. A record is written by one
/// writer at a time, so the last answer recorded for an id is its highest acknowledged version.
/// </summary>
public sealed class Acknowledged
{
    private int _count;

    public ConcurrentDictionary<string, Provider> Providers { get; } = new();

    public ConcurrentDictionary<string, AiSystem> Systems { get; } = new();

    public ConcurrentDictionary<string, Incident> Incidents { get; } = new();

    /// <summary>How many writes were acknowledged.</summary>
    public int Count => Volatile.Read(ref _count);

    public Provider Add(Provider provider)
    {
        Providers[provider.Id] = provider;
        Interlocked.Increment(ref _count);
        return provider;
    }

    public AiSystem Add(AiSystem system)
    {
        Systems[system.Id] = system;
        Interlocked.Increment(ref _count);
        return system;
    }

    public Incident Add(Incident incident)
    {
        Incidents[incident.Id] = incident;
        Interlocked.Increment(ref _count);
        return incident;
    }
}
