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
/// fedreg import registrations.csv|json: registers each row in one node, several rows at once (--parallel). Resumable
/// without any state of its own: registration ids derive from product ids, so a row an interrupted run already
/// registered answers ALREADY_EXISTS on the rerun, and counts as done when the node holds the same content.
/// </summary>
internal static class ImportCommand
{
    public const int DefaultParallel = 8;

    public const int MaxParallel = 64;

    public static Command Build(GlobalOptions globals, TextWriter output, TextWriter errors)
    {
        var file = new Argument<string>("file") { Description = "registrations.csv (header row naming the columns) or registrations.json/.yaml (a list of product manifests)." };
        var parallel = new Option<int>("--parallel")
        {
            Description = $"How many rows are registered at once, 1 to {MaxParallel}. The report lists rows in file order whatever order they finish in.",
            DefaultValueFactory = _ => DefaultParallel,
            HelpName = "N",
        };
        var command = new Command("import",
            $"Registers many products in one node, up to --parallel rows at once (default {DefaultParallel}), with progress on stderr and a report of accepted and rejected rows in file order. Rerunning after an interruption creates no duplicates.")
        {
            file,
            parallel,
        };
        CliApp.SetAction(command, globals, output, errors, async (parse, context, cancellationToken) =>
        {
            var inFlight = parse.GetValue(parallel);
            if (inFlight is < 1 or > MaxParallel)
            {
                throw new Connection.UsageException($"--parallel must be between 1 and {MaxParallel} (rows registered at once); it was {inFlight}.");
            }
            var path = parse.GetValue(file)!;
            var rows = ImportFile.Open(CliApp.InputOpener(path), path);
            using var node = context.Connect(context.Settings.RequireOneNode());
            var registrar = new Registrar(node);
            var progress = new ProgressBar(errors, rows.Count, interactive: ReferenceEquals(errors, Console.Error) && !Console.IsErrorRedirected);
            var tally = new ImportTally(rows.Count, progress);
            var interrupted = false;
            // Cancelled on Ctrl+C, and by the import itself on a fatal error, so that no further row starts.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            try
            {
                // The file is read as rows are taken: only the rows in flight are in memory.
                await Parallel.ForEachAsync(rows.Rows.Select((row, index) => (Row: row, Index: index)),
                    new ParallelOptions { MaxDegreeOfParallelism = inFlight, CancellationToken = stop.Token },
                    async (item, rowToken) =>
                    {
                        var index = item.Index;
                        (ImportResult Result, CliError? Error) outcome;
                        try
                        {
                            outcome = await ImportRowAsync(registrar, item.Row, rowToken);
                        }
                        catch (Exception e) when (rowToken.IsCancellationRequested && e is OperationCanceledException or Grpc.Core.RpcException)
                        {
                            // Cut short by the stop: the node may or may not have registered it; the rerun finds out by comparing content.
                            return;
                        }
                        if (tally.Record(index, outcome.Result, outcome.Error))
                        {
                            // Every further row would fail the same way; stop, and let the rerun pick up from here.
                            await stop.CancelAsync();
                        }
                    });
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                interrupted = tally.Fatal is null;
                if (interrupted)
                {
                    progress.Stop();
                }
            }

            var results = tally.Results();
            WriteReport(context.Output, rows.Count, results, interrupted);
            if (tally.Fatal is { } fatal)
            {
                context.Output.Error(fatal);
                errors.WriteLine($"Stopped after {results.Count} of {rows.Count} rows; rerun the same command to continue.");
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

    /// <summary>
    /// The rows finished so far, kept by row number since several finish at once and in any order, with the running
    /// counts the progress bar shows. Rows finish on several threads; one lock keeps the counts and the bar in step.
    /// </summary>
    private sealed class ImportTally(int rows, ProgressBar progress)
    {
        private readonly Lock _gate = new();
        private readonly ImportResult?[] _results = new ImportResult?[rows];
        // Running counts: counting the results again for every row made an import quadratic in its length.
        private int _processed;
        private int _accepted;

        /// <summary>The error that stopped the import (a node that cannot be reached, a token it refuses), if one did.</summary>
        public CliError? Fatal { get; private set; }

        /// <summary>Records one finished row; true when it is the first to fail in a way every further row would.</summary>
        public bool Record(int index, ImportResult result, CliError? error)
        {
            var fatal = error?.ExitCode is ExitCodes.CannotConnect or ExitCodes.Unauthorized;
            lock (_gate)
            {
                if (fatal && Fatal is not null)
                {
                    // The rows in flight beside the one that stopped the import fail for the same reason; the report names
                    // that reason once, and these count as not yet done, for the rerun.
                    return false;
                }
                _results[index] = result;
                _processed++;
                _accepted += result.Accepted ? 1 : 0;
                progress.Report(_processed, _accepted, _processed - _accepted);
                if (fatal)
                {
                    Fatal = error;
                }
                return fatal;
            }
        }

        /// <summary>The finished rows in row order; rows not started, or cut short by a stop, are left out.</summary>
        public List<ImportResult> Results()
        {
            lock (_gate)
            {
                return [.. _results.OfType<ImportResult>()];
            }
        }
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
            output.JsonStream((json, flush) =>
            {
                json.WriteStartObject();
                json.WriteNumber("rows", total);
                json.WriteNumber("processed", results.Count);
                json.WriteNumber("accepted", accepted);
                json.WriteNumber("created", created);
                json.WriteNumber("alreadyRegistered", accepted - created);
                json.WriteNumber("rejected", rejected.Count);
                json.WriteBoolean("interrupted", interrupted);
                json.WriteStartArray("results");
                for (var i = 0; i < results.Count; i++)
                {
                    var r = results[i];
                    json.WriteStartObject();
                    json.WriteNumber("row", r.Row);
                    json.WriteString("productId", r.ProductId);
                    json.WriteBoolean("accepted", r.Accepted);
                    json.WriteString("result", r.Result);
                    json.WriteString("id", r.SystemId);
                    json.WriteString("reason", r.Reason);
                    json.WriteEndObject();
                    // A report of every row of a large import is passed on as it grows, not built whole first.
                    if (i % 1000 == 999)
                    {
                        flush();
                    }
                }
                json.WriteEndArray();
                json.WriteEndObject();
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
