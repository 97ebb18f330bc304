using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace FederatedRegistry.Node.Tests.Malformed;

/// <summary>
/// Request messages of any type, built from its descriptor with values of roughly the right shape (ids that look like
/// ids, country codes, e-mail addresses), so that most reach the API's own checks; or, for the types that have one,
/// a valid request from <see cref="Examples"/>. Deterministic for a seeded <see cref="Random"/>.
/// </summary>
public sealed class RandomMessages(Random random, IReadOnlyDictionary<string, Func<IMessage>> examples)
{
    private static readonly string[] Words = ["triage", "alpha", "Acme", "ok", "ümlaut", "日本", "x", "credit score", "a-b_c.d", "KE", "\u00e9t\u00e9"];

    /// <summary>Valid requests by message full name, for the types a test can build; the others are generated.</summary>
    public IReadOnlyDictionary<string, Func<IMessage>> Examples => examples;

    /// <summary>A request of type <paramref name="type"/>: half the time a valid example (when there is one), else random.</summary>
    public IMessage Request(MessageDescriptor type) =>
        examples.TryGetValue(type.FullName, out var example) && random.Next(2) == 0 ? example() : Random(type, 0);

    public IMessage Random(MessageDescriptor type, int depth)
    {
        var message = type.Parser.ParseFrom(ByteString.Empty);
        foreach (var field in type.Fields.InDeclarationOrder())
        {
            if (field.IsMap || random.NextDouble() < 0.25)
            {
                continue;
            }
            if (field.IsRepeated)
            {
                var list = (IList)field.Accessor.GetValue(message);
                for (var i = random.Next(0, 4); i > 0; i--)
                {
                    list.Add(Value(field, depth));
                }
            }
            else if (field.RealContainingOneof is null || random.Next(2) == 0)
            {
                field.Accessor.SetValue(message, Value(field, depth));
            }
        }
        return message;
    }

    /// <summary>A plausible value for <paramref name="field"/>, of its CLR type.</summary>
    public object Value(FieldDescriptor field, int depth) => field.FieldType switch
    {
        FieldType.String => Text(field.Name),
        FieldType.Bool => random.Next(2) == 0,
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => SmallInt(),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => (long)SmallInt(),
        FieldType.UInt32 or FieldType.Fixed32 => (uint)Math.Abs(SmallInt()),
        FieldType.UInt64 or FieldType.Fixed64 => (ulong)Math.Abs(SmallInt()),
        FieldType.Double => random.NextDouble() * 100,
        FieldType.Float => (float)(random.NextDouble() * 100),
        FieldType.Bytes => ByteString.CopyFrom(Bytes(random.Next(0, 40))),
        FieldType.Enum => Enum(field, field.EnumType.Values[random.Next(field.EnumType.Values.Count)].Number),
        FieldType.Message when field.MessageType.FullName == Timestamp.Descriptor.FullName =>
            Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-random.Next(1, 60 * 24 * 400))),
        FieldType.Message when field.MessageType.FullName == Struct.Descriptor.FullName => new Struct(),
        FieldType.Message => depth < 4 ? Random(field.MessageType, depth + 1) : field.MessageType.Parser.ParseFrom(ByteString.Empty),
        _ => throw new InvalidOperationException($"No value for {field.FullName} ({field.FieldType})"),
    };

    /// <summary>The enum value numbered <paramref name="number"/> of the field's enum type, defined or not.</summary>
    public static object Enum(FieldDescriptor field, int number) => System.Enum.ToObject(field.EnumType.ClrType, number);

    public string Text(string fieldName)
    {
        if (random.Next(10) == 0)
        {
            return "";
        }
        return fieldName switch
        {
            "id" or "system_id" or "alert_id" => Pick(
                "KE-SYS-" + Crockford(20), "KE-INC-" + Crockford(26), "FR-INC-" + Crockford(26), "KE-PRV-" + Slug(),
                "KE-ADV-" + Crockford(26), Word()),
            "provider_id" => Pick("KE-PRV-" + Slug(), Word()),
            "product_id" => Pick($"{Slug()}.example/{Slug()}", Word()),
            "slug" => Pick(Slug(), Word()),
            "country" or "markets" or "affected_jurisdictions" or "origin" or "peer" => Pick("KE", "TZ", "FR", "ZZ", "ke", Word()),
            "contact_email" => Pick($"{Slug()}@example.org", Word()),
            "website" => Pick("https://example.org", Word()),
            "page_token" => Pick(Convert.ToBase64String(Bytes(random.Next(1, 30))).TrimEnd('=').Replace('+', '-').Replace('/', '_'), Word()),
            "request_id" => Pick(new Guid(Bytes(16)).ToString(), Word()),
            "dimensions" => Pick("risk_tier", "category", "status", Word()),
            "dataset" => Pick("systems", "incidents", Word()),
            "direction" => Pick("received", "sent", Word()),
            "document" => Pick("{}", """{"format": "fedreg.sharing-policy/v1", "node_code": "KE", "grants": []}""", Word()),
            _ => string.Join(' ', Enumerable.Range(0, random.Next(1, 6)).Select(_ => Word())),
        };
    }

    public int SmallInt() => random.Next(6) switch
    {
        0 => 0,
        1 => -random.Next(1, 5),
        _ => random.Next(1, 120),
    };

    public byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    public T Pick<T>(params T[] choices) => choices[random.Next(choices.Length)];

    private string Word() => Words[random.Next(Words.Length)];

    private string Slug() => "s" + Crockford(10).ToLowerInvariant();

    private string Crockford(int length) =>
        new([.. Enumerable.Range(0, length).Select(_ => "0123456789ABCDEFGHJKMNPQRSTVWXYZ"[random.Next(32)])]);
}
