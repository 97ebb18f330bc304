using System.CommandLine;
using System.Globalization;
using FederatedRegistry.Cli.Output;
using FederatedRegistry.Contracts.V1;

namespace FederatedRegistry.Cli.Commands;

/// <summary>fedreg federation summary | product: what the node's peers share, as the node asks them.</summary>
internal static class FederationCommands
{
    public static Command Build(GlobalOptions globals, TextWriter output, TextWriter errors)
    {
        var federation = new Command("federation", "Ask every peer of the node at once.");
        federation.Subcommands.Add(Summary(globals, output, errors));
        federation.Subcommands.Add(Product(globals, output, errors));
        return federation;
    }

    private static Command Summary(GlobalOptions globals, TextWriter output, TextWriter errors)
    {
        var dimensions = new Option<string>("--dimensions") { Description = "1-4 comma-separated dimensions, e.g. risk_tier,category.", Required = true };
        var dataset = new Option<string?>("--dataset") { Description = "systems (default) or incidents." };
        var deadline = new Option<int>("--deadline-ms") { Description = "How long the answer may take, in ms (the node's Federation:QueryDeadline when 0)." };
        var command = new Command("summary", "Counts from every national peer, each with the node and policy version that supplied it.") { dimensions, dataset, deadline };
        dataset.AcceptOnlyFromAmong("systems", "incidents");
        CliApp.SetAction(command, globals, output, errors, async (parse, context, cancellationToken) =>
        {
            var request = new GetFederationSummaryRequest { Dimensions = parse.GetValue(dimensions)!, Dataset = parse.GetValue(dataset) ?? "", DeadlineMs = parse.GetValue(deadline) };
            using var node = context.Connect(context.Settings.RequireOneNode());
            var (summary, code) = await context.CallAsync(node, n => n.Client.GetFederationSummaryAsync(request, n.Call(cancellationToken)).ResponseAsync);
            if (summary is null)
            {
                return code;
            }
            if (context.Output.Format == OutputFormat.Json)
            {
                context.Output.Json(CliOutput.ToJson(summary));
                return ExitCodes.Ok;
            }
            var headers = new List<string> { "NODE", "POLICY" };
            headers.AddRange(summary.Dimensions.Select(d => d.ToUpperInvariant()));
            headers.Add("COUNT");
            var rows = summary.Rows.SelectMany(r => r.Cells.Select(c => (IReadOnlyList<string>)
                [c.Node, c.PolicyVersion.ToString(CultureInfo.InvariantCulture), .. c.Values, c.Count.ToString(CultureInfo.InvariantCulture)]))
                .Concat(summary.Totals.Select(t => (IReadOnlyList<string>)
                ["total", "", .. t.Values, t.Count.ToString(CultureInfo.InvariantCulture)]));
            context.Output.Table(headers, rows);
            foreach (var peer in summary.Unanswered)
            {
                context.Output.Out.WriteLine($"{peer.Node} did not answer: {peer.Reason}{(peer.Detail.Length > 0 ? " (" + peer.Detail + ")" : "")}.");
            }
            if (summary.Partial)
            {
                context.Output.Out.WriteLine("Partial: the totals cover only the nodes that answered.");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Product(GlobalOptions globals, TextWriter output, TextWriter errors)
    {
        var productId = new Argument<string>("product-id") { Description = "The global product id, e.g. acme-health.example/triage-assist." };
        var command = new Command("product", "Where else the product is registered, and with what status, as each peer's policy permits.") { productId };
        CliApp.SetAction(command, globals, output, errors, async (parse, context, cancellationToken) =>
        {
            using var node = context.Connect(context.Settings.RequireOneNode());
            var request = new LookupFederationProductRequest { ProductId = parse.GetValue(productId)! };
            var (product, code) = await context.CallAsync(node, n => n.Client.LookupFederationProductAsync(request, n.Call(cancellationToken)).ResponseAsync);
            if (product is null)
            {
                return code;
            }
            if (context.Output.Format == OutputFormat.Json)
            {
                context.Output.Json(CliOutput.ToJson(product));
                return ExitCodes.Ok;
            }
            context.Output.Table(["NODE", "REGISTERED", "STATUS", "POLICY"], product.Jurisdictions.Select(j => (IReadOnlyList<string>)
                [j.Node, j.Registered ? "yes" : "no (or not shared)",
                 j.Record?.Fields.TryGetValue("status", out var s) == true ? s.StringValue : "",
                 j.PolicyVersion.ToString(CultureInfo.InvariantCulture)]));
            foreach (var peer in product.Unanswered)
            {
                context.Output.Out.WriteLine($"{peer.Node} did not answer: {peer.Reason}{(peer.Detail.Length > 0 ? " (" + peer.Detail + ")" : "")}.");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
