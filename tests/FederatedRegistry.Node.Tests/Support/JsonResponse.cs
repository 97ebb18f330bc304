using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FederatedRegistry.Node.Tests.Support;

/// <summary>An HTTP answer: its status, its body, and for errors the google.rpc.Status fields the transcoder writes.</summary>
public sealed record JsonResponse(HttpStatusCode StatusCode, string Body)
{
    /// <summary>The body as JSON, or null when it is empty or not JSON.</summary>
    public JsonNode? Json
    {
        get
        {
            if (string.IsNullOrWhiteSpace(Body))
            {
                return null;
            }
            try
            {
                return JsonNode.Parse(Body);
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>The body as a JSON object; fails the test when it is not one.</summary>
    public JsonObject Object => Json as JsonObject ?? throw new Xunit.Sdk.XunitException($"Expected a JSON object, got HTTP {(int)StatusCode}: {Body}");

    /// <summary>The error message (<c>message</c>) of a google.rpc.Status body.</summary>
    public string Message => (string?)Json?["message"] ?? "";

    /// <summary>Every <c>details[].fieldViolations[].field</c> of a google.rpc.Status body.</summary>
    public IReadOnlyList<string> ViolatedFields =>
        [.. (Json?["details"] as JsonArray ?? [])
            .SelectMany(d => d?["fieldViolations"] as JsonArray ?? [])
            .Select(v => (string?)v?["field"] ?? "")];

    public override string ToString() => $"HTTP {(int)StatusCode}: {Body}";
}
