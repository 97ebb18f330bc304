using FederatedRegistry.Cli.Connection;
using FederatedRegistry.Cli.Errors;
using FederatedRegistry.Cli.Manifests;
using FederatedRegistry.Contracts.V1;
using Grpc.Core;

namespace FederatedRegistry.Cli.Commands;

internal enum RegistrationResult
{
    Created,
    /// <summary>Registered before with the same content: a rerun's row that is already done.</summary>
    AlreadyRegistered,
    /// <summary>Registered before with other content: the manifest is not what the node holds (use systems update).</summary>
    ExistsWithOtherDetails,
    Refused,
}

/// <summary>What registering one product in one node came to.</summary>
internal sealed record RegistrationOutcome(string Node, RegistrationResult Result, AiSystem? System, CliError? Error)
{
    public bool Succeeded => Result is RegistrationResult.Created or RegistrationResult.AlreadyRegistered;

    public int ExitCode => Error?.ExitCode ?? (Succeeded ? ExitCodes.Ok : ExitCodes.SomeFailed);

    public string Describe() => Result switch
    {
        RegistrationResult.Created => $"created {System!.Id} ({ProtoEnums.Display(System.Status)})",
        RegistrationResult.AlreadyRegistered => $"already registered as {System!.Id} with the same details ({ProtoEnums.Display(System.Status)})",
        RegistrationResult.ExistsWithOtherDetails => $"already registered as {System!.Id} with other details; change it with an update, not a new registration",
        _ => Error!.Sentence,
    };
}

/// <summary>
/// Registers a manifest in one node. Registration ids derive from product ids, so a product registered before answers
/// ALREADY_EXISTS; the registration is then read back and compared, and counts as done when it holds the same content.
/// Safe to call concurrently: an import registers several rows at once through one registrar.
/// </summary>
internal sealed class Registrar(NodeConnection node)
{
    // The rows an import starts together would otherwise each ask for the node's code; one asks, the others wait for
    // its answer, and a failed ask leaves the next caller to try again.
    private readonly SemaphoreSlim _codeGate = new(1, 1);
    private volatile string? _code;

    public async Task<RegistrationOutcome> RegisterAsync(ProductManifest manifest, CancellationToken cancellationToken)
    {
        string? code = null;
        RegisterSystemRequest request;
        try
        {
            code = await NodeCodeAsync(cancellationToken);
            request = manifest.ToRequest(code);
            var created = await node.Client.RegisterSystemAsync(request, node.Call(cancellationToken));
            return new RegistrationOutcome(node.Name, RegistrationResult.Created, created, null);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists && !cancellationToken.IsCancellationRequested)
        {
            request = manifest.ToRequest(code!);
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            return Refused(e);
        }

        try
        {
            var id = Domain.Identifiers.SystemId(code!, manifest.ProductId);
            var existing = await node.Client.GetSystemAsync(new GetSystemRequest { Id = id }, node.Call(cancellationToken));
            var same = existing.ProviderId == request.ProviderId && SameContent(existing.Details, request.Details);
            return new RegistrationOutcome(node.Name, same ? RegistrationResult.AlreadyRegistered : RegistrationResult.ExistsWithOtherDetails, existing, null);
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            return Refused(e);
        }
    }

    private async Task<string> NodeCodeAsync(CancellationToken cancellationToken)
    {
        if (_code is { } known)
        {
            return known;
        }
        await _codeGate.WaitAsync(cancellationToken);
        try
        {
            return _code ??= (await node.Client.GetNodeInfoAsync(new GetNodeInfoRequest(), node.Call(cancellationToken))).Code;
        }
        finally
        {
            _codeGate.Release();
        }
    }

    /// <summary>
    /// Whether the node holds what the manifest says. The node answers an empty assessment where the manifest had
    /// none, which proto equality would count as a difference.
    /// </summary>
    internal static bool SameContent(SystemDetails? stored, SystemDetails? manifest)
    {
        // What the node stores for a manifest (the domain's SystemLifecycle normalises it so): the three texts
        // trimmed, no assessment as an empty one, no deployment status as planned. Without this a rerun took a row
        // an earlier run had registered for one with other details.
        static SystemDetails Normal(SystemDetails? d)
        {
            var copy = d?.Clone() ?? new SystemDetails();
            copy.Name = copy.Name.Trim();
            copy.Version = copy.Version.Trim();
            copy.IntendedPurpose = copy.IntendedPurpose.Trim();
            copy.Assessment ??= new Assessment();
            if (copy.DeploymentStatus == DeploymentStatus.Unspecified)
            {
                copy.DeploymentStatus = DeploymentStatus.Planned;
            }
            return copy;
        }
        return Normal(stored).Equals(Normal(manifest));
    }

    private RegistrationOutcome Refused(RpcException e) =>
        new(node.Name, RegistrationResult.Refused, null, ErrorTranslator.Translate(e, node.Name));
}
