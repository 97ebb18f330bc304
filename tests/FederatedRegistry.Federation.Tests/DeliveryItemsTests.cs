using FederatedRegistry.Contracts.V1;
using FederatedRegistry.Domain.Sharing;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Advisory = FederatedRegistry.Domain.Advisories.Advisory;

namespace FederatedRegistry.Federation.Tests;

public sealed class DeliveryItemsTests
{
    private static readonly DateTimeOffset RaisedAt = new(2025, 6, 1, 12, 0, 0, 123, TimeSpan.FromHours(3));

    private static SharedRecord IncidentRecord() => new(SharedDataset.Incidents,
    [
        KeyValuePair.Create<string, object?>("id", "KE-INC-0123456789ABCDEFGHJKMNPQRS"),
        KeyValuePair.Create<string, object?>("severity", "serious"),
        KeyValuePair.Create<string, object?>("cross_border", true),
        KeyValuePair.Create<string, object?>("record_version", 4L),
        KeyValuePair.Create<string, object?>("occurred_at", new DateTimeOffset(2025, 5, 30, 8, 0, 0, TimeSpan.Zero)),
        KeyValuePair.Create<string, object?>("affected_jurisdictions", new[] { "KE", "FR" }),
        KeyValuePair.Create<string, object?>("reporting_rule", null),
    ]);

    private static Advisory AnAdvisory() => new(
        "KE-ADV-0123456789ABCDEFGHJKMNPQRS", "KE", 5, "Triage models under-rate sepsis", "What happened, in a few paragraphs.",
        "Validate on local data.", ["Retrain on local data", "Add a human check"], ["health", "employment"],
        new DateTimeOffset(2025, 6, 2, 9, 30, 0, TimeSpan.Zero));

    private static T ThroughBytes<T>(T message, MessageParser<T> parser) where T : IMessage<T> => parser.ParseFrom(message.ToByteArray());

    private static T ThroughJson<T>(T message) where T : IMessage<T>, new() =>
        JsonParser.Default.Parse<T>(JsonFormatter.Default.Format(message));

