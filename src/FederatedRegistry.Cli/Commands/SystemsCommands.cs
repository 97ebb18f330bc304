using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using FederatedRegistry.Cli.Errors;
using FederatedRegistry.Cli.Manifests;
using FederatedRegistry.Cli.Output;
using FederatedRegistry.Contracts.V1;
using Grpc.Core;

namespace FederatedRegistry.Cli.Commands;

/// <summary>fedreg systems register | update | show | list | decide.</summary>
internal static class SystemsCommands
{
    public static Command Build(GlobalOptions globals, TextWriter output, TextWriter errors)
    {
        var systems = new Command("systems", "AI system registrations.");
        systems.Subcommands.Add(Register(globals, output, errors));
        systems.Subcommands.Add(Update(globals, output, errors));
        systems.Subcommands.Add(Show(globals, output, errors));
        systems.Subcommands.Add(List(globals, output, errors));
        systems.Subcommands.Add(Decide(globals, output, errors));
        return systems;
    }

    private static Command Register(GlobalOptions globals, TextWriter output, TextWriter errors)
    {
        var file = new Argument<string>("manifest") { Description = "The product manifest, YAML or JSON (see examples/product.yaml)." };
        var command = new Command("register", "Registers one product in every --node given, and reports per node: created, already registered, or refused with the fields at fault.") { file };
        CliApp.SetAction(command, globals, output, errors, async (parse, context, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            var manifest = ProductManifest.Parse(CliApp.ReadInput(path), path);
            var nodes = context.Settings.RequireNodes();
            var outcomes = await Task.WhenAll(nodes.Select(async node =>
            {
                using var connection = context.Connect(node);
                return await new Registrar(connection).RegisterAsync(manifest, cancellationToken);
            }));
            if (context.Output.Format == OutputFormat.Json)
            {
                context.Output.Json(new JsonArray([.. outcomes.Select(o => (JsonNode)new JsonObject
                {
                    ["node"] = o.Node,
                    ["result"] = o.Result.ToString(),
                    ["system"] = o.System is null ? null : CliOutput.ToJson(o.System),
                    ["error"] = o.Error is null ? null : CliOutput.ErrorJson(o.Error),
                })]));
            }
            else
            {
                foreach (var outcome in outcomes)
                {
                    if (outcome.Error is { } error)
                    {
                        context.Output.Out.WriteLine(string.Join('\n', error.Lines()));
                    }
                    else
                    {
                        context.Output.Out.WriteLine($"{outcome.Node}: {outcome.Describe()}");
                    }
                }
            }
            return ExitCodes.Combine(outcomes.Select(o => o.ExitCode));
        });
        return command;
    }

