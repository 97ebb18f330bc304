using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Sharing;
using FederatedRegistry.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FederatedRegistry.Grains;

public sealed class PolicyGrain(
    [PersistentState(StateNames.Policy, StorageNames.Registry)] IPersistentState<PolicyState> state,
    IOptions<NodeOptions> node,
    IAuditLog audit,
    TimeProvider clock,
    ILogger<PolicyGrain> logger) : Grain, IPolicyGrain
{
    private readonly AuditBacklog _audit = new(audit);

    // What a crash kept from the log is still in the state: appended now.
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await _audit.TryStoredAsync(state.State.Audit, logger, this.GetGrainId());
        await base.OnActivateAsync(cancellationToken);
    }

    public Task<PolicyVersion> GetAsync() =>
        Task.FromResult(state.State.Current ?? new PolicyVersion(0, SharingPolicyDocument.Write(SharingPolicy.DenyAll(node.Value.Code, 0)), null));

    private SharingPolicy? _parsed;

    public async Task<SharingPolicy> GetPolicyAsync()
    {
        var current = await GetAsync();
        if (_parsed?.Version != current.Version)
        {
            // The stored document was written by this grain from a parsed policy, so it parses; deny-all is the fallback all the same.
            _parsed = SharingPolicyDocument.Parse(current.Document, node.Value.Code).Value
                ?? SharingPolicy.DenyAll(node.Value.Code, current.Version);
        }
        return _parsed;
    }

    public Task<IReadOnlyList<PolicyVersion>> GetHistoryAsync() => Task.FromResult(state.State.History);

    public Task<Outcome<PolicyVersion>> InstallAsync(string document) => ChangeAsync(document, expectedVersion: null);

    public Task<Outcome<PolicyVersion>> ReplaceAsync(string document, int expectedVersion) => ChangeAsync(document, expectedVersion);

    private async Task<Outcome<PolicyVersion>> ChangeAsync(string document, int? expectedVersion)
    {
        var current = await GetAsync();
        if (expectedVersion is { } expected && expected != current.Version)
        {
            return DomainError.VersionConflict(expected, current.Version);
        }
        var parsed = SharingPolicyDocument.Parse(document, node.Value.Code);
        if (parsed.Error is { } error)
        {
            return error;
        }
        // Equal policies write equal text; compared under the current number, since the node numbers versions.
        var policy = parsed.Value!;
        if (SharingPolicyDocument.Write(policy with { Version = current.Version }) == current.Document)
        {
            return current;
        }
        var next = new PolicyVersion(current.Version + 1, SharingPolicyDocument.Write(policy with { Version = current.Version + 1 }), clock.GetUtcNow());
        var key = this.GetPrimaryKeyString();
        var entry = AuditDraft.Of($"policy:{key}:v{next.Version}", next.UpdatedAt!.Value, AuditContext.CurrentActor(), $"installed:v{next.Version}",
            key == IPolicyGrain.NodePolicy ? "policy" : "policy:" + key, next);
        await state.CommitAsync(new PolicyState { Current = next, History = [.. state.State.History, next], Audit = _audit.With(state.State.Audit, entry) });
        await _audit.TryStoredAsync(state.State.Audit, logger, this.GetGrainId());
        return next;
    }
}
