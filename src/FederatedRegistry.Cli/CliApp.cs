using System.CommandLine;
using System.Text.Json.Nodes;
using FederatedRegistry.Cli.Commands;
using FederatedRegistry.Cli.Connection;
using FederatedRegistry.Cli.Errors;
using FederatedRegistry.Cli.Manifests;
using FederatedRegistry.Cli.Output;
using Google.Protobuf;
using Grpc.Core;

namespace FederatedRegistry.Cli;

/// <summary>The options every command shares, and what a command's action gets from them.</summary>
internal sealed class GlobalOptions
{
    public Option<string[]> Node { get; } = new("--node", "-n")
    {
        Description = "A node's gRPC address, e.g. http://127.0.0.1:5081; repeat for commands that act on several nodes. Default: FEDREG_NODE, then \"nodes\" in the config file.",
        Recursive = true,
        HelpName = "URL",
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "Bearer token (JWT) for the node. Default: FEDREG_TOKEN, then the config file (\"tokens\" per node, or \"token\").",
        Recursive = true,
    };

    public Option<string?> Config { get; } = new("--config")
    {
        Description = $"Config file (default {CliConfigFile.DefaultPath}).",
        Recursive = true,
        HelpName = "FILE",
    };

    public Option<string?> Output { get; } = new("--output", "-o")
    {
        Description = "table (default) or json.",
        Recursive = true,
        HelpName = "table|json",
    };

    public GlobalOptions() => Output.AcceptOnlyFromAmong("table", "json");
}

/// <summary>What one run of a command works with: the output, the nodes and tokens.</summary>
internal sealed class CommandContext(CliOutput output, CliSettings settings)
{
    public CliOutput Output { get; } = output;

    public CliSettings Settings { get; } = settings;

    public NodeConnection Connect(Uri node) => new(node, Settings.TokenFor(node));

    /// <summary>A one-node call: the answer, or null after the error was printed and <paramref name="exitCode"/> set.</summary>
    public async Task<(T? Answer, int ExitCode)> CallAsync<T>(NodeConnection node, Func<NodeConnection, Task<T>> call) where T : class
    {
        try
        {
            return (await call(node), ExitCodes.Ok);
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            var error = ErrorTranslator.Translate(e, node.Name);
            Output.Error(error);
            return (null, error.ExitCode);
        }
    }

    /// <summary>A listing's messages: a JSON array of them in json mode, else a table of one row each.</summary>
    public void PrintList<TItem>(IReadOnlyCollection<TItem> items, IReadOnlyList<string> headers, Func<TItem, IReadOnlyList<string>> row)
        where TItem : IMessage
    {
        if (Output.Format == OutputFormat.Json)
        {
            Output.Json(new JsonArray([.. items.Select(i => CliOutput.ToJson(i))]));
        }
        else
        {
            Output.Table(headers, items.Select(row));
        }
    }

