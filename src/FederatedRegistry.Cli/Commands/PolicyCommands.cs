using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using FederatedRegistry.Cli.Errors;
using FederatedRegistry.Cli.Manifests;
using FederatedRegistry.Cli.Output;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Domain.Sharing;
using Grpc.Core;

namespace FederatedRegistry.Cli.Commands;

/// <summary>fedreg policy show | apply: the node's sharing policy, for its authority.</summary>
internal static class PolicyCommands
{
    public static Command Build(GlobalOptions globals, TextWriter output, TextWriter errors)
    {
        var policy = new Command("policy", "The node's sharing policy: what leaves the node, to whom, in what form (authority).");
        policy.Subcommands.Add(Show(globals, output, errors));
        policy.Subcommands.Add(Apply(globals, output, errors));
        return policy;
    }

    private static Command Show(GlobalOptions globals, TextWriter output, TextWriter errors)
    {
        var command = new Command("show",
            "Shows the policy in force: one row per audience and dataset in table mode; with --output json, the policy document itself " +
            "(which 'policy apply' takes back).");
        CliApp.SetAction(command, globals, output, errors, async (parse, context, cancellationToken) =>
        {
            using var node = context.Connect(context.Settings.RequireOneNode());
            var (view, code) = await context.CallAsync(node, n => n.Client.GetPolicyAsync(new GetPolicyRequest(), n.Call(cancellationToken)).ResponseAsync);
            if (view is null)
            {
                return code;
            }
            if (context.Output.Format == OutputFormat.Json)
            {
                context.Output.Json(JsonNode.Parse(view.Document)!);
                return ExitCodes.Ok;
            }
            WriteTable(context.Output, node.Name, view);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Apply(GlobalOptions globals, TextWriter output, TextWriter errors)
    {
        var file = new Argument<string>("policy")
        {
            Description = "The policy, JSON (examples/policy.json, // comments allowed) or YAML (examples/policy.yaml). Its version is replaced: the node numbers versions.",
        };
        var expected = new Option<int?>("--expected-version")
        {
            Description = "Refuse if the policy changed since this version (as 'policy show' printed it). Default: the version in force now.",
        };
        var command = new Command("apply",
            "Installs a new version of the sharing policy. The file is checked first by the node's own rules, here: each violation is " +
            "printed with its field path and nothing is sent (exit 2).") { file, expected };
        CliApp.SetAction(command, globals, output, errors, async (parse, context, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            // Every rule but the node's code is checked before the node is even named, let alone called.
            var document = PolicyFile.Read(CliApp.ReadInput(path), path);
            using var node = context.Connect(context.Settings.RequireOneNode());
            var (info, infoCode) = await context.CallAsync(node, n => n.Client.GetNodeInfoAsync(new GetNodeInfoRequest(), n.Call(cancellationToken)).ResponseAsync);
            if (info is null)
            {
                return infoCode;
            }
            PolicyFile.Check(document, path, info.Code);
            var expectedVersion = parse.GetValue(expected) ?? info.PolicyVersion;
            if (expectedVersion < 0)
            {
                throw new Connection.UsageException("--expected-version must be 0 (no policy installed yet) or a version number.");
            }

            var request = new ReplacePolicyRequest { Document = document, ExpectedVersion = expectedVersion };
            SharingPolicyView view;
            try
            {
                view = await node.Client.ReplacePolicyAsync(request, node.Call(cancellationToken));
            }
            catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
            {
                var error = ErrorTranslator.Translate(e, node.Name);
                context.Output.Error(error);
                if (e.StatusCode == StatusCode.Aborted)
                {
                    context.Output.Errors.WriteLine(
                        $"The policy changed since version {expectedVersion}: see it with 'fedreg policy show', then apply again (without --expected-version the version in force is used).");
                }
                return error.ExitCode;
            }

            if (context.Output.Format == OutputFormat.Json)
            {
                context.Output.Json(new JsonObject
                {
                    ["node"] = node.Name,
                    ["changed"] = view.Version != expectedVersion,
                    ["version"] = view.Version,
                    ["updatedAt"] = view.UpdatedAt?.ToDateTimeOffset().ToString("o", CultureInfo.InvariantCulture),
                });
            }
            else
            {
                context.Output.Out.WriteLine(view.Version == expectedVersion
                    ? $"{node.Name}: the policy in force already is this one (version {view.Version}); nothing changed."
                    : $"{node.Name}: installed policy version {view.Version} (it replaces version {expectedVersion}).");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void WriteTable(CliOutput output, string node, SharingPolicyView view)
    {
        var installed = view.UpdatedAt is { } at ? $", installed {at.ToDateTimeOffset().ToString("u", CultureInfo.InvariantCulture)}" : "";
        if (view.Version == 0)
        {
            output.Out.WriteLine($"{node}: policy version 0, the built-in deny-all: nothing leaves this node until a policy is applied ('fedreg policy apply policy.yaml').");
            return;
        }
        if (SharingPolicyDocument.Parse(view.Document).Value is not { } policy)
        {
            // A node that wrote a document its own parser refuses is worth seeing as it is, not hiding.
            output.Out.WriteLine($"{node}: policy version {view.Version}{installed}; its document as the node holds it:");
            output.Out.WriteLine(view.Document);
            return;
        }
        output.Out.WriteLine($"Sharing policy of {policy.NodeCode} ({node}), version {view.Version}{installed}.");
        if (policy.Grants.Count == 0)
        {
            output.Out.WriteLine("No grants: nothing leaves this node.");
            return;
        }
        output.Out.WriteLine("Deny by default: an audience not listed receives nothing, a listed one only what its rows say.");
        output.Out.WriteLine();
        output.Table(["AUDIENCE", "DATASET", "SHARED AS", "WHAT"], policy.Grants.SelectMany(Rows));
    }

    private static IEnumerable<IReadOnlyList<string>> Rows(AudienceGrant grant)
    {
        foreach (var (name, dataset) in new[] { ("systems", grant.Systems), ("incidents", grant.Incidents) })
        {
            if (dataset?.Summary is { } summary)
            {
                yield return [grant.Audience, name, "summary",
                    string.Create(CultureInfo.InvariantCulture, $"counts by {string.Join(", ", summary.Dimensions)}; cells below {summary.MinCount} withheld")];
            }
            if (dataset?.Records is { } records)
            {
                var filter = records.Filter is { Count: > 0 } terms
                    ? "; only where " + string.Join(" and ", terms.Select(t => $"{t.Field} is {string.Join(" or ", t.Values)}"))
                    : "";
                yield return [grant.Audience, name, "records", $"fields {string.Join(", ", records.Fields)}{filter}"];
            }
            if (dataset?.Alerts is { } alerts)
            {
                var conditions = new List<string>
                {
                    alerts.MinSeverity is { } severity ? $"{Domain.EnumNames.ToSnake(severity)} or worse" : "any severity",
                };
                if (alerts.CrossBorderOnly)
                {
                    conditions.Add("cross-border only");
                }
                if (alerts.AffectingRecipientOnly)
                {
                    conditions.Add("only those affecting the recipient");
                }
                yield return [grant.Audience, name, "alerts", $"{string.Join(", ", conditions)}; fields {string.Join(", ", alerts.Fields)}"];
            }
        }
        if (grant.Advisories)
        {
            yield return [grant.Audience, "advisories", "sent", "every advisory this node publishes"];
        }
    }
}
