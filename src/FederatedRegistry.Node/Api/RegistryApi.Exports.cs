using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Exports;
using FederatedRegistry.Domain.Incidents;
using FederatedRegistry.Domain.Providers;
using FederatedRegistry.Domain.Registrations;
using FederatedRegistry.Grains;
using FederatedRegistry.Node.Hosting;
using FederatedRegistry.Storage;
using Google.Api;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Net.Http.Headers;
using V1 = FederatedRegistry.Contracts.V1;

namespace FederatedRegistry.Node.Api;

/// <summary>
/// Incidents and registrations as files (docs/exports.md). The records are read a page of the read model at a time
/// and each from its grain, the source of truth, and the file leaves in chunks as it is written: an export never holds
/// the registry in memory.
/// </summary>
internal sealed partial class RegistryApi
{
    private const int ExportPageSize = 200;

    [Authorize(Policy = AccessPolicies.Authority)]
    public override async Task ExportIncidents(V1.ExportIncidentsRequest request, IServerStreamWriter<HttpBody> responseStream, ServerCallContext context)
    {
        var rules = new FieldRules();
        var format = ExportFormats.Validate(rules, "format", request.Format);
        rules.DefinedEnum("status", ProtoMapping.Enum<IncidentStatus>((int)request.Status));
        rules.DefinedEnum("severity", ProtoMapping.Enum<Severity>((int)request.Severity));
        rules.DefinedEnum("harm_type", ProtoMapping.Enum<HarmType>((int)request.HarmType));
        rules.Optional("system_id", request.SystemId, 60);
        rules.Optional("product_id", request.ProductId, 200);
        RpcErrors.ThrowIfInvalid(rules.Violations);

        var now = clock.GetUtcNow();
        var ct = context.CancellationToken;
        var query = new IncidentQuery
        {
            Status = ProtoMapping.FilterName<IncidentStatus>((int)request.Status),
            Severity = ProtoMapping.FilterName<Severity>((int)request.Severity),
            HarmType = ProtoMapping.FilterName<HarmType>((int)request.HarmType),
            SystemId = NullIfEmpty(request.SystemId),
            ProductId = NullIfEmpty(request.ProductId),
            OverdueAt = request.Overdue ? now : null,
            PageSize = ExportPageSize,
        };
        using var export = new ExportStream(format!.Value, IncidentExport.Dataset, IncidentExport.Columns, Code, now, responseStream, context);
        var providers = new Dictionary<string, Provider?>(StringComparer.Ordinal);
        do
        {
            var page = await index.QueryIncidentsAsync(query, ct);
            var incidents = (await Task.WhenAll(page.Items.Select(r => grains.GetGrain<IIncidentGrain>(r.Id).GetAsync()))).OfType<Incident>().ToList();
            var systems = await SystemsAsync(incidents.Select(IncidentExport.LinkedSystemId));
            await ProvidersAsync(providers, systems.Values.OfType<AiSystem>().Select(s => s.ProviderId));
            foreach (var incident in incidents)
            {
                var system = IncidentExport.LinkedSystemId(incident) is { } id ? systems.GetValueOrDefault(id) : null;
                var provider = system is null ? null : providers.GetValueOrDefault(system.ProviderId);
                export.Writer.WriteRow(IncidentExport.Row(new IncidentExportSource(incident, system, provider, now)));
            }
            await export.SendIfFullAsync();
            query = query with { PageToken = page.NextPageToken };
        }
        while (query.PageToken is not null);
        await export.CompleteAsync();
    }

