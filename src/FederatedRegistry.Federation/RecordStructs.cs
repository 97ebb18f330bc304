using System.Collections.Immutable;
using System.Globalization;
using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Sharing;
using Google.Protobuf.WellKnownTypes;

namespace FederatedRegistry.Federation;

/// <summary>
/// Shared records as protobuf Structs, the form in which they travel and are shown as JSON: strings, booleans,
/// numbers, RFC 3339 UTC times as strings, lists of strings, and null. Only a record's own fields are written.
/// </summary>
public static class RecordStructs
{
    public static Struct ToStruct(SharedRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var result = new Struct();
        foreach (var (name, value) in record.Fields)
        {
            result.Fields[name] = value switch
            {
                null => Value.ForNull(),
                string s => Value.ForString(s),
                bool b => Value.ForBool(b),
                long l => Value.ForNumber(l),
                DateTimeOffset t => Value.ForString(t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture)),
                ImmutableArray<string> list => Value.ForList([.. list.Select(Value.ForString)]),
                _ => throw new ArgumentException($"Field {name} holds a {value.GetType().Name}, which a shared record cannot hold.", nameof(record)),
            };
        }
        return result;
    }

    /// <summary>
    /// The faults of a record received from a peer: a field outside the dataset's catalogue, or a value that is not
    /// a string, boolean, number, list of strings or null. Names each field under <paramref name="path"/>.
    /// </summary>
    public static IReadOnlyList<FieldViolation> Check(Struct? record, SharedDataset dataset, string path)
    {
        var rules = new FieldRules();
        if (record is null)
        {
            rules.Add(path, "is required");
            return rules.Violations;
        }
        foreach (var (name, value) in record.Fields)
        {
            if (!SharingCatalogue.IsField(dataset, name))
            {
                rules.Add($"{path}.{name}", $"is not a field of {SharingCatalogue.Name(dataset)} in the sharing catalogue");
                continue;
            }
            var ok = value.KindCase switch
            {
                Value.KindOneofCase.NullValue or Value.KindOneofCase.BoolValue => true,
                // JSON has no form for NaN or the infinities: kept as JSON they would turn into strings.
                Value.KindOneofCase.NumberValue => double.IsFinite(value.NumberValue),
                Value.KindOneofCase.StringValue => value.StringValue.Length <= 20_000,
                Value.KindOneofCase.ListValue => value.ListValue.Values.Count <= 500 &&
                    value.ListValue.Values.All(v => v.KindCase == Value.KindOneofCase.StringValue && v.StringValue.Length <= 1_000),
                _ => false,
            };
            if (!ok)
            {
                rules.Add($"{path}.{name}", "must be a string (up to 20000 characters), a boolean, a finite number, null, or a list of up to 500 strings");
            }
        }
        return rules.Violations;
    }

    /// <summary>A string field of a received record, or null.</summary>
    public static string? String(Struct record, string field) =>
        record.Fields.TryGetValue(field, out var value) && value.KindCase == Value.KindOneofCase.StringValue ? value.StringValue : null;
}
