using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using FederatedRegistry.Federation;
using Google.Protobuf;
using V1 = FederatedRegistry.Contracts.V1;

namespace FederatedRegistry.Node.Audit;

/// <summary>
/// <c>fedreg-node audit verify --node URL --public-key KEY</c>: reads a node's audit log and latest signed checkpoint
/// over its HTTP API and checks them with nothing but the node's public key. Exit code 0 when intact, 1 when tampered
/// (naming the first bad entry), 2 when the command was used wrongly or the node could not be read.
/// </summary>
internal static class AuditCommand
{
    public const string Command = "audit";

    public const int Intact = 0;
    public const int Tampered = 1;
    public const int Unusable = 2;

    private const int DefaultPageSize = AuditLogCheck.MaxPageSize;
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    /// <param name="args">The arguments after <c>audit</c>.</param>
    /// <param name="output">Where the findings go.</param>
    /// <param name="error">Where usage and connection problems go.</param>
    /// <param name="handler">The HTTP handler (tests); a new socket handler when null.</param>
    /// <param name="ct">Stops the command.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, HttpMessageHandler? handler = null, CancellationToken ct = default)
    {
        var node = new Option<string>("--node") { Description = "The node's HTTP address, e.g. http://127.0.0.1:5080", Required = true };
        var publicKey = new Option<string>("--public-key")
        {
            Description = "The node's public key: a PEM PUBLIC KEY block, the base64 that GET /v1/node shows, or a file holding either",
            Required = true,
        };
        var token = new Option<string?>("--token") { Description = "A bearer token, for a node that asks one of this route" };
        var pageSize = new Option<int>("--page-size")
        {
            Description = $"Entries per request, 1-1000 (default {DefaultPageSize})",
            DefaultValueFactory = _ => DefaultPageSize,
        };
        var payloads = new Option<bool>("--payloads")
        {
            Description = "Also check every payload against its hash (needs an authority's --token: payloads are not public)",
        };
        var verify = new System.CommandLine.Command("verify",
            "Checks that no entry of the node's audit log was altered, removed or reordered, and that the log leads to the head the node signed last.")
        {
            node, publicKey, token, pageSize, payloads,
        };
        verify.SetAction((result, cancel) => VerifyAsync(
            result.GetRequiredValue(node), result.GetRequiredValue(publicKey), result.GetValue(token), result.GetValue(pageSize), result.GetValue(payloads),
            output, error, handler, cancel));
        var root = new RootCommand("The node's audit trail.") { verify };

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                await error.WriteLineAsync(parseError.Message);
            }
            await error.WriteLineAsync(
                "Usage: fedreg-node audit verify --node http://host:port --public-key <PEM, base64 or file> [--token <bearer>] [--payloads]");
            return Unusable;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, ct);
    }

    private static async Task<int> VerifyAsync(
        string nodeText, string keyText, string? token, int pageSize, bool payloads, TextWriter output, TextWriter error, HttpMessageHandler? handler,
        CancellationToken ct)
    {
        if (!Uri.TryCreate(nodeText, UriKind.Absolute, out var nodeUri) || nodeUri.Scheme is not ("http" or "https"))
        {
            await error.WriteLineAsync($"--node '{nodeText}' is not an http(s) address such as http://127.0.0.1:5080.");
            return Unusable;
        }
        if (pageSize is < 1 or > AuditLogCheck.MaxPageSize)
        {
            await error.WriteLineAsync($"--page-size {pageSize} must be between 1 and {AuditLogCheck.MaxPageSize}.");
            return Unusable;
        }
        if (AuditLogCheck.ReadPublicKey(keyText, out var problem) is not { } key)
        {
            await error.WriteLineAsync(problem);
            return Unusable;
        }

        using var http = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null)
        {
            BaseAddress = nodeUri,
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (!string.IsNullOrEmpty(token))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        AuditLogCheckResult check;
        try
        {
            check = await AuditLogCheck.RunAsync(
                cancel => ReadCheckpointAsync(http, cancel),
                (from, withPayloads, cancel) => ReadPageAsync(http, from, pageSize, withPayloads, cancel),
                key, payloads, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidProtocolBufferException or InvalidJsonException or UnreadableAnswerException)
        {
            await error.WriteLineAsync(e is UnreadableAnswerException
                ? e.Message
                : $"Cannot read the audit log of {nodeUri}: {e.Message}");
            return Unusable;
        }

        foreach (var line in check.Lines(nodeUri.ToString(), key))
        {
            await output.WriteLineAsync(line);
        }
        return check.Verification.IsIntact ? Intact : Tampered;
    }

    private static async Task<V1.AuditCheckpoint?> ReadCheckpointAsync(HttpClient http, CancellationToken ct)
    {
        using var response = await http.GetAsync("/v1/audit/checkpoints/latest", ct);
        return response.StatusCode == HttpStatusCode.NotFound ? null : Parser.Parse<V1.AuditCheckpoint>(await ReadAsync(response, ct));
    }

    private static async Task<V1.ListAuditEntriesResponse> ReadPageAsync(HttpClient http, long from, int pageSize, bool payloads, CancellationToken ct)
    {
        var path = string.Create(CultureInfo.InvariantCulture, $"/v1/audit/entries?from={from}&limit={pageSize}{(payloads ? "&includePayloads=true" : "")}");
        using var response = await http.GetAsync(path, ct);
        return Parser.Parse<V1.ListAuditEntriesResponse>(await ReadAsync(response, ct));
    }

    private static async Task<string> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new UnreadableAnswerException(
                $"The node answered {(int)response.StatusCode} {response.ReasonPhrase} to {response.RequestMessage?.RequestUri}: {Shorten(text)}");
        }
        return text;
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "...";

    private sealed class UnreadableAnswerException(string message) : Exception(message);
}