    private static Command Update(GlobalOptions globals, TextWriter output, TextWriter errors)
    {
        var id = new Argument<string>("id") { Description = "The registration id, e.g. KE-SYS-...." };
        var file = new Argument<string>("manifest")
        {
            Description = "The product manifest with the new details, YAML or JSON: the file that registered it (examples/product.yaml) serves; " +
                "its product_id must be the registration's, and provider and submit are not used.",
        };
        var version = new Option<int?>("--version", "--expected-version")
        {
            Description = "The version you last read (state_version in 'systems show'); the update is refused as a conflict if the registration " +
                "changed since. Default: the current version, read just before.",
            HelpName = "N",
        };
        var submit = new Option<bool>("--submit")
        {
            Description = "Also submit it for review: a draft, or a rejected or withdrawn registration (which an update reopens as a draft).",
        };
        var command = new Command("update", "Replaces the provider-supplied details of one registration; every update is a new version.") { id, file, version, submit };
        CliApp.SetAction(command, globals, output, errors, async (parse, context, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            var systemId = parse.GetValue(id)!;
            var manifest = ProductManifest.Parse(CliApp.ReadInput(path), path, requireProvider: false);
            var expected = parse.GetValue(version);
            if (expected < 1)
            {
                throw new Connection.UsageException("--version must be a version number (1 or more), as 'fedreg systems show' prints it.");
            }
            using var node = context.Connect(context.Settings.RequireOneNode());
            if (expected is null)
            {
                var (current, readCode) = await context.CallAsync(node, n => n.Client.GetSystemAsync(new GetSystemRequest { Id = systemId }, n.Call(cancellationToken)).ResponseAsync);
                if (current is null)
                {
                    return readCode;
                }
                if (current.ProductId != manifest.ProductId)
                {
                    throw new Connection.UsageException(
                        $"{path} describes the product {manifest.ProductId}, but {systemId} is the registration of {current.ProductId}; nothing was sent.");
                }
                expected = current.Version;
            }

            var request = new UpdateSystemRequest { Id = systemId, ExpectedVersion = expected.Value, Details = manifest.Details.Clone(), Submit = parse.GetValue(submit) };
            AiSystem updated;
            try
            {
                updated = await node.Client.UpdateSystemAsync(request, node.Call(cancellationToken));
            }
            catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
            {
                var error = ErrorTranslator.Translate(e, node.Name);
                context.Output.Error(error);
                if (e.StatusCode == StatusCode.Aborted)
                {
                    context.Output.Errors.WriteLine(
                        $"{systemId} changed since version {expected}: see it with 'fedreg systems show {systemId}', then update again (without --version the current version is read first).");
                }
                return error.ExitCode;
            }
            if (context.Output.Format == OutputFormat.Json)
            {
                context.Output.Json(CliOutput.ToJson(updated));
            }
            else
            {
                context.Output.Out.WriteLine($"{updated.Id} updated: version {updated.Version}, {ProtoEnums.Display(updated.Status)}.");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show(GlobalOptions globals, TextWriter output, TextWriter errors)
    {
        var id = new Argument<string>("id") { Description = "The registration id, e.g. KE-SYS-...." };
        var command = new Command("show", "Shows the current version of one registration.") { id };
        CliApp.SetAction(command, globals, output, errors, async (parse, context, cancellationToken) =>
        {
            using var node = context.Connect(context.Settings.RequireOneNode());
            var (system, code) = await context.CallAsync(node, n => n.Client.GetSystemAsync(new GetSystemRequest { Id = parse.GetValue(id)! }, n.Call(cancellationToken)).ResponseAsync);
            if (system is not null)
            {
                if (context.Output.Format == OutputFormat.Json)
                {
                    context.Output.Json(CliOutput.ToJson(system));
                }
                else
                {
                    context.Output.Table(["FIELD", "VALUE"], SystemRows(system));
                }
            }
            return code;
        });
        return command;
    }

    internal static IEnumerable<IReadOnlyList<string>> SystemRows(AiSystem s)
    {
        var d = s.Details ?? new SystemDetails();
        yield return ["id", s.Id];
        yield return ["product_id", s.ProductId];
        yield return ["provider_id", s.ProviderId];
        yield return ["name", d.Name];
        yield return ["version", d.Version];
        yield return ["status", ProtoEnums.Display(s.Status)];
        yield return ["category", ProtoEnums.Display(d.Category)];
        yield return ["proposed_risk_tier", ProtoEnums.Display(d.ProposedRiskTier)];
        yield return ["decided_risk_tier", ProtoEnums.Display(s.DecidedRiskTier)];
        yield return ["markets", string.Join(",", d.Markets)];
        yield return ["deployment_status", ProtoEnums.Display(d.DeploymentStatus)];
        yield return ["intended_purpose", d.IntendedPurpose];
        yield return ["decision_reason", s.DecisionReason];
        yield return ["state_version", s.Version.ToString(CultureInfo.InvariantCulture)];
        yield return ["updated_at", s.UpdatedAt?.ToDateTimeOffset().ToString("u", CultureInfo.InvariantCulture) ?? ""];
    }

    private static Command List(GlobalOptions globals, TextWriter output, TextWriter errors)
    {
        var status = new Option<string?>("--status") { Description = $"One of {ProtoEnums.Choices<SystemStatus>()}." };
        var risk = new Option<string?>("--risk-tier") { Description = $"One of {ProtoEnums.Choices<RiskTier>()} (the decided tier, or the proposed one while undecided)." };
        var category = new Option<string?>("--category") { Description = $"One of {ProtoEnums.Choices<Category>()}." };
        var provider = new Option<string?>("--provider") { Description = "A provider id, e.g. KE-PRV-acme-health." };
        var product = new Option<string?>("--product") { Description = "A global product id." };
        var text = new Option<string?>("--text") { Description = "Text to find in the name or intended purpose." };
        var limit = new Option<int>("--limit") { Description = "At most this many rows (pages are fetched as needed).", DefaultValueFactory = _ => 50 };
        var command = new Command("list", "Lists registrations matching the filters.") { status, risk, category, provider, product, text, limit };
        CliApp.SetAction(command, globals, output, errors, async (parse, context, cancellationToken) =>
        {
            var request = new ListSystemsRequest
            {
                Status = CliApp.ParseEnum<SystemStatus>(parse.GetValue(status), "--status"),
                RiskTier = CliApp.ParseEnum<RiskTier>(parse.GetValue(risk), "--risk-tier"),
                Category = CliApp.ParseEnum<Category>(parse.GetValue(category), "--category"),
                ProviderId = parse.GetValue(provider) ?? "",
                ProductId = parse.GetValue(product) ?? "",
                Text = parse.GetValue(text) ?? "",
            };
            return await context.ListAndPrintAsync(parse.GetValue(limit),
                (n, size, token) =>
                {
                    request.PageSize = size;
                    request.PageToken = token;
                    return n.Client.ListSystemsAsync(request, n.Call(cancellationToken)).ResponseAsync;
                },
                page => page.Systems, page => page.NextPageToken,
                ["ID", "STATUS", "RISK_TIER", "CATEGORY", "PRODUCT_ID", "NAME"],
                i => [i.Id, ProtoEnums.Display(i.Status), ProtoEnums.Display(i.DecidedRiskTier != RiskTier.Unspecified ? i.DecidedRiskTier : i.ProposedRiskTier),
                      ProtoEnums.Display(i.Category), i.ProductId, i.Name]);
        });
        return command;
    }

    private static Command Decide(GlobalOptions globals, TextWriter output, TextWriter errors)
    {
        var id = new Argument<string>("id") { Description = "The registration id." };
        var decision = new Option<string>("--decision") { Description = $"One of {ProtoEnums.Choices<Decision>()}.", Required = true };
        var risk = new Option<string?>("--risk-tier") { Description = "The decided tier; required with --decision register." };
        var reason = new Option<string?>("--reason") { Description = "Why; required for reject, suspend and withdraw." };
        var expected = new Option<int>("--expected-version") { Description = "Refuse if the registration changed since this version (0: whatever is current)." };
        var command = new Command("decide", "The authority's decision on a registration.") { id, decision, risk, reason, expected };
        CliApp.SetAction(command, globals, output, errors, async (parse, context, cancellationToken) =>
        {
            var request = new DecideSystemRequest
            {
                Id = parse.GetValue(id)!,
                Decision = CliApp.ParseEnum<Decision>(parse.GetValue(decision), "--decision"),
                DecidedRiskTier = CliApp.ParseEnum<RiskTier>(parse.GetValue(risk), "--risk-tier"),
                Reason = parse.GetValue(reason) ?? "",
                ExpectedVersion = parse.GetValue(expected),
            };
            using var node = context.Connect(context.Settings.RequireOneNode());
            var (system, code) = await context.CallAsync(node, n => n.Client.DecideSystemAsync(request, n.Call(cancellationToken)).ResponseAsync);
            if (system is not null)
            {
                if (context.Output.Format == OutputFormat.Json)
                {
                    context.Output.Json(CliOutput.ToJson(system));
                }
                else
                {
                    context.Output.Out.WriteLine($"{system.Id} is now {ProtoEnums.Display(system.Status)} (version {system.Version}).");
                }
            }
            return code;
        });
        return command;
    }
}
