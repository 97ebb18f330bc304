using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using FederatedRegistry.Cli.Connection;
using FederatedRegistry.Cli.Errors;
using FederatedRegistry.Cli.Output;
using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Domain.Signing;
using FederatedRegistry.Federation;
using Grpc.Core;

namespace FederatedRegistry.Cli.Commands;

/// <summary>
/// fedreg audit verify: the node's audit log read over gRPC and checked with nothing but its public key, by the same
/// reader, verifier and report as <c>fedreg-node audit verify</c> (AuditLogCheck, AuditVerifier, AuditReport).
/// </summary>
internal static class AuditCommands
{
    public static Command Build(GlobalOptions globals, TextWriter output, TextWriter errors)
    {
        var audit = new Command("audit", "The node's tamper-evident audit log.");
        audit.Subcommands.Add(Verify(globals, output, errors));
        return audit;
    }

    private static Command Verify(GlobalOptions globals, TextWriter output, TextWriter errors)
    {
        var publicKey = new Option<string?>("--public-key")
        {
            Description = "The node's public key as you hold it from elsewhere (its authority, the peer directory): a PEM PUBLIC KEY block, the base64 " +
                "that GetNodeInfo shows, or a file holding either. Without it the key the node reports is used, which trusts the node for its key.",
            HelpName = "KEY",
        };
        var payloads = new Option<bool>("--payloads")
        {
            Description = "Also check every payload against its hash (needs the node's authority token: payloads are not public).",
        };
        var command = new Command("verify",
            "Checks that no entry of the node's audit log was altered, removed or reordered, and that the log leads to the head the node " +
            $"signed last. Exit 0 when intact, {ExitCodes.NotIntact} when not (naming the first bad entry), or when the checkpoint is not signed by the key.")
        {
            publicKey, payloads,
        };
        CliApp.SetAction(command, globals, output, errors, async (parse, context, cancellationToken) =>
        {
            NodePublicKey? key = null;
            if (parse.GetValue(publicKey) is { } keyText)
            {
                key = AuditLogCheck.ReadPublicKey(keyText, out var problem) ?? throw new UsageException(problem!);
            }
            using var node = context.Connect(context.Settings.RequireOneNode());
            var keyFromNode = key is null;
            try
            {
                if (key is null)
                {
                    var info = await node.Client.GetNodeInfoAsync(new GetNodeInfoRequest(), node.Call(cancellationToken));
                    key = NodePublicKey.Parse(info.PublicKey);
                }
                var check = await AuditLogCheck.RunAsync(
                    async ct =>
                    {
                        try
                        {
                            return await node.Client.GetLatestAuditCheckpointAsync(new GetLatestAuditCheckpointRequest(), node.Call(ct));
                        }
                        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
                        {
                            return null;
                        }
                    },
                    (from, withPayloads, ct) => node.Client.ListAuditEntriesAsync(
                        new ListAuditEntriesRequest { From = from, Limit = AuditLogCheck.MaxPageSize, IncludePayloads = withPayloads }, node.Call(ct)).ResponseAsync,
                    key, parse.GetValue(payloads), cancellationToken);
                Report(context.Output, node.Name, key, keyFromNode, check);
                return check.Verification.IsIntact ? ExitCodes.Ok : ExitCodes.NotIntact;
            }
            catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
            {
                var error = ErrorTranslator.Translate(e, node.Name);
                context.Output.Error(error);
                return error.ExitCode;
            }
        });
        return command;
    }

    private static void Report(CliOutput output, string node, NodePublicKey key, bool keyFromNode, AuditLogCheckResult check)
    {
        var trust = keyFromNode
            ? $"No --public-key was given, so this checked the log against the key {node} reports for itself (key {key.KeyId}): it shows the log " +
              "agrees with the node's own word, not that the node is who you trust. For the real check give the key you hold from elsewhere: --public-key."
            : null;
        if (output.Format == OutputFormat.Json)
        {
            var v = check.Verification;
            output.Json(new JsonObject
            {
                ["node"] = node,
                ["intact"] = v.IsIntact,
                ["entries"] = v.EntryCount,
                ["lastSequence"] = v.LastSequence,
                ["firstBadSequence"] = v.FirstBadSequence,
                ["keyId"] = key.KeyId,
                ["keySource"] = keyFromNode ? "node" : "given",
                ["payloadsChecked"] = check.PayloadsChecked,
                ["checkpoint"] = check.Checkpoint is { } c
                    ? new JsonObject
                    {
                        ["nodeCode"] = c.NodeCode,
                        ["size"] = c.Size,
                        ["at"] = c.At.ToString("o", CultureInfo.InvariantCulture),
                        ["keyId"] = c.KeyId,
                    }
                    : null,
                ["findings"] = new JsonArray([.. v.Findings.Select(f => (JsonNode)new JsonObject
                {
                    ["sequence"] = f.Sequence,
                    ["fault"] = f.Fault.ToString(),
                    ["message"] = f.Message,
                })]),
                ["verdict"] = check.Lines(node, key)[^1],
                ["warning"] = trust,
            });
            return;
        }
        foreach (var line in check.Lines(node, key))
        {
            output.Out.WriteLine(line);
        }
        if (trust is not null)
        {
            output.Out.WriteLine(trust);
        }
    }
}
