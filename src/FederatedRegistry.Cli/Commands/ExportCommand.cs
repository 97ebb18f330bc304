using System.CommandLine;
using FederatedRegistry.Cli.Connection;
using FederatedRegistry.Cli.Errors;
using FederatedRegistry.Contracts.V1;
using Google.Api;
using Grpc.Core;

namespace FederatedRegistry.Cli.Commands;

/// <summary>fedreg export incidents | registrations: the node's export files (docs/exports.md), to stdout or a file.</summary>
internal static class ExportCommand
{
    public static Command Build(GlobalOptions globals, TextWriter output, TextWriter errors)
    {
        var export = new Command("export", "Incidents or registrations as a CSV or JSON file (columns: docs/exports.md).");
        export.Subcommands.Add(Incidents(globals, output, errors));
        export.Subcommands.Add(Registrations(globals, output, errors));
        return export;
    }

    private static Option<string> Format() => new Option<string>("--format")
    {
        Description = "csv (default) or json.",
        HelpName = "csv|json",
        DefaultValueFactory = _ => "csv",
    }.AcceptOnlyFromAmong("csv", "json");

    private static Option<string?> Out() => new("--out")
    {
        Description = "Write the file here instead of to stdout; it appears only once the whole export has arrived.",
        HelpName = "FILE",
    };

    private static Option<string?> Product() => new("--product") { Description = "Only this global product id." };

    private static Command Incidents(GlobalOptions globals, TextWriter output, TextWriter errors)
    {
        var format = Format();
        var file = Out();
        var product = Product();
        var command = new Command("incidents", "Every incident, one row each, with the AI Incident Database's columns and the OECD AI Incidents Monitor's concepts. The node's authority only.")
        {
            format, file, product,
        };
        CliApp.SetAction(command, globals, output, errors, (parse, context, cancellationToken) =>
        {
            var request = new ExportIncidentsRequest { Format = parse.GetValue(format)!, ProductId = parse.GetValue(product) ?? "" };
            return RunAsync(context, "incidents", parse.GetValue(file), output,
                (node, ct) => node.Client.ExportIncidents(request, node.LongCall(ct)), cancellationToken);
        });
        return command;
    }

    private static Command Registrations(GlobalOptions globals, TextWriter output, TextWriter errors)
    {
        var format = Format();
        var file = Out();
        var product = Product();
        var provider = new Option<string?>("--provider") { Description = "Only this provider's registrations (a provider's token: its own by default)." };
        var command = new Command("registrations", "Registrations in the shape of the EU AI Act Annex VIII section A list, one row each: all of them for the authority, its own for a provider, the public register for anyone else.")
        {
            format, file, product, provider,
        };
        CliApp.SetAction(command, globals, output, errors, (parse, context, cancellationToken) =>
        {
            var request = new ExportRegistrationsRequest
            {
                Format = parse.GetValue(format)!,
                ProductId = parse.GetValue(product) ?? "",
                ProviderId = parse.GetValue(provider) ?? "",
            };
            return RunAsync(context, "registrations", parse.GetValue(file), output,
                (node, ct) => node.Client.ExportRegistrations(request, node.LongCall(ct)), cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, string what, string? path, TextWriter stdout,
        Func<NodeConnection, CancellationToken, AsyncServerStreamingCall<HttpBody>> export, CancellationToken cancellationToken)
    {
        using var node = context.Connect(context.Settings.RequireOneNode());
        // A file appears whole or not at all: the chunks go to a file beside it, renamed once the last has arrived.
        var partial = path is null ? null : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.partial");
        long bytes = 0;
        try
        {
            await using (var destination = partial is null ? null : OpenPartial(partial, path!))
            {
                using var call = export(node, cancellationToken);
                await foreach (var chunk in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    if (destination is null)
                    {
                        // Chunks hold whole rows, so no character is split between two of them.
                        await stdout.WriteAsync(chunk.Data.ToStringUtf8());
                    }
                    else
                    {
                        await destination.WriteAsync(chunk.Data.Memory, cancellationToken);
                    }
                    bytes += chunk.Data.Length;
                }
            }
            if (partial is not null)
            {
                File.Move(partial, path!, overwrite: true);
                context.Output.Out.WriteLine($"Exported {what} from {node.Name} to {path} ({bytes:N0} bytes).");
            }
            else
            {
                await stdout.FlushAsync(cancellationToken);
            }
            return ExitCodes.Ok;
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            var error = ErrorTranslator.Translate(e, node.Name);
            context.Output.Error(error);
            return error.ExitCode;
        }
        catch (Exception e) when (partial is not null && e is IOException or UnauthorizedAccessException)
        {
            context.Output.Errors.WriteLine($"Cannot write {path}: {e.Message}");
            return ExitCodes.SomeFailed;
        }
        finally
        {
            if (partial is not null && File.Exists(partial))
            {
                File.Delete(partial);
            }
        }
    }

    private static FileStream OpenPartial(string partial, string path)
    {
        try
        {
            return new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot write {path}: {e.Message}");
        }
    }
}
