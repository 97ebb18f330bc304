using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using FederatedRegistry.Cli.Manifests;
using FederatedRegistry.Cli.Output;
using FederatedRegistry.Contracts.V1;

namespace FederatedRegistry.Cli.Commands;

/// <summary>fedreg incidents report | list | transition.</summary>
internal static class IncidentsCommands
{
    public static Command Build(GlobalOptions globals, TextWriter output, TextWriter errors)
    {
        var incidents = new Command("incidents", "Incident reports.");
        incidents.Subcommands.Add(Report(globals, output, errors));
        incidents.Subcommands.Add(List(globals, output, errors));
        incidents.Subcommands.Add(Transition(globals, output, errors));
        return incidents;
    }

    private static Command Report(GlobalOptions globals, TextWriter output, TextWriter errors)
    {
        var file = new Argument<string>("incident") { Description = "The incident, YAML or JSON (see examples/incident.yaml). Reporting the same file again reports it once." };
        var command = new Command("report", "Reports an incident involving an AI system.") { file };
        CliApp.SetAction(command, globals, output, errors, async (parse, context, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            var request = IncidentManifest.Parse(CliApp.ReadInput(path), path);
            using var node = context.Connect(context.Settings.RequireOneNode());
            var (incident, code) = await context.CallAsync(node, n => n.Client.ReportIncidentAsync(request, n.Call(cancellationToken)).ResponseAsync);
            if (incident is not null)
            {
                if (context.Output.Format == OutputFormat.Json)
                {
                    context.Output.Json(CliOutput.ToJson(incident));
                }
                else
                {
                    var deadline = incident.ReportingDeadline is { } d
                        ? $"; reporting deadline {d.ToDateTimeOffset().ToString("u", CultureInfo.InvariantCulture)} ({incident.DeadlineRule})"
                        : "";
                    context.Output.Out.WriteLine($"Reported {incident.Id}: {ProtoEnums.Display(incident.Details.Severity)}, {ProtoEnums.Display(incident.Status)}{deadline}{(incident.Overdue ? ", OVERDUE" : "")}.");
                }
            }
            return code;
        });
        return command;
    }

    private static Command List(GlobalOptions globals, TextWriter output, TextWriter errors)
    {
        var overdue = new Option<bool>("--overdue") { Description = "Only incidents unresolved after their reporting deadline." };
        var status = new Option<string?>("--status") { Description = $"One of {ProtoEnums.Choices<IncidentStatus>()}." };
        var severity = new Option<string?>("--severity") { Description = $"One of {ProtoEnums.Choices<Severity>()}." };
        var product = new Option<string?>("--product") { Description = "A global product id." };
        var limit = new Option<int>("--limit") { Description = "At most this many rows.", DefaultValueFactory = _ => 50 };
        var command = new Command("list", "Lists incidents matching the filters.") { overdue, status, severity, product, limit };
        CliApp.SetAction(command, globals, output, errors, async (parse, context, cancellationToken) =>
        {
            var request = new ListIncidentsRequest
            {
                Overdue = parse.GetValue(overdue),
                Status = CliApp.ParseEnum<IncidentStatus>(parse.GetValue(status), "--status"),
                Severity = CliApp.ParseEnum<Severity>(parse.GetValue(severity), "--severity"),
                ProductId = parse.GetValue(product) ?? "",
            };
            return await context.ListAndPrintAsync(parse.GetValue(limit),
                (n, size, token) =>
                {
                    request.PageSize = size;
                    request.PageToken = token;
                    return n.Client.ListIncidentsAsync(request, n.Call(cancellationToken)).ResponseAsync;
                },
                page => page.Incidents, page => page.NextPageToken,
                ["ID", "SEVERITY", "STATUS", "DEADLINE", "OVERDUE", "TITLE"],
                i => [i.Id, ProtoEnums.Display(i.Severity), ProtoEnums.Display(i.Status),
                      i.ReportingDeadline?.ToDateTimeOffset().ToString("u", CultureInfo.InvariantCulture) ?? "-", i.Overdue ? "yes" : "no", i.Title]);
        });
        return command;
    }

    private static Command Transition(GlobalOptions globals, TextWriter output, TextWriter errors)
    {
        var id = new Argument<string>("id") { Description = "The incident id, e.g. KE-INC-...." };
        var to = new Option<string>("--to")
        {
            Description = $"The next status: one step along {string.Join(", ", Enum.GetValues<IncidentStatus>().Skip(1).Select(ProtoEnums.Display))}, " +
                "or closed from any status.",
            Required = true,
            HelpName = "STATUS",
        };
        var note = new Option<string?>("--note") { Description = "Why, kept in the incident's history." };
        var expected = new Option<int>("--expected-version") { Description = "Refuse if the incident changed since this version (0: whatever is current)." };
        var command = new Command("transition", "The authority moves an incident along its lifecycle; an illegal step is refused with the steps allowed now.")
        {
            id, to, note, expected,
        };
        CliApp.SetAction(command, globals, output, errors, async (parse, context, cancellationToken) =>
        {
            var request = new TransitionIncidentRequest
            {
                Id = parse.GetValue(id)!,
                To = CliApp.ParseEnum<IncidentStatus>(parse.GetValue(to), "--to"),
                Note = parse.GetValue(note) ?? "",
                ExpectedVersion = parse.GetValue(expected),
            };
            using var node = context.Connect(context.Settings.RequireOneNode());
            var (incident, code) = await context.CallAsync(node, n => n.Client.TransitionIncidentAsync(request, n.Call(cancellationToken)).ResponseAsync);
            if (incident is not null)
            {
                if (context.Output.Format == OutputFormat.Json)
                {
                    context.Output.Json(CliOutput.ToJson(incident));
                }
                else
                {
                    context.Output.Out.WriteLine($"{incident.Id} is now {ProtoEnums.Display(incident.Status)} (version {incident.Version}){(incident.Overdue ? ", OVERDUE" : "")}.");
                }
            }
            return code;
        });
        return command;
    }
}
