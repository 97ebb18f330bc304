using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using FederatedRegistry.Cli.Manifests;
using FederatedRegistry.Cli.Output;
using FederatedRegistry.Contracts.V1;

namespace FederatedRegistry.Cli.Commands;

/// <summary>fedreg advisories publish | list: lessons learned, sent to the peers the sharing policy allows.</summary>
internal static class AdvisoriesCommands
{
    public static Command Build(GlobalOptions globals, TextWriter output, TextWriter errors)
    {
        var advisories = new Command("advisories", "Advisories: lessons learned from incidents, shared with peers (authority).");
        advisories.Subcommands.Add(Publish(globals, output, errors));
        advisories.Subcommands.Add(List(globals, output, errors));
        return advisories;
    }

    private static Command Publish(GlobalOptions globals, TextWriter output, TextWriter errors)
    {
        var file = new Argument<string>("advisory") { Description = "The advisory, YAML or JSON (see examples/advisory.yaml)." };
        var command = new Command("publish",
            "Publishes an advisory: kept on the node and delivered to every peer its sharing policy allows to receive advisories. " +
            "The file is checked by the node's advisory rules first. Each run publishes a new advisory.") { file };
        CliApp.SetAction(command, globals, output, errors, async (parse, context, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            var request = AdvisoryManifest.Parse(CliApp.ReadInput(path), path);
            using var node = context.Connect(context.Settings.RequireOneNode());
            var (advisory, code) = await context.CallAsync(node, n => n.Client.PublishAdvisoryAsync(request, n.Call(cancellationToken)).ResponseAsync);
            if (advisory is not null)
            {
                if (context.Output.Format == OutputFormat.Json)
                {
                    context.Output.Json(CliOutput.ToJson(advisory));
                }
                else
                {
                    context.Output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"Published {advisory.Id} under policy version {advisory.PolicyVersion}: {advisory.Title}"));
                }
            }
            return code;
        });
        return command;
    }

    private static Command List(GlobalOptions globals, TextWriter output, TextWriter errors)
    {
        var origin = new Option<string?>("--origin") { Description = "A peer's node code, for the advisories received from it. Default: those this node published." };
        var command = new Command("list", "Lists the advisories this node published, or received from one peer (--origin).") { origin };
        CliApp.SetAction(command, globals, output, errors, async (parse, context, cancellationToken) =>
        {
            var request = new ListAdvisoriesRequest { Origin = parse.GetValue(origin)?.Trim().ToUpperInvariant() ?? "" };
            using var node = context.Connect(context.Settings.RequireOneNode());
            var (answer, code) = await context.CallAsync(node, n => n.Client.ListAdvisoriesAsync(request, n.Call(cancellationToken)).ResponseAsync);
            if (answer is null)
            {
                return code;
            }
            context.PrintList(answer.Advisories, ["ID", "PUBLISHED", "CATEGORIES", "TITLE"],
                a => [a.Id, a.PublishedAt?.ToDateTimeOffset().ToString("u", CultureInfo.InvariantCulture) ?? "", string.Join(",", a.Categories), a.Title]);
            return ExitCodes.Ok;
        });
        return command;
    }
}