    [Fact]
    public void ForAlert_CarriesTheAlertIdPolicyVersionTimeAndTheGrantedFieldsOnly()
    {
        var alert = new Alert("FR", 9, IncidentRecord().Project(["id", "severity", "occurred_at"]));

        var item = DeliveryItems.ForAlert(alert, "KE-INC-0123456789ABCDEFGHJKMNPQRS", RaisedAt);

        Assert.Equal(DeliveryItem.ItemOneofCase.Alert, item.ItemCase);
        Assert.Equal("KE-INC-0123456789ABCDEFGHJKMNPQRS", item.Alert.AlertId);
        Assert.Equal(9, item.Alert.PolicyVersion);
        Assert.Equal(RaisedAt, item.Alert.RaisedAt.ToDateTimeOffset());
        Assert.Equal(["id", "occurred_at", "severity"], item.Alert.Incident.Fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("2025-05-30T08:00:00Z", item.Alert.Incident.Fields["occurred_at"].StringValue);
    }

    [Fact]
    public void ForAlert_RoundTripsThroughProtobufBytesAndJson()
    {
        var item = DeliveryItems.ForAlert(new Alert("FR", 9, IncidentRecord()), "KE-INC-0123456789ABCDEFGHJKMNPQRS", RaisedAt);

        Assert.Equal(item, ThroughBytes(item, DeliveryItem.Parser));
        Assert.Equal(item, ThroughJson(item));
    }

    [Fact]
    public void ForAlert_IncidentRoundTripsThroughToJsonAndFromJson()
    {
        var item = DeliveryItems.ForAlert(new Alert("FR", 9, IncidentRecord()), "KE-INC-0123456789ABCDEFGHJKMNPQRS", RaisedAt);

        var json = DeliveryItems.ToJson(item.Alert.Incident);

        Assert.Equal(item.Alert.Incident, DeliveryItems.FromJson(json));
        Assert.Contains("\"affected_jurisdictions\": [ \"KE\", \"FR\" ]", json, StringComparison.Ordinal);
        Assert.Contains("\"reporting_rule\": null", json, StringComparison.Ordinal);
    }

    [Fact]
    public void ForAdvisory_CarriesEveryFieldOfTheAdvisory()
    {
        var advisory = AnAdvisory();

        var item = DeliveryItems.ForAdvisory(advisory);

        Assert.Equal(DeliveryItem.ItemOneofCase.Advisory, item.ItemCase);
        var notice = item.Advisory;
        Assert.Equal(advisory.Id, notice.AdvisoryId);
        Assert.Equal(advisory.PolicyVersion, notice.PolicyVersion);
        Assert.Equal(advisory.Title, notice.Title);
        Assert.Equal(advisory.Summary, notice.Summary);
        Assert.Equal(advisory.LessonsLearned, notice.LessonsLearned);
        Assert.Equal(advisory.Mitigations, notice.Mitigations);
        Assert.Equal(advisory.Categories, notice.Categories);
        Assert.Equal(advisory.PublishedAt, notice.PublishedAt.ToDateTimeOffset());
    }

    [Fact]
    public void ForAdvisory_RoundTripsThroughProtobufBytesAndJson()
    {
        var item = DeliveryItems.ForAdvisory(AnAdvisory());

        Assert.Equal(item, ThroughBytes(item, DeliveryItem.Parser));
        Assert.Equal(item, ThroughJson(item));
    }

    [Fact]
    public void ForAcknowledgement_CarriesAlertIdTimeAndNote_AndRoundTrips()
    {
        var at = new DateTimeOffset(2025, 6, 3, 7, 0, 0, TimeSpan.Zero).AddTicks(10);

        var item = DeliveryItems.ForAcknowledgement("FR-INC-0123456789ABCDEFGHJKMNPQRS", at, "Seen; investigating.");

        Assert.Equal(DeliveryItem.ItemOneofCase.Acknowledgement, item.ItemCase);
        Assert.Equal("FR-INC-0123456789ABCDEFGHJKMNPQRS", item.Acknowledgement.AlertId);
        Assert.Equal(at, item.Acknowledgement.AcknowledgedAt.ToDateTimeOffset());
        Assert.Equal("Seen; investigating.", item.Acknowledgement.Note);
        Assert.Equal(item, ThroughBytes(item, DeliveryItem.Parser));
        Assert.Equal(item, ThroughJson(item));
    }

    [Fact]
    public void Batch_OfEveryKindOfItem_RoundTripsInOrder()
    {
        var batch = new DeliveryBatch
        {
            Recipient = "FR",
            Items =
            {
                DeliveryItems.ForAlert(new Alert("FR", 9, IncidentRecord()), "KE-INC-0123456789ABCDEFGHJKMNPQRS", RaisedAt),
                DeliveryItems.ForAdvisory(AnAdvisory()),
                DeliveryItems.ForAcknowledgement("FR-INC-0123456789ABCDEFGHJKMNPQRS", RaisedAt, ""),
            },
        };

        var back = ThroughBytes(batch, DeliveryBatch.Parser);

        Assert.Equal(batch, back);
        Assert.Equal([DeliveryItem.ItemOneofCase.Alert, DeliveryItem.ItemOneofCase.Advisory, DeliveryItem.ItemOneofCase.Acknowledgement],
            back.Items.Select(i => i.ItemCase));
    }

    [Fact]
    public void FromJson_OfAJsonObject_GivesItsFields()
    {
        var record = DeliveryItems.FromJson("""{"id": "KE-INC-1", "record_version": 3, "cross_border": true, "harm_types": ["health"], "reporting_rule": null}""");

        Assert.Equal("KE-INC-1", record.Fields["id"].StringValue);
        Assert.Equal(3, record.Fields["record_version"].NumberValue);
        Assert.True(record.Fields["cross_border"].BoolValue);
        Assert.Equal(Value.ForList(Value.ForString("health")), record.Fields["harm_types"]);
        Assert.Equal(Value.KindOneofCase.NullValue, record.Fields["reporting_rule"].KindCase);
    }

    [Fact]
    public void FromJson_OfSomethingOtherThanAnObject_Throws() =>
        Assert.ThrowsAny<InvalidProtocolBufferException>(() => DeliveryItems.FromJson("[1, 2]"));
}
