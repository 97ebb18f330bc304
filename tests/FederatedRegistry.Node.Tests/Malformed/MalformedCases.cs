using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace FederatedRegistry.Node.Tests.Malformed;

/// <summary>
/// Generates malformed requests for every route, from a seed: broken JSON (syntax, truncation, wrong types, unknown
/// enum names and numbers, invalid UTF-8, deep nesting, wrong content types, oversized bodies), broken query strings
/// and paths, and broken protobuf (random, truncated and bit-flipped bytes, wrong wire types, deep groups, invalid
/// UTF-8), besides well-formed messages with values out of bounds (huge strings, control characters, undefined enum
/// numbers, extreme numbers and times). Cases go round the routes, so every route gets its share.
/// </summary>
public sealed class MalformedCases(int seed, long maxRequestBytes, int maxJsonDepth, IReadOnlyDictionary<string, Func<IMessage>> examples)
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    private static readonly string[] OddStrings =
    [
        "\0", "a\0b", "\u0001\u0002", "\u001b[31mred", "\ud800", "x\udfffy", "\u202eevil", "\ufeffbom", "line\nbreak", "\r\n",
        "tab\tbed", "\U0001F600", "\uffff", "%00", "' OR 1=1 --", "\"quoted\"", "\\", "../../etc/passwd", "<script>", new string(' ', 50),
    ];

    private readonly Random _random = new(seed);
    private RandomMessages _messages = null!;

    public IReadOnlyList<MalformedCase> Generate(int httpCases, int grpcCases)
    {
        _messages = new RandomMessages(_random, examples);
        var routes = ApiRoute.All;
        var cases = new List<MalformedCase>(httpCases + grpcCases);
        for (var i = 0; i < httpCases; i++)
        {
            cases.Add(Http(cases.Count, routes[i % routes.Count]));
        }
        for (var i = 0; i < grpcCases; i++)
        {
            cases.Add(Grpc(cases.Count, routes[i % routes.Count]));
        }
        return cases;
    }

    // ---------- HTTP/JSON ----------

    private HttpCase Http(int number, ApiRoute route)
    {
        var request = _messages.Request(route.Request);
        var anonymous = _random.Next(40) == 0;
        if (!route.HasBody)
        {
            return Query(number, route, request) with { Anonymous = anonymous };
        }
        var kind = Weighted(
            ("json/syntax", 20), ("json/wrong-type", 18), ("json/unknown-enum-name", 6), ("json/undefined-enum-number", 8),
            ("json/huge-string", 7), ("json/odd-characters", 8), ("json/invalid-utf8", 8), ("json/deep", 6), ("json/content-type", 6),
            ("json/over-limit", 1), ("http/path", 4), ("http/method", 2), ("json/unknown-field", 3), ("json/random-values", 6));
        var path = route.PathFor(request);
        HttpCase Json(string json, bool mustBeRefused, bool namesField) =>
            new(number, route, kind, mustBeRefused, namesField, route.Verb, path, Encoding.UTF8.GetBytes(json), "application/json", Anonymous: anonymous);

        switch (kind)
        {
            case "json/syntax":
            {
                var json = BreakSyntax(Formatter.Format(request));
                // A break that happens to leave one well-formed object (a character dropped inside a string) may pass.
                return Json(json, mustBeRefused: !IsWellFormedObject(json), namesField: false);
            }
            case "json/wrong-type":
            {
                var body = ToJson(request);
                var (field, target) = RandomFieldPath(route.Request, _ => true);
                SetJson(body, field, target, WrongType(target));
                return Json(body.ToJsonString(), mustBeRefused: true, namesField: false);
            }
            case "json/unknown-enum-name":
            {
                var body = ToJson(request);
                if (RandomFieldPath(route.Request, f => f.FieldType == FieldType.Enum) is var (field, target) && target is not null)
                {
                    SetJson(body, field, target, target.IsRepeated ? new JsonArray(UnknownEnumName()) : UnknownEnumName());
                    return Json(body.ToJsonString(), mustBeRefused: true, namesField: false);
                }
                return Json(body.ToJsonString(), mustBeRefused: false, namesField: true) with { Kind = "json/random-values" };
            }
            case "json/undefined-enum-number":
                return Json(Formatter.Format(WithUndefinedEnum(request)), mustBeRefused: false, namesField: true);
            case "json/huge-string":
                return Json(Formatter.Format(WithString(request, HugeString(maxRequestBytes * 3 / 4))), mustBeRefused: false, namesField: true);
            case "json/odd-characters":
            {
                // A lone surrogate cannot be read from JSON at all: that is refused before the API's checks.
                var odd = Odd();
                if (!HasLoneSurrogate(odd))
                {
                    return Json(Formatter.Format(WithString(request, odd)), mustBeRefused: false, namesField: true);
                }
                // The formatter refuses to write one; a client's own JSON writer might not.
                const string Placeholder = "zzPlaceholderzz";
                var json = Formatter.Format(WithString(request, Placeholder)).Replace(Placeholder, JsonEscape(odd), StringComparison.Ordinal);
                return Json(json, mustBeRefused: false, namesField: false);
            }
            case "json/invalid-utf8":
                return new HttpCase(number, route, kind, true, false, route.Verb, path, InvalidUtf8(Formatter.Format(request)), "application/json", Anonymous: anonymous);
            case "json/deep":
            {
                var depth = _random.Next(2) == 0 ? _random.Next(maxJsonDepth - 2, maxJsonDepth + 3) : _random.Next(maxJsonDepth, 5_000);
                var body = ToJson(request);
                var open = _random.Next(2) == 0 ? "[" : "{\"n\":";
                var close = open == "[" ? "]" : "}";
                var nested = string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth));
                var json = body.ToJsonString();
                json = json.Length > 2 ? json[..^1] + ",\"zzDeep\":" + nested + "}" : "{\"zzDeep\":" + nested + "}";
                // The body's own object is one level more.
                return Json(json, mustBeRefused: depth + 1 > maxJsonDepth, namesField: false);
            }
            case "json/content-type":
            {
                var type = _messages.Pick<string?>(null, "text/plain", "application/xml", "application/x-www-form-urlencoded",
                    "multipart/form-data; boundary=x", "application/json; charset=utf-16", "application/json; charset=latin1",
                    "application/json; charset=nonsense", "application/jsonx", "image/png", "application/merge-patch+json", "*/*", "json");
                var jsonType = type is "application/merge-patch+json";
                return new HttpCase(number, route, kind, !jsonType, jsonType, route.Verb, path,
                    Encoding.UTF8.GetBytes(Formatter.Format(request)), type, Anonymous: anonymous);
            }
            case "json/over-limit":
            {
                var json = Formatter.Format(WithString(request, new string('o', (int)(maxRequestBytes + _random.Next(1, (int)maxRequestBytes)))));
                return new HttpCase(number, route, kind, true, false, route.Verb, path, Encoding.UTF8.GetBytes(json), "application/json",
                    Chunked: _random.Next(2) == 0, Anonymous: anonymous);
            }
            case "http/path":
                return Json(Formatter.Format(request), mustBeRefused: false, namesField: true) with { PathAndQuery = OddPath(route, request) };
            case "http/method":
                return Json(Formatter.Format(request), mustBeRefused: false, namesField: false) with
                {
                    Verb = _messages.Pick(HttpMethod.Get, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Put, HttpMethod.Post, HttpMethod.Options),
                };
            case "json/unknown-field":
            {
                var body = ToJson(request);
                body["zz" + _random.Next(1000)] = _messages.Pick<JsonNode?>(1, "x", new JsonObject { ["a"] = new JsonArray(1, 2) }, null, true);
                return Json(body.ToJsonString(), mustBeRefused: false, namesField: true);
            }
            default:
                return Json(Formatter.Format(_messages.Random(route.Request, 0)), mustBeRefused: false, namesField: true);
        }
    }

    /// <summary>A route without a body: its fields go in the query string (and the path), and these are what break.</summary>
    private HttpCase Query(int number, ApiRoute route, IMessage request)
    {
        var kind = Weighted(
            ("query/wrong-type", 20), ("query/unknown-enum-name", 10), ("query/undefined-enum-number", 10), ("query/huge", 5),
            ("query/odd-characters", 15), ("query/repeated", 8), ("query/unknown-parameter", 5), ("http/path", 12),
            ("http/method", 5), ("query/random-values", 10), ("query/body-on-get", 5));
        var parameters = QueryParameters(route, request);
        var mustBeRefused = false;
        var namesField = true;
        var scalars = route.Request.Fields.InDeclarationOrder()
            .Where(f => !route.PathFields.Contains(f.Name) && f.FieldType != FieldType.Message).ToList();
        FieldDescriptor? Pick(Func<FieldDescriptor, bool> which) =>
            scalars.Where(which).ToList() is { Count: > 0 } matching ? matching[_random.Next(matching.Count)] : null;
        string Name(FieldDescriptor f) => _random.Next(2) == 0 ? f.JsonName : f.Name;

        var path = route.PathFor(request);
        byte[]? body = null;
        var verb = route.Verb;
        switch (kind)
        {
            case "query/wrong-type" when Pick(f => f.FieldType is not FieldType.String) is { } field:
                parameters.RemoveAll(p => p.Name == field.Name || p.Name == field.JsonName);
                parameters.Add((Name(field), field.FieldType switch
                {
                    FieldType.Bool => _messages.Pick("yes", "2", "ten", "{}", "tru"),
                    FieldType.Enum => _messages.Pick("1.5", "{}", "[1]", "-", "true"),
                    _ => _messages.Pick("ten", "1.5", "1e99", "99999999999999999999", "-", "true", "{}", "[1]"),
                }));
                mustBeRefused = true;
                namesField = false;
                break;
            case "query/unknown-enum-name" when Pick(f => f.FieldType is FieldType.Enum) is { } field:
                parameters.Add((Name(field), UnknownEnumName()));
                mustBeRefused = true;
                namesField = false;
                break;
            case "query/undefined-enum-number" when Pick(f => f.FieldType is FieldType.Enum) is { } field:
                parameters.RemoveAll(p => p.Name == field.Name || p.Name == field.JsonName);
                parameters.Add((Name(field), UndefinedEnumNumber(field).ToString(CultureInfo.InvariantCulture)));
                mustBeRefused = true;
                namesField = false;
                break;
            case "query/huge" when Pick(f => f.FieldType is FieldType.String) is { } field:
                parameters.RemoveAll(p => p.Name == field.Name || p.Name == field.JsonName);
                parameters.Add((Name(field), new string('q', _random.Next(201, 6_000))));
                break;
            case "query/odd-characters" when Pick(f => f.FieldType is FieldType.String) is { } field:
                parameters.RemoveAll(p => p.Name == field.Name || p.Name == field.JsonName);
                parameters.Add((Name(field), Odd()));
                break;
            case "query/repeated" when Pick(f => !f.IsRepeated) is { } field:
                parameters.Add((Name(field), "1"));
                parameters.Add((Name(field), "2"));
                namesField = false;
                break;
            case "query/unknown-parameter":
                parameters.Add(("zz" + _random.Next(100), _messages.Pick("1", "", "%", "x y")));
                break;
            case "http/path":
                path = OddPath(route, request);
                break;
            case "http/method":
                verb = _messages.Pick(HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Put, HttpMethod.Post, HttpMethod.Options);
                body = "{}"u8.ToArray();
                namesField = false;
                break;
            case "query/body-on-get":
                body = _random.Next(2) == 0 ? "{not json"u8.ToArray() : Encoding.UTF8.GetBytes(Formatter.Format(request));
                break;
            default:
                kind = "query/random-values";
                parameters = QueryParameters(route, _messages.Random(route.Request, 0));
                break;
        }
        var query = string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Name) + "=" + EscapeQueryValue(p.Value)));
        return new HttpCase(number, route, kind, mustBeRefused, namesField, verb, query.Length == 0 ? path : path + "?" + query,
            body, body is null ? null : "application/json");
    }

    private List<(string Name, string Value)> QueryParameters(ApiRoute route, IMessage message)
    {
        var parameters = new List<(string, string)>();
        foreach (var field in route.Request.Fields.InDeclarationOrder())
        {
            if (route.PathFields.Contains(field.Name) || field.FieldType == FieldType.Message)
            {
                continue;
            }
            var value = field.Accessor.GetValue(message);
            var values = field.IsRepeated ? ((IList)value).Cast<object>().ToList() : [value];
            foreach (var v in values)
            {
                var text = v switch
                {
                    System.Enum e => field.EnumType.FindValueByNumber(Convert.ToInt32(e, CultureInfo.InvariantCulture))?.Name
                        ?? Convert.ToInt32(e, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
                    bool b => b ? "true" : "false",
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    _ => v.ToString() ?? "",
                };
                if (text is "" or "0" or "false" || text.EndsWith("_UNSPECIFIED", StringComparison.Ordinal))
                {
                    continue;
                }
                parameters.Add((_random.Next(2) == 0 ? field.JsonName : field.Name, text));
            }
        }
        return parameters;
    }

    // Odd values go in as they are: percent-escapes in them stay escapes (%00, %FF), anything else is escaped.
    private static string EscapeQueryValue(string value) =>
        value.StartsWith('%') && value.Length >= 3 ? value : Uri.EscapeDataString(value);

    private string OddPath(ApiRoute route, IMessage request)
    {
        if (route.PathFields.Count == 0)
        {
            return route.PathFor(request) + _messages.Pick("/", "/extra", "%00", "/..", "//", ";x", ":verb");
        }
        var odd = _messages.Pick("", "%00", "%FF", "..", "%2e%2e", "a%2Fb", "%C0%AF", "%ED%A0%80", new string('A', _random.Next(61, 4_000)),
            "KE-SYS-ZZZZZZZZZZZZZZZZZZZZ", "ke-sys-lower", "KE-INC-" + new string('0', 26), "%E2%80%AE", "%20", "%0A", "nothing.example%2Fnone");
        var path = route.Template;
        foreach (var field in route.PathFields)
        {
            path = path.Replace("{" + field + "}", odd, StringComparison.Ordinal);
        }
        return path;
    }

    // ---------- gRPC ----------

    private GrpcCase Grpc(int number, ApiRoute route)
    {
        var kind = Weighted(
            ("grpc/random-bytes", 15), ("grpc/truncated", 12), ("grpc/bit-flips", 15), ("grpc/wrong-wire-type", 8),
            ("grpc/undefined-enum-number", 10), ("grpc/huge-string", 7), ("grpc/odd-characters", 8), ("grpc/invalid-utf8", 8),
            ("grpc/deep-groups", 3), ("grpc/unknown-field", 5), ("grpc/random-values", 8), ("grpc/extreme-numbers", 5), ("grpc/over-limit", 1));
        var request = _messages.Request(route.Request);
        var bytes = request.ToByteArray();
        switch (kind)
        {
            case "grpc/random-bytes":
                bytes = _messages.Bytes(_random.Next(0, 300));
                break;
            case "grpc/truncated":
                bytes = bytes.Length == 0 ? [0x0A] : bytes[.._random.Next(0, bytes.Length)];
                break;
            case "grpc/bit-flips":
                bytes = bytes.Length == 0 ? [0xFF] : [.. bytes];
                for (var i = _random.Next(1, 5); i > 0; i--)
                {
                    bytes[_random.Next(bytes.Length)] ^= (byte)(1 << _random.Next(8));
                }
                break;
            case "grpc/wrong-wire-type":
            {
                var fields = route.Request.Fields.InDeclarationOrder();
                var fieldNumber = fields.Count == 0 ? 1 : fields[_random.Next(fields.Count)].FieldNumber;
                var wire = _messages.Pick(WireFormat.WireType.Varint, WireFormat.WireType.Fixed64, WireFormat.WireType.LengthDelimited,
                    WireFormat.WireType.Fixed32, WireFormat.WireType.StartGroup, WireFormat.WireType.EndGroup, (WireFormat.WireType)6, (WireFormat.WireType)7);
                var tail = new List<byte>();
                WriteVarint(tail, (ulong)((uint)fieldNumber << 3 | (uint)wire));
                tail.AddRange(_messages.Bytes(_random.Next(0, 12)));
                bytes = _random.Next(2) == 0 ? [.. bytes, .. tail] : [.. tail, .. bytes];
                break;
            }
            case "grpc/undefined-enum-number":
                bytes = WithUndefinedEnum(request).ToByteArray();
                break;
            case "grpc/huge-string":
                bytes = WithString(request, HugeString(maxRequestBytes * 3 / 4)).ToByteArray();
                break;
            case "grpc/odd-characters":
                bytes = WithString(request, Odd()).ToByteArray();
                break;
            case "grpc/invalid-utf8":
            {
                // A string field whose bytes are not UTF-8 (protobuf requires them to be).
                var strings = route.Request.Fields.InDeclarationOrder().Where(f => f.FieldType == FieldType.String).ToList();
                var number2 = strings.Count > 0 ? strings[_random.Next(strings.Count)].FieldNumber : 1;
                var value = _messages.Pick<byte[]>([0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0x61, 0xF0, 0x9F], [0xF8, 0x88, 0x80, 0x80, 0x80]);
                var field = new List<byte>();
                WriteVarint(field, (ulong)((uint)number2 << 3 | 2));
                WriteVarint(field, (ulong)value.Length);
                field.AddRange(value);
                bytes = [.. bytes, .. field];
                break;
            }
            case "grpc/deep-groups":
            {
                var depth = _random.Next(50, 400);
                var groups = new List<byte>();
                for (var i = 0; i < depth; i++)
                {
                    WriteVarint(groups, (ulong)((uint)(900 + i % 50) << 3 | 3));
                }
                for (var i = depth - 1; i >= 0; i--)
                {
                    WriteVarint(groups, (ulong)((uint)(900 + i % 50) << 3 | 4));
                }
                bytes = [.. bytes, .. groups];
                break;
            }
            case "grpc/unknown-field":
            {
                var field = new List<byte>();
                WriteVarint(field, (ulong)((uint)_random.Next(100, 5000) << 3 | 2));
                var value = _messages.Bytes(_random.Next(0, 64));
                WriteVarint(field, (ulong)value.Length);
                field.AddRange(value);
                bytes = [.. bytes, .. field];
                break;
            }
            case "grpc/extreme-numbers":
                bytes = WithExtremeNumber(request).ToByteArray();
                break;
            case "grpc/over-limit":
            {
                // An unknown field of more than the limit: every request type can carry one.
                var field = new List<byte>();
                var size = (int)(maxRequestBytes + _random.Next(1, (int)maxRequestBytes));
                WriteVarint(field, (999 << 3) | 2);
                WriteVarint(field, (ulong)size);
                bytes = [.. bytes, .. field, .. new byte[size]];
                return new GrpcCase(number, route, kind, true, false, bytes);
            }
            default:
                bytes = _messages.Random(route.Request, 0).ToByteArray();
                break;
        }
        var parses = Parses(route.Request, bytes);
        return new GrpcCase(number, route, parses ? kind : kind + " (unparsable)", MustBeRefused: !parses, NamesField: parses, bytes);
    }

    private static bool Parses(MessageDescriptor type, byte[] bytes)
    {
        try
        {
            type.Parser.ParseFrom(bytes);
            return true;
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }
    }

    private static void WriteVarint(List<byte> bytes, ulong value)
    {
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }
        bytes.Add((byte)value);
    }

    // ---------- values ----------

    private string HugeString(long max) =>
        new(_messages.Pick('h', 'é', '\u65e5'), (int)Math.Min(max / 3, Math.Exp(_random.NextDouble() * Math.Log(3_000_000)) + 201));

    private string Odd()
    {
        var odd = OddStrings[_random.Next(OddStrings.Length)];
        return _random.Next(3) == 0 ? "ok " + odd + " ok" : odd;
    }

    private static string JsonEscape(string text) => string.Concat(text.Select(c =>
        c < 0x20 || char.IsSurrogate(c) || c is '"' or '\\' ? $"\\u{(int)c:x4}" : c.ToString()));

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }
        return false;
    }

    private string UnknownEnumName() => _messages.Pick("NOT_A_VALUE", "RISK_TIER_EXTREME", "category_health", "", " ", "SEVERITY_SERIOUS ", "null", "0x1");

    private int UndefinedEnumNumber(FieldDescriptor field)
    {
        var defined = field.EnumType.Values.Select(v => v.Number).ToHashSet();
        int n;
        do
        {
            n = _messages.Pick(-1, 99, 1000, int.MaxValue, int.MinValue, defined.Max() + 1, _random.Next(-50, 200));
        }
        while (defined.Contains(n));
        return n;
    }

    /// <summary>A copy of the request with one enum field (perhaps nested or repeated) set to a number its enum does not define.</summary>
    private IMessage WithUndefinedEnum(IMessage request)
    {
        var copy = request.Descriptor.Parser.ParseFrom(request.ToByteString());
        var (path, leaf) = RandomFieldPath(copy.Descriptor, f => f.FieldType == FieldType.Enum);
        if (leaf is not null)
        {
            SetAt(copy, path, RandomMessages.Enum(leaf, UndefinedEnumNumber(leaf)));
        }
        return copy;
    }

    /// <summary>A copy of the request with one string field (perhaps nested or repeated) set to <paramref name="value"/>.</summary>
    private IMessage WithString(IMessage request, string value)
    {
        var copy = request.Descriptor.Parser.ParseFrom(request.ToByteString());
        var (path, leaf) = RandomFieldPath(copy.Descriptor, f => f.FieldType == FieldType.String);
        if (leaf is not null)
        {
            SetAt(copy, path, value);
        }
        return copy;
    }

    /// <summary>A copy with an integer field at an extreme, or a timestamp outside years 1-9999 or with nanos out of range.</summary>
    private IMessage WithExtremeNumber(IMessage request)
    {
        var copy = request.Descriptor.Parser.ParseFrom(request.ToByteString());
        var (path, leaf) = RandomFieldPath(copy.Descriptor, f =>
            f.FieldType is FieldType.Int32 or FieldType.Int64 or FieldType.SInt32 or FieldType.SInt64 or FieldType.UInt32 or FieldType.UInt64 ||
            f.FieldType == FieldType.Message && f.MessageType.FullName == Timestamp.Descriptor.FullName);
        if (leaf is null)
        {
            return copy;
        }
        object value = leaf.FieldType switch
        {
            FieldType.Int32 or FieldType.SInt32 => _messages.Pick(int.MinValue, int.MaxValue, -1),
            FieldType.Int64 or FieldType.SInt64 => _messages.Pick(long.MinValue, long.MaxValue, -1L),
            FieldType.UInt32 => uint.MaxValue,
            FieldType.UInt64 => ulong.MaxValue,
            _ => new Timestamp
            {
                Seconds = _messages.Pick(long.MinValue, long.MaxValue, -62_135_596_801, 253_402_300_800, 0L),
                Nanos = _messages.Pick(0, -1, 1_000_000_000, int.MaxValue),
            },
        };
        SetAt(copy, path, value);
        return copy;
    }

    /// <summary>
    /// A field of <paramref name="type"/> or of the messages it holds (three levels down at most) that
    /// <paramref name="leaf"/> accepts, as the path of fields that leads to it; the leaf is null when there is none.
    /// </summary>
    private (IReadOnlyList<FieldDescriptor> Path, FieldDescriptor? Leaf) RandomFieldPath(MessageDescriptor type, Func<FieldDescriptor, bool> leaf)
    {
        var paths = new List<FieldDescriptor[]>();
        void Walk(MessageDescriptor message, FieldDescriptor[] prefix)
        {
            foreach (var field in message.Fields.InDeclarationOrder())
            {
                if (field.IsMap)
                {
                    continue;
                }
                FieldDescriptor[] path = [.. prefix, field];
                if (leaf(field))
                {
                    paths.Add(path);
                }
                if (field.FieldType == FieldType.Message && prefix.Length < 3 &&
                    field.MessageType.FullName is not ("google.protobuf.Timestamp" or "google.protobuf.Struct"))
                {
                    Walk(field.MessageType, path);
                }
            }
        }
        Walk(type, []);
        return paths.Count == 0 ? ([], null) : paths[_random.Next(paths.Count)] is var chosen ? (chosen, chosen[^1]) : default;
    }

    /// <summary>Sets the field at the end of <paramref name="path"/>, creating the messages (and list items) on the way.</summary>
    private static void SetAt(IMessage message, IReadOnlyList<FieldDescriptor> path, object value)
    {
        for (var i = 0; i < path.Count; i++)
        {
            var field = path[i];
            var last = i == path.Count - 1;
            if (field.IsRepeated)
            {
                var list = (IList)field.Accessor.GetValue(message);
                if (last)
                {
                    list.Add(value);
                    return;
                }
                if (list.Count == 0)
                {
                    list.Add(field.MessageType.Parser.ParseFrom(ByteString.Empty));
                }
                message = (IMessage)list[0]!;
            }
            else if (last)
            {
                field.Accessor.SetValue(message, value);
            }
            else
            {
                if (field.Accessor.GetValue(message) is not IMessage inner)
                {
                    inner = field.MessageType.Parser.ParseFrom(ByteString.Empty);
                    field.Accessor.SetValue(message, inner);
                }
                message = inner;
            }
        }
    }

    // ---------- JSON ----------

    private static JsonObject ToJson(IMessage message) => (JsonObject)JsonNode.Parse(Formatter.Format(message))!;

    /// <summary>Sets the JSON property at the end of <paramref name="path"/> (lowerCamelCase names), creating objects on the way.</summary>
    private void SetJson(JsonObject body, IReadOnlyList<FieldDescriptor> path, FieldDescriptor? leaf, JsonNode? value)
    {
        if (leaf is null)
        {
            body["zzWrong"] = value;
            return;
        }
        var node = body;
        for (var i = 0; i < path.Count - 1; i++)
        {
            var field = path[i];
            if (field.IsRepeated)
            {
                if (node[field.JsonName] is not JsonArray array)
                {
                    node[field.JsonName] = array = [];
                }
                if (array.Count == 0 || array[0] is not JsonObject)
                {
                    array.Insert(0, new JsonObject());
                }
                node = (JsonObject)array[0]!;
            }
            else
            {
                if (node[field.JsonName] is not JsonObject inner)
                {
                    node[field.JsonName] = inner = [];
                }
                node = inner;
            }
        }
        // A repeated field gets a wrong element as often as a wrong container.
        node[leaf.JsonName] = leaf.IsRepeated && _random.Next(2) == 0 && value is not JsonArray ? new JsonArray(value) : value;
    }

    /// <summary>A JSON value the field's type can never take (null and numeric strings are left out: proto3 JSON accepts them).</summary>
    private JsonNode? WrongType(FieldDescriptor? field)
    {
        JsonNode Object() => new JsonObject { ["x"] = 1 };
        JsonNode Array() => new JsonArray(1, "two");
        return field is null ? Object() : field.FieldType switch
        {
            FieldType.String => _messages.Pick<JsonNode>(12, true, Object(), Array(), 1.5),
            FieldType.Bool => _messages.Pick<JsonNode>("yes", 2, Object(), Array(), "TRUE "),
            FieldType.Enum => _messages.Pick<JsonNode>(true, Object(), Array(), 1.5, "NOT_A_VALUE"),
            FieldType.Message when field.MessageType.FullName == Timestamp.Descriptor.FullName =>
                _messages.Pick<JsonNode>(5, true, Object(), Array(), "yesterday", "2026-13-01T00:00:00Z", "10000-01-01T00:00:00Z", "2026-01-01 10:00"),
            FieldType.Message => _messages.Pick<JsonNode>("text", 5, Array(), true),
            FieldType.Bytes => _messages.Pick<JsonNode>("not base64!", 5, Object(), true),
            _ => _messages.Pick<JsonNode>("ten", true, Object(), Array(), 1.5, 1e40, "1e99", 99999999999999999999.0),
        };
    }

    /// <summary>Breaks the JSON text: cut short, a character dropped or added, something after the end, or a fixed bad body.</summary>
    private string BreakSyntax(string json)
    {
        string[] fixedBodies =
        [
            "", " ", "{", "}", "[", "{\"a\":}", "{,}", "{'slug':'x'}", "{\"a\":1,}", "/* comment */{}", "{} {}", "NaN", "\u0000",
            "{\"a\":\"\\x41\"}", "{\"a\":\"\\u12\"}", "{\"a\" 1}", "{\"a\":01}", "{\"a\":.5}", "{\"a\":+1}", "{\"a\":tru}", "{\"a\":\"unterminated}",
            "{\"a\":\"\t\"}", "{a:1}", "\"just a string\"", "{\"a\":[1,2}", "{\"a\":1}}", "\ufeff\ufeff{}",
        ];
        if (json.Length < 3 || _random.Next(5) == 0)
        {
            return fixedBodies[_random.Next(fixedBodies.Length)];
        }
        var at = _random.Next(1, json.Length - 1);
        return _random.Next(6) switch
        {
            0 => json[..at],
            1 => json.Remove(at, 1),
            2 => json.Insert(at, _messages.Pick("{", "}", "[", "]", ",", ":", "\"", "\\", "'", "x", "\u0001", "//")),
            3 => json + _messages.Pick("}", ",", "{}", "x", " null", "]"),
            4 => json.Replace(':', '='),
            _ => json.Replace('"', '\''),
        };
    }

    /// <summary>The JSON as UTF-8 with a byte sequence that is not UTF-8 inside a string (or, for an empty object, alone).</summary>
    private byte[] InvalidUtf8(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json).ToList();
        byte[] bad = _messages.Pick<byte[]>([0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0x80]);
        var quote = bytes.IndexOf((byte)'"', bytes.Count / 2);
        bytes.InsertRange(quote > 0 ? quote : bytes.Count, quote > 0 ? bad : [.. "\"x\":\""u8.ToArray(), .. bad, (byte)'"']);
        return [.. bytes];
    }

    /// <summary>One JSON object, well-formed: what a body must be for the request to reach the API's checks.</summary>
    private static bool IsWellFormedObject(string text)
    {
        var trimmed = text.TrimStart('\ufeff');
        try
        {
            using var document = JsonDocument.Parse(trimmed);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private string Weighted(params (string Kind, int Weight)[] kinds)
    {
        var roll = _random.Next(kinds.Sum(k => k.Weight));
        foreach (var (kind, weight) in kinds)
        {
            if (roll < weight)
            {
                return kind;
            }
            roll -= weight;
        }
        return kinds[^1].Kind;
    }
}
