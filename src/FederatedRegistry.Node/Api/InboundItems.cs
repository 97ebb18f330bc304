using FederatedRegistry.Domain;
using FederatedRegistry.Domain.Advisories;
using FederatedRegistry.Domain.Sharing;
using FederatedRegistry.Federation;
using FederatedRegistry.Grains;
using Google.Protobuf.WellKnownTypes;
using V1 = FederatedRegistry.Contracts.V1;

namespace FederatedRegistry.Node.Api;

/// <summary>
/// Checks a peer's delivery item by item, as any other input at the edge: a signed message is authentic, not
/// necessarily well formed. Nothing invalid reaches the exchange grain.
/// </summary>
internal static class InboundItems
{
    /// <exception cref="Grpc.Core.RpcException">InvalidArgument naming each faulty field, e.g. <c>items[2].alert.alert_id</c>.</exception>
    public static IReadOnlyList<InboundItem> Validate(V1.DeliveryBatch batch, string origin, string self)
    {
        var rules = new FieldRules();
        if (batch.Items.Count is 0 or > FederationApi.MaxDeliveryItems)
        {
            rules.Add("items", $"must hold 1 to {FederationApi.MaxDeliveryItems} items");
        }
        var items = new List<InboundItem>();
        for (var i = 0; i < batch.Items.Count && i < FederationApi.MaxDeliveryItems; i++)
        {
            var path = $"items[{i}]";
            var item = batch.Items[i];
            switch (item.ItemCase)
            {
                case V1.DeliveryItem.ItemOneofCase.Alert:
                    items.Add(new InboundItem(Alert(rules, item.Alert, origin, path + ".alert"), null, null));
                    break;
                case V1.DeliveryItem.ItemOneofCase.Advisory:
                    var advisory = Advisory(item.Advisory, origin);
                    foreach (var v in AdvisoryRules.ValidateReceived(advisory, origin, path + ".advisory"))
                    {
                        rules.Add(v.Field, v.Rule);
                    }
                    Time(rules, path + ".advisory.published_at", item.Advisory.PublishedAt);
                    items.Add(new InboundItem(null, advisory, null));
                    break;
                case V1.DeliveryItem.ItemOneofCase.Acknowledgement:
                    var ack = item.Acknowledgement;
                    if (!Identifiers.IsIncidentId(ack.AlertId) || Identifiers.NodeOf(ack.AlertId) != self)
                    {
                        rules.Add(path + ".acknowledgement.alert_id", $"must be the id of an alert {self} sent, such as {self}-INC-0123456789ABCDEFGHJKMNPQRS");
                    }
                    rules.Optional(path + ".acknowledgement.note", ack.Note, 1_000, multiLine: true);
                    Time(rules, path + ".acknowledgement.acknowledged_at", ack.AcknowledgedAt);
                    items.Add(new InboundItem(null, null, new InboundAcknowledgement(ack.AlertId, SafeTime(ack.AcknowledgedAt), ack.Note)));
                    break;
                default:
                    rules.Add(path, "must hold an alert, an advisory or an acknowledgement");
                    break;
            }
        }
        RpcErrors.ThrowIfInvalid(rules.Violations);
        return items;
    }

    private static ReceivedAlert Alert(FieldRules rules, V1.AlertNotice alert, string origin, string path)
    {
        if (!Identifiers.IsIncidentId(alert.AlertId) || Identifiers.NodeOf(alert.AlertId) != origin)
        {
            rules.Add(path + ".alert_id", $"must be an incident id issued by {origin}, such as {origin}-INC-0123456789ABCDEFGHJKMNPQRS");
        }
        if (alert.PolicyVersion < 0)
        {
            rules.Add(path + ".policy_version", "must not be negative");
        }
        foreach (var v in RecordStructs.Check(alert.Incident, SharedDataset.Incidents, path + ".incident"))
        {
            rules.Add(v.Field, v.Rule);
        }
        Time(rules, path + ".raised_at", alert.RaisedAt);
        var productId = alert.Incident is null ? null : RecordStructs.String(alert.Incident, "product_id");
        return new ReceivedAlert(alert.AlertId, origin, alert.PolicyVersion,
            alert.Incident is null ? "{}" : DeliveryItems.ToJson(alert.Incident), productId, SafeTime(alert.RaisedAt), default, null, null);
    }

    private static Advisory Advisory(V1.AdvisoryNotice a, string origin) => new(
        a.AdvisoryId, origin, a.PolicyVersion, a.Title, a.Summary, a.LessonsLearned, [.. a.Mitigations], [.. a.Categories], SafeTime(a.PublishedAt));

    private static void Time(FieldRules rules, string field, Timestamp? t)
    {
        if (t is null)
        {
            rules.Add(field, "is required");
        }
        else if (t.Seconds < -62135596800 || t.Seconds > 253402300799 || t.Nanos is < 0 or > 999_999_999)
        {
            rules.Add(field, "must be a valid time between years 1 and 9999");
        }
    }

    // Only read after Time has passed it; a default keeps the mapping total for the rejected case.
    private static DateTimeOffset SafeTime(Timestamp? t)
    {
        try
        {
            return t?.ToDateTimeOffset() ?? default;
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException)
        {
            return default;
        }
    }
}
