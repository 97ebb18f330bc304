using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using FederatedRegistry.Cli.Errors;
using FederatedRegistry.Cli.Manifests;
using FederatedRegistry.Cli.Output;

namespace FederatedRegistry.Cli.Commands;

/// <summary>One row's fate in an import.</summary>
internal sealed record ImportResult(int Row, string? ProductId, bool Accepted, string Result, string? SystemId, string? Reason);

/// <summary>
/// fedreg import registrations.csv|json: registers each row in one node. Resumable without any state of its own:
/// registration ids derive from product ids, so a row an interrupted run already registered answers ALREADY_EXISTS on
/// the rerun, and counts as done when the node holds the same content.
/// </summary>
internal static class ImportCommand
{
    public static Command Build(GlobalOptions globals, TextWriter output, TextWriter errors)
    {
        var file = new Argument<string>("file") { Description = "registrations.csv (header row naming the columns) or registrations.json/.yaml (a list of product manifests)." };
        var command = new Command("import", "Registers many products in one node, with progress on stderr and a report of accepted and rejected rows. Rerunning after an interruption creates no duplicates.") { file };
        CliApp.SetAction(command, globals, output, errors, async (parse, context, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            var rows = ImportFile.Read(CliApp.ReadInput(path), path);
            using var node = context.Connect(context.Settings.RequireOneNode());
            var registrar = new Registrar(node);
            var progress = new ProgressBar(errors, rows.Count, interactive: ReferenceEquals(errors, Console.Error) && !Console.IsErrorRedirected);
            var results = new List<ImportResult>();
            // Running counts: counting the results again for every row made an import quadratic in its length.
            var accepted = 0;
            CliError? fatal = null;
            var interrupted = false;
            try
            {
                foreach (var row in rows)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var result = await ImportRowAsync(registrar, row, cancellationToken);
                    results.Add(result.Result);
                    accepted += result.Result.Accepted ? 1 : 0;
                    progress.Report(results.Count, accepted, results.Count - accepted);
                    if (result.Error?.ExitCode is ExitCodes.CannotConnect or ExitCodes.Unauthorized)
                    {
                        // Every further row would fail the same way; stop, and let the rerun pick up from here.
                        fatal = result.Error;
                        break;
                    }
                }
            }
            catch (Exception e) when (cancellationToken.IsCancellationRequested && e is OperationCanceledException or Grpc.Core.RpcException)
            {
                // The row in flight may or may not have been registered; the rerun finds out by comparing content.
                interrupted = true;
                progress.Stop();
            }

            WriteReport(context.Output, rows.Count, results, interrupted);
            if (fatal is not null)
            {
                context.Output.Error(fatal);
                errors.WriteLine($"Stopped after row {results.Count} of {rows.Count}; rerun the same command to continue.");
                return fatal.ExitCode;
            }
            if (interrupted)
            {
                errors.WriteLine($"Interrupted after {results.Count} of {rows.Count} rows; rerun the same command to continue (rows already registered count as done).");
                return ExitCodes.Interrupted;
            }
            return results.All(r => r.Accepted) ? ExitCodes.Ok : ExitCodes.SomeFailed;
        });
        return command;
    }

    private static async Task<(ImportResult Result, CliError? Error)> ImportRowAsync(Registrar registrar, ImportRow row, CancellationToken cancellationToken)
    {
        if (row.Manifest is null)
        {
            return (new ImportResult(row.Number, row.ProductId, false, "invalid", null, string.Join("; ", row.Problems)), null);
        }
        var outcome = await registrar.RegisterAsync(row.Manifest, cancellationToken);
        var reason = outcome.Error is { } e
            ? (e.Fields.Count > 0 ? string.Join("; ", e.Fields) : e.Sentence)
            : outcome.Succeeded ? null : outcome.Describe();
        var result = outcome.Result switch
        {
            RegistrationResult.Created => "created",
            RegistrationResult.AlreadyRegistered => "already registered",
            RegistrationResult.ExistsWithOtherDetails => "exists with other details",
            _ => "refused",
        };
        return (new ImportResult(row.Number, row.Manifest.ProductId, outcome.Succeeded, result, outcome.System?.Id, reason), outcome.Error);
    }

    internal static void WriteReport(CliOutput output, int total, IReadOnlyList<ImportResult> results, bool interrupted)
    {
        var accepted = results.Count(r => r.Accepted);
        var created = results.Count(r => r.Result == "created");
        var rejected = results.Where(r => !r.Accepted).ToList();
        if (output.Format == OutputFormat.Json)
        {
            output.Json(new JsonObject
            {
                ["rows"] = total,
                ["processed"] = results.Count,
                ["accepted"] = accepted,
                ["created"] = created,
                ["alreadyRegistered"] = accepted - created,
                ["rejected"] = rejected.Count,
                ["interrupted"] = interrupted,
                ["results"] = new JsonArray([.. results.Select(r => (JsonNode)new JsonObject
                {
                    ["row"] = r.Row,
                    ["productId"] = r.ProductId,
                    ["accepted"] = r.Accepted,
                    ["result"] = r.Result,
                    ["id"] = r.SystemId,
                    ["reason"] = r.Reason,
                })]),
            });
            return;
        }
        output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{results.Count} of {total} rows processed: {accepted} accepted ({created} created, {accepted - created} already registered), {rejected.Count} rejected."));
        if (rejected.Count > 0)
        {
            output.Out.WriteLine();
            output.Table(["ROW", "PRODUCT_ID", "RESULT", "REASON"], rejected.Select(r => (IReadOnlyList<string>)
                [r.Row.ToString(CultureInfo.InvariantCulture), r.ProductId ?? "", r.Result, r.Reason ?? ""]));
        }
    }
}