    [AllowAnonymous]
    public override async Task ExportRegistrations(V1.ExportRegistrationsRequest request, IServerStreamWriter<HttpBody> responseStream, ServerCallContext context)
    {
        var rules = new FieldRules();
        var format = ExportFormats.Validate(rules, "format", request.Format);
        rules.DefinedEnum("status", ProtoMapping.Enum<SystemStatus>((int)request.Status));
        rules.DefinedEnum("risk_tier", ProtoMapping.Enum<RiskTier>((int)request.RiskTier));
        rules.DefinedEnum("category", ProtoMapping.Enum<Category>((int)request.Category));
        rules.Optional("provider_id", request.ProviderId, 60);
        rules.Optional("product_id", request.ProductId, 200);
        RpcErrors.ThrowIfInvalid(rules.Violations);

        var caller = Caller(context);
        var query = new SystemQuery
        {
            Status = ProtoMapping.FilterName<SystemStatus>((int)request.Status),
            RiskTier = ProtoMapping.FilterName<RiskTier>((int)request.RiskTier),
            Category = ProtoMapping.FilterName<Category>((int)request.Category),
            // A provider exports its own registrations unless it names another organisation, whose public ones it then gets.
            ProviderId = NullIfEmpty(request.ProviderId) ?? (caller.IsProvider ? caller.ProviderId : null),
            ProductId = NullIfEmpty(request.ProductId),
            PageSize = ExportPageSize,
        };
        query = PublicRegister.For(caller, query);

        using var export = new ExportStream(format!.Value, RegistrationExport.Dataset, RegistrationExport.Columns, Code, clock.GetUtcNow(), responseStream, context);
        var providers = new Dictionary<string, Provider?>(StringComparer.Ordinal);
        while (query is not null)
        {
            var page = await index.QuerySystemsAsync(query, context.CancellationToken);
            var systems = (await Task.WhenAll(page.Items.Select(r => grains.GetGrain<ISystemGrain>(r.Id).GetAsync()))).OfType<AiSystem>().ToList();
            await ProvidersAsync(providers, systems.Select(s => s.ProviderId));
            foreach (var system in systems)
            {
                var whole = caller.IsAuthority || IsOwn(caller, system.ProviderId);
                // The read model may lag its grain by a moment: what the grain holds now decides what is shown.
                if (whole || PublicRegister.Shows(system))
                {
                    var source = new RegistrationExportSource(system, providers.GetValueOrDefault(system.ProviderId), PublicView: !whole);
                    export.Writer.WriteRow(RegistrationExport.Row(source));
                }
            }
            await export.SendIfFullAsync();
            query = page.NextPageToken is { } next ? query with { PageToken = next } : null;
        }
        await export.CompleteAsync();
    }

    /// <summary>The registrations on this node with these ids, null for an id that names none.</summary>
    private async Task<Dictionary<string, AiSystem?>> SystemsAsync(IEnumerable<string?> ids)
    {
        var local = ids.OfType<string>().Where(id => Identifiers.IsSystemId(id) && Identifiers.NodeOf(id) == Code).Distinct(StringComparer.Ordinal).ToList();
        var systems = await Task.WhenAll(local.Select(id => grains.GetGrain<ISystemGrain>(id).GetAsync()));
        return local.Zip(systems).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
    }

    /// <summary>Adds the providers not read yet to <paramref name="known"/>; an export meets few organisations, many times.</summary>
    private async Task ProvidersAsync(Dictionary<string, Provider?> known, IEnumerable<string> ids)
    {
        var missing = ids.Where(id => !known.ContainsKey(id)).Distinct(StringComparer.Ordinal).ToList();
        var providers = await Task.WhenAll(missing.Select(id => grains.GetGrain<IProviderGrain>(id).GetAsync()));
        foreach (var (id, provider) in missing.Zip(providers))
        {
            known[id] = provider;
        }
    }

    /// <summary>
    /// An export file on its way out: rows are written to a buffer, which leaves as one <see cref="HttpBody"/> chunk
    /// whenever it holds enough whole rows, and at the end.
    /// </summary>
    private sealed class ExportStream : IDisposable
    {
        private const int ChunkBytes = 64 * 1024;

        private readonly IServerStreamWriter<HttpBody> _responses;
        private readonly MemoryStream _buffer = new();
        private readonly bool _transcoded;

        public ExportStream(ExportFormat format, string dataset, IReadOnlyList<string> columns, string node, DateTimeOffset now,
            IServerStreamWriter<HttpBody> responses, ServerCallContext context)
        {
            _responses = responses;
            Writer = ExportWriter.Create(format, _buffer, dataset, columns, node, now);
            var http = context.GetHttpContext();
            // A gRPC call always carries an application/grpc content type; a call through JSON transcoding never does.
            _transcoded = !(http.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) ?? false);
            if (_transcoded)
            {
                var file = $"{node}-{dataset}-{now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.{Writer.Extension}";
                http.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = file }.ToString();
            }
        }

        public ExportWriter Writer { get; }

        public Task SendIfFullAsync()
        {
            Writer.Flush();
            return _buffer.Length >= ChunkBytes ? SendAsync() : Task.CompletedTask;
        }

        public Task CompleteAsync()
        {
            Writer.Complete();
            return _buffer.Length > 0 ? SendAsync() : Task.CompletedTask;
        }

        private async Task SendAsync()
        {
            var length = (int)_buffer.Length;
            // JSON transcoding writes a line break after each message of a server stream. Every chunk ends with a line
            // break of its own, which is left to the transcoder, so that HTTP and gRPC callers get the same bytes.
            if (_transcoded && length > 0 && _buffer.GetBuffer()[length - 1] == (byte)'\n')
            {
                length--;
            }
            await _responses.WriteAsync(new HttpBody { ContentType = Writer.ContentType, Data = ByteString.CopyFrom(_buffer.GetBuffer(), 0, length) });
            _buffer.SetLength(0);
        }

        public void Dispose()
        {
            Writer.Dispose();
            _buffer.Dispose();
        }
    }
}
