using FederatedRegistry.Contracts.V1;
using Advisory = FederatedRegistry.Domain.Advisories.Advisory;
using FederatedRegistry.Domain.Sharing;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace FederatedRegistry.Federation;

/// <summary>What this node pushes to peers, as the DeliveryItems of federation.proto.</summary>
public static class DeliveryItems
{
    /// <summary>The alert as it leaves the node: the alert's granted fields only, under the policy version that allowed them.</summary>
    public static DeliveryItem ForAlert(Alert alert, string alertId, DateTimeOffset raisedAt) => new()
    {
        Alert = new AlertNotice
        {
            AlertId = alertId,
            PolicyVersion = alert.PolicyVersion,
            Incident = RecordStructs.ToStruct(alert.Incident),
            RaisedAt = Timestamp.FromDateTimeOffset(raisedAt),
        },
    };

    public static DeliveryItem ForAdvisory(Advisory advisory) => new()
    {
        Advisory = new AdvisoryNotice
        {
            AdvisoryId = advisory.Id,
            PolicyVersion = advisory.PolicyVersion,
            Title = advisory.Title,
            Summary = advisory.Summary,
            LessonsLearned = advisory.LessonsLearned,
            Mitigations = { advisory.Mitigations },
            Categories = { advisory.Categories },
            PublishedAt = Timestamp.FromDateTimeOffset(advisory.PublishedAt),
        },
    };

    public static DeliveryItem ForAcknowledgement(string alertId, DateTimeOffset acknowledgedAt, string note) => new()
    {
        Acknowledgement = new AlertAcknowledgement
        {
            AlertId = alertId,
            AcknowledgedAt = Timestamp.FromDateTimeOffset(acknowledgedAt),
            Note = note,
        },
    };

    /// <summary>The record's fields as JSON, the form in which alerts are kept and listed.</summary>
    public static string ToJson(Struct record) => JsonFormatter.Default.Format(record);

    public static Struct FromJson(string json) => JsonParser.Default.Parse<Struct>(json);
}