    /// <summary>
    /// A listing command on the one node named: up to <paramref name="limit"/> items (<c>--limit</c>, 1 or more), page
    /// after page as <see cref="ListAsync"/> reads them, printed as <see cref="PrintList"/> does; the exit code.
    /// </summary>
    public async Task<int> ListAndPrintAsync<TPage, TItem>(int limit,
        Func<NodeConnection, int, string, Task<TPage>> page, Func<TPage, IEnumerable<TItem>> items, Func<TPage, string> nextToken,
        IReadOnlyList<string> headers, Func<TItem, IReadOnlyList<string>> row)
        where TPage : class
        where TItem : IMessage
    {
        if (limit < 1)
        {
            throw new UsageException("--limit must be 1 or more.");
        }
        using var node = Connect(Settings.RequireOneNode());
        var (found, code) = await ListAsync(node, limit, page, items, nextToken);
        if (found is null)
        {
            return code;
        }
        PrintList(found, headers, row);
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Up to <paramref name="limit"/> items of a paged listing, page after page (at most 500 a page): the items, or null
    /// after the error was printed and the exit code set.
    /// </summary>
    /// <param name="node">The node asked.</param>
    /// <param name="limit">The most items wanted (1 or more).</param>
    /// <param name="page">Asks for one page of the given size after the given token.</param>
    /// <param name="items">A page's items.</param>
    /// <param name="nextToken">A page's token for the next one; empty after the last.</param>
    public async Task<(List<TItem>? Items, int ExitCode)> ListAsync<TPage, TItem>(NodeConnection node, int limit,
        Func<NodeConnection, int, string, Task<TPage>> page, Func<TPage, IEnumerable<TItem>> items, Func<TPage, string> nextToken)
        where TPage : class
    {
        var all = new List<TItem>();
        var token = "";
        do
        {
            var size = Math.Min(500, limit - all.Count);
            var (answer, code) = await CallAsync(node, n => page(n, size, token));
            if (answer is null)
            {
                return (null, code);
            }
            all.AddRange(items(answer));
            token = nextToken(answer);
        }
        while (token.Length > 0 && all.Count < limit);
        return (all, ExitCodes.Ok);
    }
}

/// <summary>fedreg: builds the command tree and runs one command line.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        var globals = new GlobalOptions();
        var root = new RootCommand("fedreg: the command line of a FederatedRegistry node, for providers, authorities and observers.\n\n" + ExitCodes.Help);
        root.Options.Add(globals.Node);
        root.Options.Add(globals.Token);
        root.Options.Add(globals.Config);
        root.Options.Add(globals.Output);
        root.Subcommands.Add(SystemsCommands.Build(globals, output, errors));
        root.Subcommands.Add(IncidentsCommands.Build(globals, output, errors));
        root.Subcommands.Add(AdvisoriesCommands.Build(globals, output, errors));
        root.Subcommands.Add(PolicyCommands.Build(globals, output, errors));
        root.Subcommands.Add(AuditCommands.Build(globals, output, errors));
        root.Subcommands.Add(FederationCommands.Build(globals, output, errors));
        root.Subcommands.Add(ImportCommand.Build(globals, output, errors));
        root.Subcommands.Add(ExportCommand.Build(globals, output, errors));

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                errors.WriteLine(error.Message);
            }
            errors.WriteLine("Run 'fedreg --help' (or 'fedreg <command> --help') for usage.");
            return ExitCodes.BadInput;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = errors });
    }

    /// <summary>Gives a command its action, turning usage and input-file mistakes into sentences and exit code 2.</summary>
    public static void SetAction(Command command, GlobalOptions globals, TextWriter output, TextWriter errors,
        Func<ParseResult, CommandContext, CancellationToken, Task<int>> action)
    {
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var config = CliConfigFile.Load(parse.GetValue(globals.Config));
                var format = (parse.GetValue(globals.Output) ?? config.Output ?? "table") == "json" ? OutputFormat.Json : OutputFormat.Table;
                var settings = new CliSettings(parse.GetValue(globals.Node) ?? [], parse.GetValue(globals.Token), config, Environment.GetEnvironmentVariable);
                return await action(parse, new CommandContext(new CliOutput(output, errors, format), settings), cancellationToken);
            }
            catch (UsageException e)
            {
                errors.WriteLine(e.Message);
                return ExitCodes.BadInput;
            }
            catch (ManifestException e)
            {
                errors.WriteLine($"{e.File} cannot be used; nothing was sent:");
                foreach (var problem in e.Problems)
                {
                    errors.WriteLine("  " + problem);
                }
                return ExitCodes.BadInput;
            }
            catch (Exception e) when (cancellationToken.IsCancellationRequested && e is OperationCanceledException or RpcException)
            {
                errors.WriteLine("Interrupted.");
                return ExitCodes.Interrupted;
            }
        });
    }

    /// <summary>
    /// A function that opens <paramref name="path"/> for reading, each time it is called; a file that cannot be opened
    /// is the user's to fix, named with the reason.
    /// </summary>
    public static Func<TextReader> InputOpener(string path) => () => Readable(path, () => new StreamReader(path));

    /// <summary>The file's text, or a usage error naming it.</summary>
    public static string ReadInput(string path) => Readable(path, () => File.ReadAllText(path));

    private static T Readable<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot read {path}: {e.Message}");
        }
    }

    public static T ParseEnum<T>(string? text, string option) where T : struct, Enum =>
        text is null ? default
        : ProtoEnums.TryParse<T>(text, out var value) ? value
        : throw new UsageException($"{option} {text} is not one of {ProtoEnums.Choices<T>()}.");
}
