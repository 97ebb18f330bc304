using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Sharing;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace FederatedRegistry.Federation.Tests;

public sealed class RecordStructsTests
{
    private const string Path = "items[0].alert.incident";

    private static SharedRecord Incident(params (string Name, object? Value)[] fields) =>
        new(SharedDataset.Incidents, fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));

    private static Struct Received(params (string Name, Value Value)[] fields)
    {
        var record = new Struct();
        foreach (var (name, value) in fields)
        {
            record.Fields[name] = value;
        }
        return record;
    }

    private static IReadOnlyList<FieldViolation> Check(Struct? record) => RecordStructs.Check(record, SharedDataset.Incidents, Path);

    [Fact]
    public void ToStruct_MapsEachKindOfValue()
    {
        var record = Incident(
            ("id", "KE-INC-0123456789ABCDEFGHJKMNPQRS"),
            ("cross_border", true),
            ("widespread", false),
            ("record_version", 42L),
            ("occurred_at", new DateTimeOffset(2025, 6, 1, 15, 4, 5, TimeSpan.FromHours(3)).AddTicks(1_234_567)),
            ("affected_jurisdictions", new[] { "KE", "FR" }),
            ("harm_types", Array.Empty<string>()),
            ("reporting_deadline", null));

        var result = RecordStructs.ToStruct(record);

        Assert.Equal(Value.ForString("KE-INC-0123456789ABCDEFGHJKMNPQRS"), result.Fields["id"]);
        Assert.Equal(Value.ForBool(true), result.Fields["cross_border"]);
        Assert.Equal(Value.ForBool(false), result.Fields["widespread"]);
        Assert.Equal(Value.ForNumber(42), result.Fields["record_version"]);
        Assert.Equal(Value.ForString("2025-06-01T12:04:05.123456Z"), result.Fields["occurred_at"]);
        Assert.Equal(Value.ForList(Value.ForString("KE"), Value.ForString("FR")), result.Fields["affected_jurisdictions"]);
        Assert.Equal(Value.ForList(), result.Fields["harm_types"]);
        Assert.Equal(Value.ForNull(), result.Fields["reporting_deadline"]);
        Assert.Equal(8, result.Fields.Count);
    }

    [Theory]
    [InlineData(0L, "2025-06-01T12:04:05Z")]
    [InlineData(5_000_000L, "2025-06-01T12:04:05.5Z")]
    [InlineData(10L, "2025-06-01T12:04:05.000001Z")]
    [InlineData(9L, "2025-06-01T12:04:05Z")]
    [InlineData(9_999_999L, "2025-06-01T12:04:05.999999Z")]
    public void ToStruct_Time_IsAnRfc3339UtcStringRoundedDownToTheMicrosecond(long extraTicks, string expected)
    {
        var at = new DateTimeOffset(2025, 6, 1, 12, 4, 5, TimeSpan.Zero).AddTicks(extraTicks);

        var result = RecordStructs.ToStruct(Incident(("aware_at", at)));

        Assert.Equal(expected, result.Fields["aware_at"].StringValue);
        Assert.Equal(at.UtcTicks / 10, DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture).UtcTicks / 10);
    }

    [Fact]
    public void ToStruct_Time_IsWrittenInUtcWhateverItsOffset()
    {
        var at = new DateTimeOffset(2025, 1, 1, 1, 30, 0, TimeSpan.FromHours(5.5));

        var result = RecordStructs.ToStruct(Incident(("reported_at", at)));

        Assert.Equal("2024-12-31T20:00:00Z", result.Fields["reported_at"].StringValue);
    }

    [Fact]
    public void ToStruct_Number_KeepsIntegersUpTo2To53Exactly()
    {
        const long Largest = 1L << 53;

        var result = RecordStructs.ToStruct(Incident(("record_version", Largest)));

        Assert.Equal(Largest, (long)result.Fields["record_version"].NumberValue);
    }

    [Fact]
    public void ToStruct_WritesOnlyTheRecordsOwnFields()
    {
        var full = Incident(("id", "KE-INC-0123456789ABCDEFGHJKMNPQRS"), ("title", "Triage failure"), ("severity", "serious"), ("description", "secret"));

        var result = RecordStructs.ToStruct(full.Project(["id", "severity"]));

        Assert.Equal(["id", "severity"], result.Fields.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ToStruct_EmptyRecord_IsAnEmptyStruct() =>
        Assert.Equal(new Struct(), RecordStructs.ToStruct(Incident()));

    [Fact]
    public void ToStruct_Null_Throws() =>
        Assert.Throws<ArgumentNullException>(() => RecordStructs.ToStruct(null!));

    [Fact]
    public void ToStruct_OutputOfAnyRecordMadeByIt_PassesCheck()
    {
        var record = Incident(
            ("id", "KE-INC-0123456789ABCDEFGHJKMNPQRS"),
            ("cross_border", true),
            ("record_version", 3L),
            ("updated_at", DateTimeOffset.UnixEpoch),
            ("harm_types", new[] { "health", "safety" }),
            ("reporting_rule", null));

        Assert.Empty(Check(RecordStructs.ToStruct(record)));
    }

    [Fact]
    public void Check_EveryKindOfPlainValue_IsAccepted()
    {
        var record = Received(
            ("id", Value.ForString("KE-INC-0123456789ABCDEFGHJKMNPQRS")),
            ("title", Value.ForString(new string('x', 20_000))),
            ("cross_border", Value.ForBool(false)),
            ("record_version", Value.ForNumber(7)),
            ("reporting_deadline", Value.ForNull()),
            ("affected_jurisdictions", Value.ForList([.. Enumerable.Repeat(Value.ForString(new string('y', 1_000)), 500)])),
            ("harm_types", Value.ForList()));

        Assert.Empty(Check(record));
    }

    [Fact]
    public void Check_NoRecord_IsRefusedAsRequiredAtThePath() =>
        Assert.Equal([new FieldViolation(Path, "is required")], Check(null));

    [Fact]
    public void Check_EmptyRecord_IsAccepted() =>
        Assert.Empty(Check(new Struct()));

    [Theory]
    [InlineData("reporter")]
    [InlineData("history")]
    [InlineData("Title")]
    [InlineData("")]
    public void Check_FieldOutsideTheCatalogue_IsRefusedNamingItsPath(string field)
    {
        var violations = Check(Received(("id", Value.ForString("x")), (field, Value.ForString("Dr. Who"))));

        Assert.Equal([new FieldViolation($"{Path}.{field}", "is not a field of incidents in the sharing catalogue")], violations);
    }

    [Fact]
    public void Check_FieldOfAnotherDataset_IsRefused()
    {
        var violations = RecordStructs.Check(Received(("title", Value.ForString("x"))), SharedDataset.Systems, "records[3]");

        Assert.Equal([new FieldViolation("records[3].title", "is not a field of systems in the sharing catalogue")], violations);
    }

    public static TheoryData<string, Value> FaultyValues() => new()
    {
        { "nested struct", Value.ForStruct(Received(("a", Value.ForString("b")))) },
        { "string of 20001 characters", Value.ForString(new string('x', 20_001)) },
        { "list of 501 strings", Value.ForList([.. Enumerable.Repeat(Value.ForString("x"), 501)]) },
        { "list holding a string of 1001 characters", Value.ForList(Value.ForString("ok"), Value.ForString(new string('x', 1_001))) },
        { "list holding a number", Value.ForList(Value.ForString("ok"), Value.ForNumber(1)) },
        { "list holding a null", Value.ForList(Value.ForNull()) },
        { "list holding a list", Value.ForList(Value.ForList(Value.ForString("x"))) },
        { "list holding a struct", Value.ForList(Value.ForStruct(new Struct())) },
        { "value without a kind", new Value() },
    };

    [Theory]
    [MemberData(nameof(FaultyValues))]
    public void Check_ValueThatIsNotPlain_IsRefusedNamingItsPath(string what, Value value)
    {
        var violations = Check(Received(("id", Value.ForString("x")), ("description", value)));

        var violation = Assert.Single(violations);
        Assert.True(violation.Field == $"{Path}.description", what);
        Assert.StartsWith("must be a string (up to 20000 characters)", violation.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SeveralFaults_NamesEach()
    {
        var violations = Check(Received(
            ("reporter", Value.ForString("x")),
            ("title", Value.ForStruct(new Struct())),
            ("severity", Value.ForString("serious"))));

        Assert.Equal([$"{Path}.reporter", $"{Path}.title"], violations.Select(v => v.Field).Order(StringComparer.Ordinal));
    }

    /// <summary>A received record is kept as JSON, which has no NaN or infinity: such a number would come back as a string.</summary>
    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Check_NumberWithoutAJsonForm_IsRefused(double number)
    {
        var record = Received(("record_version", Value.ForNumber(number)));

        Assert.NotEmpty(Check(record));
    }

    [Fact]
    public void String_GivesAStringFieldOrNull()
    {
        var record = Received(("product_id", Value.ForString("acme.example/triage")), ("record_version", Value.ForNumber(1)));

        Assert.Equal("acme.example/triage", RecordStructs.String(record, "product_id"));
        Assert.Null(RecordStructs.String(record, "record_version"));
        Assert.Null(RecordStructs.String(record, "title"));
    }

    [Fact]
    public void ToStruct_ThroughJson_ComesBackUnchanged()
    {
        var record = Incident(("id", "KE-INC-0123456789ABCDEFGHJKMNPQRS"), ("cross_border", true), ("record_version", 12L),
            ("occurred_at", DateTimeOffset.UnixEpoch.AddDays(20_000)), ("harm_types", new[] { "health" }), ("reporting_rule", null));
        var result = RecordStructs.ToStruct(record);

        Assert.Equal(result, DeliveryItems.FromJson(DeliveryItems.ToJson(result)));
        Assert.Equal(result, Struct.Parser.ParseFrom(result.ToByteArray()));
    }
}
