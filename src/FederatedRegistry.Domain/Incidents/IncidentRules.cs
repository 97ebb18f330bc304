namespace FederatedRegistry.Domain.Incidents;

/// <summary>Field rules for incidents: everything that can be checked without stored records.</summary>
public static class IncidentRules
{
    /// <summary>How far a reporter's clock may run ahead of the node's before a time counts as "in the future".</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public static IReadOnlyList<FieldViolation> Validate(ReportIncident command, DateTimeOffset now)
    {
        var rules = new FieldRules();
        var d = command.Details;
        if (d is null)
        {
            rules.Add("details", "is required");
            return rules.Violations;
        }
        rules.Required("details.title", d.Title, 200);
        rules.Required("details.description", d.Description, 10_000, multiLine: true);
        rules.Optional("details.reporter", d.Reporter, 200);

        var hasSystem = !string.IsNullOrEmpty(d.SystemId);
        var hasProduct = !string.IsNullOrEmpty(d.ProductId);
        if (!hasSystem && !hasProduct)
        {
            rules.Add("details.system_id", "or details.product_id is required: name the system the incident involves");
        }
        if (hasSystem && !Identifiers.IsSystemId(d.SystemId))
        {
            rules.Add("details.system_id", "must be a registration id such as KE-SYS-0123456789ABCDEFGHJK");
        }
        if (hasProduct && rules.Optional("details.product_id", d.ProductId, 200))
        {
            rules.Matches("details.product_id", d.ProductId!, Identifiers.ProductIdShape, Identifiers.ProductIdDescription);
        }

        rules.RequiredEnum("details.severity", d.Severity);
        rules.DefinedEnum("details.suspected_cause", d.SuspectedCause);
        var harms = d.HarmTypes ?? [];
        if (harms.Count == 0)
        {
            rules.Add("details.harm_types", "must name at least one harm type: " + EnumNames.OneOf<HarmType>());
        }
        for (var i = 0; i < harms.Count; i++)
        {
            rules.DefinedEnum($"details.harm_types[{i}]", (HarmType?)harms[i]);
        }
        rules.Distinct("details.harm_types", harms);

        var groups = d.AffectedGroups ?? [];
        if (groups.Count > 50)
        {
            rules.Add("details.affected_groups", "must have at most 50 entries");
        }
        for (var i = 0; i < groups.Count && i < 50; i++)
        {
            rules.Required($"details.affected_groups[{i}]", groups[i], 200);
        }
        rules.Countries("details.affected_jurisdictions", d.AffectedJurisdictions ?? [], atLeastOne: true);
        ValidateTimes(rules, d, now);
        return rules.Violations;
    }

    public static IReadOnlyList<FieldViolation> Validate(TransitionIncident command)
    {
        var rules = new FieldRules();
        ValidateId(rules, command.Id);
        rules.RequiredEnum("to", command.To);
        rules.Optional("note", command.Note, 2000, multiLine: true);
        if (command.ExpectedVersion < 0)
        {
            rules.Add("expected_version", "must be 0 (any) or a version number");
        }
        return rules.Violations;
    }

    public static void ValidateId(FieldRules rules, string? id)
    {
        if (rules.Required("id", id, 60) && !Identifiers.IsIncidentId(id))
        {
            rules.Add("id", "must be an incident id such as KE-INC-01JD3Q4W5X6Y7Z8A9B0C1D2E3F");
        }
    }

    private static void ValidateTimes(FieldRules rules, IncidentDetails d, DateTimeOffset now)
    {
        var latest = now + ClockSkew;
        if (d.OccurredAt is null)
        {
            rules.Add("details.occurred_at", "is required");
        }
        if (d.AwareAt is null)
        {
            rules.Add("details.aware_at", "is required");
        }
        void NotFuture(string field, DateTimeOffset? t)
        {
            if (t > latest)
            {
                rules.Add(field, "must not be in the future");
            }
        }
        NotFuture("details.occurred_at", d.OccurredAt);
        NotFuture("details.aware_at", d.AwareAt);
        NotFuture("details.reported_at", d.ReportedAt);
        if (d.OccurredAt is { } occurred && d.AwareAt is { } aware && occurred > aware)
        {
            rules.Add("details.aware_at", "must not be before details.occurred_at");
        }
        if (d.AwareAt is { } a && d.ReportedAt is { } reported && a > reported)
        {
            rules.Add("details.reported_at", "must not be before details.aware_at");
        }
    }
}
