using System.Text.RegularExpressions;
using FederatedRegistry.Contracts.V1;
using Google.Api;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace FederatedRegistry.Node.Tests.Malformed;

/// <summary>
/// One route of the national API as the proto declares it: the gRPC method, and its HTTP rule (verb, path template,
/// body). Read from the service descriptor, so a route added to registry.proto is covered without a list to update.
/// </summary>
public sealed partial record ApiRoute(MethodDescriptor Method, HttpMethod Verb, string Template, string Body)
{
    /// <summary>Every method of fedreg.v1.Registry, in declaration order.</summary>
    public static IReadOnlyList<ApiRoute> All { get; } = [.. Registry.Descriptor.Methods.Select(From)];

    public string Name => Method.Name;

    public MessageDescriptor Request => Method.InputType;

    /// <summary>The fields the path carries ("id" in /v1/systems/{id}).</summary>
    public IReadOnlyList<string> PathFields => [.. PathParameter().Matches(Template).Select(m => m.Groups[1].Value)];

    public bool HasBody => Body.Length > 0;

    /// <summary>The path with each {field} replaced by <paramref name="value"/> of it, escaped as a path segment.</summary>
    public string PathFor(Func<string, string> value) =>
        PathParameter().Replace(Template, m => Uri.EscapeDataString(value(m.Groups[1].Value)));

    /// <summary>
    /// The path for <paramref name="message"/>: its own values in the path's fields, or for an empty one
    /// <paramref name="whenEmpty"/> (an empty segment would match no route, and the request would test nothing).
    /// </summary>
    public string PathFor(IMessage message, string whenEmpty = "x") =>
        PathFor(field => Request.FindFieldByName(field)?.Accessor.GetValue(message) is string { Length: > 0 } value ? value : whenEmpty);

    public override string ToString() => $"{Verb} {Template} ({Name})";

    private static ApiRoute From(MethodDescriptor method)
    {
        var rule = method.GetOptions()?.GetExtension(AnnotationsExtensions.Http)
            ?? throw new InvalidOperationException($"{method.FullName} has no google.api.http rule: every method of the national API is served as HTTP/JSON too.");
        var (verb, template) = rule.PatternCase switch
        {
            HttpRule.PatternOneofCase.Get => (HttpMethod.Get, rule.Get),
            HttpRule.PatternOneofCase.Post => (HttpMethod.Post, rule.Post),
            HttpRule.PatternOneofCase.Put => (HttpMethod.Put, rule.Put),
            HttpRule.PatternOneofCase.Delete => (HttpMethod.Delete, rule.Delete),
            HttpRule.PatternOneofCase.Patch => (HttpMethod.Patch, rule.Patch),
            _ => throw new InvalidOperationException($"{method.FullName}: unsupported HTTP rule {rule}"),
        };
        return new ApiRoute(method, verb, template, rule.Body);
    }

    [GeneratedRegex(@"\{([\w.]+)\}")]
    private static partial Regex PathParameter();
}
