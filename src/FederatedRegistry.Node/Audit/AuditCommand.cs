using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using FederatedRegistry.Domain.Audit;
using FederatedRegistry.Domain.Signing;
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

    private const int DefaultPageSize = 1000;
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
        if (pageSize is < 1 or > 1000)
        {
            await error.WriteLineAsync($"--page-size {pageSize} must be between 1 and 1000.");
            return Unusable;
        }
        NodePublicKey key;
        try
        {
            key = NodePublicKey.Parse(File.Exists(keyText) ? await File.ReadAllTextAsync(keyText, ct) : keyText);
        }
        catch (CryptographicException e)
        {
            await error.WriteLineAsync($"--public-key is not an ECDSA P-256 public key (PEM, base64 SubjectPublicKeyInfo, or a file holding one): {e.Message}");
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

        AuditCheckpoint? checkpoint;
        List<(AuditEntry Entry, string Payload)> entries;
        try
        {
            // The checkpoint first: every entry it covers is sealed before the entries are read.
            checkpoint = await ReadCheckpointAsync(http, ct);
            entries = await ReadEntriesAsync(http, pageSize, payloads, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidProtocolBufferException or InvalidJsonException or UnreadableAnswerException)
        {
            await error.WriteLineAsync(e is UnreadableAnswerException
                ? e.Message
                : $"Cannot read the audit log of {nodeUri}: {e.Message}");
            return Unusable;
        }

        var result = AuditVerifier.Verify(entries.Select(e => e.Entry), checkpoint is null ? [] : [checkpoint], key);
        if (payloads)
        {
            result = result.With(AuditVerifier.VerifyPayloads(entries));
        }
        await output.WriteLineAsync(entries.Count == 0
            ? $"The audit log of {nodeUri} has no sealed entries yet; checked with key {key.KeyId}."
            : $"The audit log of {nodeUri}: {entries.Count} entries, up to sequence {result.LastSequence}; checked with key {key.KeyId}.");
        await output.WriteLineAsync(checkpoint is null
            ? "The node has signed no checkpoint yet: the chain can be checked, but nothing signed vouches for it."
            : $"Latest checkpoint: {checkpoint.Size} entries, signed by {checkpoint.NodeCode} at {Time(checkpoint.At)} with key {checkpoint.KeyId}.");
        foreach (var finding in result.Findings)
        {
            await output.WriteLineAsync(finding.Message);
        }
        if (result.IsIntact)
        {
            await output.WriteLineAsync((checkpoint is null
                ? "Intact: every entry follows the one before it, unaltered"
                : "Intact: every entry follows the one before it, unaltered, and the log leads to the head the node signed")
                + (payloads ? "; every payload matches its hash." : "."));
            return Intact;
        }
        await output.WriteLineAsync(result.FirstBadSequence is { } first
            ? $"Tampered: the first bad entry is sequence {first}."
            : "Tampered: the checkpoint was not signed by this key.");
        return Tampered;
    }

    private static async Task<AuditCheckpoint?> ReadCheckpointAsync(HttpClient http, CancellationToken ct)
    {
        using var response = await http.GetAsync("/v1/audit/checkpoints/latest", ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        var checkpoint = Parser.Parse<V1.AuditCheckpoint>(await ReadAsync(response, ct));
        return new AuditCheckpoint(checkpoint.NodeCode, checkpoint.Size, [.. checkpoint.HeadHash.Span], checkpoint.At?.ToDateTimeOffset() ?? default,
            checkpoint.KeyId, [.. checkpoint.Signature.Span]);
    }

    private static async Task<List<(AuditEntry Entry, string Payload)>> ReadEntriesAsync(HttpClient http, int pageSize, bool payloads, CancellationToken ct)
    {
        var entries = new List<(AuditEntry, string)>();
        var from = 1L;
        while (true)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"/v1/audit/entries?from={from}&limit={pageSize}{(payloads ? "&includePayloads=true" : "")}");
            using var response = await http.GetAsync(path, ct);
            var page = Parser.Parse<V1.ListAuditEntriesResponse>(await ReadAsync(response, ct));
            entries.AddRange(page.Entries.Select(e => (new AuditEntry(
                e.Sequence, e.At?.ToDateTimeOffset() ?? default, e.Actor, e.Action, e.Subject,
                [.. e.PayloadHash.Span], [.. e.PreviousHash.Span], [.. e.EntryHash.Span]), e.Payload)));
            if (page.NextFrom <= from)
            {
                return entries;
            }
            from = page.NextFrom;
        }
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

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private sealed class UnreadableAnswerException(string message) : Exception(message);
}
