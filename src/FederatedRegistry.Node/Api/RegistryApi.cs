using System.Reflection;
using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Incidents;
using FederatedRegistry.Domain.Providers;
using FederatedRegistry.Domain.Registrations;
using FederatedRegistry.Domain.Sharing;
using FederatedRegistry.Domain.Signing;
using FederatedRegistry.Federation;
using FederatedRegistry.Grains;
using FederatedRegistry.Node.Hosting;
using FederatedRegistry.Storage;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using V1 = FederatedRegistry.Contracts.V1;

namespace FederatedRegistry.Node.Api;

/// <summary>
/// The national API. Every request is checked here, at the edge, against the domain's field rules and
/// against the records it refers to; only valid commands reach a grain.
/// </summary>
internal sealed partial class RegistryApi(
    IGrainFactory grains,
    IRegistryIndex index,
    IAuditLog audit,
    IOptions<NodeOptions> node,
    RegistryDatabase database,
    NodeKey key,
    NodeCertificate certificate,
    PeerDirectory peers,
    FederationClient federation,
    IOptions<FederationOptions> federationOptions,
    IOptions<AuthOptions> auth,
    NodeMetrics metrics,
    TimeProvider clock) : V1.Registry.RegistryBase
{
    private static readonly string SoftwareVersion =
        typeof(RegistryApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private string Code => node.Value.Code;

    // ---------- providers ----------

    [Authorize(Policy = AccessPolicies.Authority)]
    public override async Task<V1.Provider> CreateProvider(V1.CreateProviderRequest request, ServerCallContext context)
    {
        var command = ProtoMapping.ToDomain(request);
        RpcErrors.ThrowIfInvalid(ProviderRules.Validate(command));
        var id = Identifiers.ProviderId(Code, command.Slug);
        return ProtoMapping.ToProto(Unwrap(await grains.GetGrain<IProviderGrain>(id).CreateAsync(command)));
    }

    [Authorize(Policy = AccessPolicies.AuthorityOrProvider)]
    public override async Task<V1.Provider> GetProvider(V1.GetProviderRequest request, ServerCallContext context)
    {
        if (!Identifiers.IsProviderId(request.Id))
        {
            throw RpcErrors.Invalid("id", "must be a provider id such as KE-PRV-acme-health");
        }
        // A provider sees its own organisation only; another's answers as if it did not exist.
        var caller = Caller(context);
        var provider = caller.IsAuthority || caller.ProviderId == request.Id ? await grains.GetGrain<IProviderGrain>(request.Id).GetAsync() : null;
        return ProtoMapping.ToProto(provider ?? throw RpcErrors.NotFound($"The provider {request.Id}"));
    }

    // ---------- registrations ----------

    [Authorize(Policy = AccessPolicies.AuthorityOrProvider)]
    public override async Task<V1.AiSystem> RegisterSystem(V1.RegisterSystemRequest request, ServerCallContext context)
    {
        var command = ProtoMapping.ToDomain(request);
        RpcErrors.ThrowIfInvalid(SystemRules.Validate(command));
        RequireOwnOrganisation(Caller(context), command.ProviderId);
        await RequireProviderAsync(command.ProviderId);
        var id = Identifiers.SystemId(Code, command.ProductId);
        var system = Unwrap(await grains.GetGrain<ISystemGrain>(id).RegisterAsync(command));
        metrics.Registration("register", system.Status);
        return ProtoMapping.ToProto(system);
    }

    [AllowAnonymous]
    public override async Task<V1.AiSystem> GetSystem(V1.GetSystemRequest request, ServerCallContext context)
    {
        ValidateSystemId(request.Id);
        var system = await grains.GetGrain<ISystemGrain>(request.Id).GetAsync();
        var caller = Caller(context);
        if (system is not null && (caller.IsAuthority || IsOwn(caller, system.ProviderId)))
        {
            return ProtoMapping.ToProto(system);
        }
        // Everyone else sees the public transparency register: registered systems outside the restricted categories,
        // public fields only; anything else answers as if it did not exist.
        return system is not null && PublicRegister.Shows(system)
            ? PublicRegister.View(ProtoMapping.ToProto(system))
            : throw RpcErrors.NotFound($"The registration {request.Id}");
    }

    [AllowAnonymous]
    public override async Task<V1.ListSystemsResponse> ListSystems(V1.ListSystemsRequest request, ServerCallContext context)
    {
        var rules = new FieldRules();
        rules.DefinedEnum("status", ProtoMapping.Enum<SystemStatus>((int)request.Status));
        rules.DefinedEnum("risk_tier", ProtoMapping.Enum<RiskTier>((int)request.RiskTier));
        rules.DefinedEnum("category", ProtoMapping.Enum<Category>((int)request.Category));
        rules.Optional("provider_id", request.ProviderId, 60);
        rules.Optional("product_id", request.ProductId, 200);
        rules.Optional("text", request.Text, 200);
        ValidatePaging(rules, request.PageSize, request.PageToken);
        RpcErrors.ThrowIfInvalid(rules.Violations);

        var caller = Caller(context);
        var query = new SystemQuery
        {
            Status = ProtoMapping.FilterName<SystemStatus>((int)request.Status),
            RiskTier = ProtoMapping.FilterName<RiskTier>((int)request.RiskTier),
            Category = ProtoMapping.FilterName<Category>((int)request.Category),
            ProviderId = NullIfEmpty(request.ProviderId),
            ProductId = NullIfEmpty(request.ProductId),
            Text = NullIfEmpty(request.Text),
            PageSize = request.PageSize == 0 ? RegistryIndex.DefaultPageSize : request.PageSize,
            PageToken = NullIfEmpty(request.PageToken),
        };
        var visible = PublicRegister.For(caller, query);
        var page = visible is null
            ? new Page<SystemRow>([], null)
            : await WithPageToken(() => index.QuerySystemsAsync(visible, context.CancellationToken));
        return new V1.ListSystemsResponse
        {
            Systems = { page.Items.Select(ProtoMapping.ToProto) },
            NextPageToken = page.NextPageToken ?? "",
        };
    }

    [Authorize(Policy = AccessPolicies.AuthorityOrProvider)]
    public override async Task<V1.AiSystem> UpdateSystem(V1.UpdateSystemRequest request, ServerCallContext context)
    {
        var command = ProtoMapping.ToDomain(request);
        RpcErrors.ThrowIfInvalid(SystemRules.Validate(command));
        await RequireOwnSystemAsync(Caller(context), command.Id);
        return ProtoMapping.ToProto(Unwrap(await grains.GetGrain<ISystemGrain>(command.Id).UpdateAsync(command)));
    }

    [Authorize(Policy = AccessPolicies.AuthorityOrProvider)]
    public override async Task<V1.ListSystemVersionsResponse> ListSystemVersions(V1.ListSystemVersionsRequest request, ServerCallContext context)
    {
        ValidateSystemId(request.Id);
        await RequireOwnSystemAsync(Caller(context), request.Id);
        var versions = await grains.GetGrain<ISystemGrain>(request.Id).GetVersionsAsync();
        if (versions.Count == 0)
        {
            throw RpcErrors.NotFound($"The registration {request.Id}");
        }
        return new V1.ListSystemVersionsResponse { Versions = { versions.Select(ProtoMapping.ToProto) } };
    }

    [Authorize(Policy = AccessPolicies.Authority)]
    public override async Task<V1.AiSystem> DecideSystem(V1.DecideSystemRequest request, ServerCallContext context)
    {
        var command = ProtoMapping.ToDomain(request);
        RpcErrors.ThrowIfInvalid(SystemRules.Validate(command));
        var system = Unwrap(await grains.GetGrain<ISystemGrain>(command.Id).DecideAsync(command));
        metrics.Registration("decide", system.Status);
        return ProtoMapping.ToProto(system);
    }

    // ---------- incidents ----------

    [Authorize(Policy = AccessPolicies.AuthorityOrProvider)]
    public override async Task<V1.Incident> ReportIncident(V1.ReportIncidentRequest request, ServerCallContext context)
    {
        var rules = new FieldRules();
        CheckTimestamp(rules, "details.occurred_at", request.Details?.OccurredAt);
        CheckTimestamp(rules, "details.aware_at", request.Details?.AwareAt);
        CheckTimestamp(rules, "details.reported_at", request.Details?.ReportedAt);
        if (request.RequestId.Length > 0 && !Identifiers.IsRequestId(request.RequestId))
        {
            rules.Add("request_id", "must be " + Identifiers.RequestIdDescription);
        }
        RpcErrors.ThrowIfInvalid(rules.Violations);

        var command = ProtoMapping.ToDomain(request);
        var now = clock.GetUtcNow();
        RpcErrors.ThrowIfInvalid(IncidentRules.Validate(command, now));
        if (command.Details.SystemId is { } systemId)
        {
            if (Identifiers.NodeOf(systemId) != Code || await grains.GetGrain<ISystemGrain>(systemId).GetAsync() is null)
            {
                throw RpcErrors.Invalid("details.system_id", $"must name a registration on this node ({Code}); use details.product_id for a product registered elsewhere");
            }
        }
        Incident incident;
        if (request.RequestId.Length == 0)
        {
            incident = Unwrap(await grains.GetGrain<IIncidentGrain>(Identifiers.NewIncidentId(Code)).ReportAsync(command));
            metrics.IncidentReported(incident.Details.Severity);
        }
        else
        {
            incident = await ReportOnceAsync(Caller(context), request.RequestId, command);
        }
        return ProtoMapping.ToProto(incident, clock.GetUtcNow());
    }

    [Authorize(Policy = AccessPolicies.Authority)]
    public override async Task<V1.Incident> GetIncident(V1.GetIncidentRequest request, ServerCallContext context)
    {
        var rules = new FieldRules();
        IncidentRules.ValidateId(rules, request.Id);
        RpcErrors.ThrowIfInvalid(rules.Violations);
        var incident = await grains.GetGrain<IIncidentGrain>(request.Id).GetAsync();
        return ProtoMapping.ToProto(incident ?? throw RpcErrors.NotFound($"The incident {request.Id}"), clock.GetUtcNow());
    }

    [Authorize(Policy = AccessPolicies.Authority)]
    public override async Task<V1.ListIncidentsResponse> ListIncidents(V1.ListIncidentsRequest request, ServerCallContext context)
    {
        var rules = new FieldRules();
        rules.DefinedEnum("status", ProtoMapping.Enum<IncidentStatus>((int)request.Status));
        rules.DefinedEnum("severity", ProtoMapping.Enum<Severity>((int)request.Severity));
        rules.DefinedEnum("harm_type", ProtoMapping.Enum<HarmType>((int)request.HarmType));
        rules.Optional("system_id", request.SystemId, 60);
        rules.Optional("product_id", request.ProductId, 200);
        ValidatePaging(rules, request.PageSize, request.PageToken);
        RpcErrors.ThrowIfInvalid(rules.Violations);

        var now = clock.GetUtcNow();
        var query = new IncidentQuery
        {
            Status = ProtoMapping.FilterName<IncidentStatus>((int)request.Status),
            Severity = ProtoMapping.FilterName<Severity>((int)request.Severity),
            HarmType = ProtoMapping.FilterName<HarmType>((int)request.HarmType),
            SystemId = NullIfEmpty(request.SystemId),
            ProductId = NullIfEmpty(request.ProductId),
            OverdueAt = request.Overdue ? now : null,
            PageSize = request.PageSize == 0 ? RegistryIndex.DefaultPageSize : request.PageSize,
            PageToken = NullIfEmpty(request.PageToken),
        };
        var page = await WithPageToken(() => index.QueryIncidentsAsync(query, context.CancellationToken));
        return new V1.ListIncidentsResponse
        {
            Incidents = { page.Items.Select(r => ProtoMapping.ToProto(r, now)) },
            NextPageToken = page.NextPageToken ?? "",
        };
    }

    [Authorize(Policy = AccessPolicies.Authority)]
    public override async Task<V1.Incident> TransitionIncident(V1.TransitionIncidentRequest request, ServerCallContext context)
    {
        var command = ProtoMapping.ToDomain(request);
        RpcErrors.ThrowIfInvalid(IncidentRules.Validate(command));
        var incident = Unwrap(await grains.GetGrain<IIncidentGrain>(command.Id).TransitionAsync(command));
        return ProtoMapping.ToProto(incident, clock.GetUtcNow());
    }

    // ---------- summary and node ----------

    [Authorize(Policy = AccessPolicies.AuthorityOrObserver)]
    public override async Task<V1.Summary> GetSummary(V1.GetSummaryRequest request, ServerCallContext context)
    {
        var snapshot = await grains.GetGrain<ISummaryGrain>(0).GetAsync();
        return new V1.Summary
        {
            NodeCode = Code,
            TotalSystems = snapshot.TotalSystems,
            TotalIncidents = snapshot.TotalIncidents,
            AsOf = Timestamp.FromDateTimeOffset(snapshot.AsOf),
            Cells =
            {
                snapshot.Cells.Select(c => new V1.SummaryCell
                {
                    Dataset = c.Dataset,
                    Dimension = c.Dimension,
                    Value = c.Value,
                    Count = c.Count,
                }),
            },
        };
    }

    [AllowAnonymous]
    public override async Task<V1.NodeInfo> GetNodeInfo(V1.GetNodeInfoRequest request, ServerCallContext context) =>
        new()
        {
            Code = Code,
            Name = node.Value.Name,
            Role = node.Value.Role,
            Version = SoftwareVersion,
            StorageProvider = database.ProviderName,
            PublicKey = key.PublicKey.ToBase64(),
            KeyId = key.KeyId,
            PolicyVersion = (await Policy.GetAsync()).Version,
            CertificateSha256 = certificate.Sha256,
        };

    // ---------- sharing policy ----------

    [Authorize(Policy = AccessPolicies.Authority)]
    public override async Task<V1.SharingPolicyView> GetPolicy(V1.GetPolicyRequest request, ServerCallContext context) =>
        ToProto(await Policy.GetAsync());

    [Authorize(Policy = AccessPolicies.Authority)]
    public override async Task<V1.SharingPolicyView> ReplacePolicy(V1.ReplacePolicyRequest request, ServerCallContext context)
    {
        if (SharingPolicyDocument.Parse(request.Document, Code).Error is { } error)
        {
            // The document's own paths, under the request field that carries it.
            RpcErrors.ThrowIfInvalid([.. error.Violations.Select(v => v with
            {
                Field = v.Field is "" or "document" ? "document" : "document." + v.Field,
            })]);
        }
        return ToProto(Unwrap(await Policy.ReplaceAsync(request.Document, request.ExpectedVersion)));
    }

    private IPolicyGrain Policy => grains.GetGrain<IPolicyGrain>(IPolicyGrain.NodePolicy);

    private ApiCaller Caller(ServerCallContext context) => ApiCaller.From(context.GetHttpContext().User, auth.Value);

    private static bool IsOwn(ApiCaller caller, string providerId) => caller.IsProvider && caller.ProviderId == providerId;

    private static void RequireOwnOrganisation(ApiCaller caller, string providerId)
    {
        if (!caller.IsAuthority && !IsOwn(caller, providerId))
        {
            throw RpcErrors.From(DomainError.PermissionDenied(
                "A provider registers systems for its own organisation only.",
                [new FieldViolation("provider_id", $"must be your organisation's provider id ({caller.ProviderId})")]));
        }
    }

    // Another organisation's registration answers as if it did not exist, so that drafts stay unseen.
    private async Task RequireOwnSystemAsync(ApiCaller caller, string id)
    {
        if (!caller.IsAuthority && (await grains.GetGrain<ISystemGrain>(id).GetAsync() is not { } system || !IsOwn(caller, system.ProviderId)))
        {
            throw RpcErrors.NotFound($"The registration {id}");
        }
    }

    private static V1.SharingPolicyView ToProto(PolicyVersion policy) => new()
    {
        Version = policy.Version,
        Document = policy.Document,
        UpdatedAt = policy.UpdatedAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
    };

    // ---------- helpers ----------

    private async Task RequireProviderAsync(string providerId)
    {
        if (Identifiers.NodeOf(providerId) != Code || await grains.GetGrain<IProviderGrain>(providerId).GetAsync() is null)
        {
            throw RpcErrors.Invalid("provider_id", $"must name a provider registered on this node ({Code}); create it first with POST /v1/providers");
        }
    }

    private static void ValidateSystemId(string id)
    {
        var rules = new FieldRules();
        SystemRules.ValidateId(rules, id);
        RpcErrors.ThrowIfInvalid(rules.Violations);
    }

    private static void ValidatePaging(FieldRules rules, int pageSize, string pageToken)
    {
        if (pageSize is < 0 or > RegistryIndex.MaxPageSize)
        {
            rules.Add("page_size", $"must be between 1 and {RegistryIndex.MaxPageSize} (0 for the default of {RegistryIndex.DefaultPageSize})");
        }
        rules.Optional("page_token", pageToken, 512);
    }

    // Seconds outside years 1-9999 or nanos outside 0-999,999,999 cannot be converted; refuse them by name.
    private static void CheckTimestamp(FieldRules rules, string field, Timestamp? t)
    {
        if (t is not null && (t.Seconds < -62_135_596_800 || t.Seconds > 253_402_300_799 || t.Nanos is < 0 or > 999_999_999))
        {
            rules.Add(field, "must be a valid timestamp between years 1 and 9999");
        }
    }

    private static async Task<Page<T>> WithPageToken<T>(Func<Task<Page<T>>> query)
    {
        try
        {
            return await query();
        }
        catch (ArgumentException e) when (e.ParamName == "page_token")
        {
            throw RpcErrors.Invalid("page_token", "is not a token this listing returned; start again without it");
        }
    }

    private static T Unwrap<T>(Outcome<T> outcome) =>
        outcome.Error is { } error ? throw RpcErrors.From(error) : outcome.Value!;

    private static string? NullIfEmpty(string s) => string.IsNullOrEmpty(s) ? null : s;
}
